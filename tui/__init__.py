"""The crewdeck application: command line, configuration, the Textual app,
and the logic that turns the workspace's state into what a pane or a
command shows.  Modules outside ``crewdeck.tui.app`` never import Textual.
"""
