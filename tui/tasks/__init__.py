"""Tasks: the filter language, quick-add, edits, recurrence, urgency, windows of the list, importers."""
