"""A member's working session on a workspace: what the app does, without the UI."""
