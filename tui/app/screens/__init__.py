"""Modal screens and the task detail screen."""
