"""Textual widgets that render plain data handed to them and post messages.

Nothing here imports ``sync`` or ``tui``: a widget knows rows, cells and
keys, never the store.
"""
