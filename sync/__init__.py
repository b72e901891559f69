"""The replicated state of a crewdeck workspace.

Records, the hybrid logical clock, the operations log and the store that
applies it.  Nothing here imports Textual, ``widgets`` or ``tui``: the same
code runs inside the app, the command line and the sync server.
"""
