"""The ``crewdeck`` command line."""
