"""The crewdeck application: command line, configuration, the Textual app,
and the logic that turns the workspace's state into what a pane or a
command shows.  Modules outside ``tui.ui`` never import Textual.
"""
