"""A workspace as the CLI and the app read it: members, campaigns, settings, config, exports, the demo."""
