"""Posts without a UI: their computed states, approval rounds, crises, copy limits and exports.

The CLI and the app both read and write posts through this room
(``reading`` and ``writing``); nothing here imports Textual.
"""
