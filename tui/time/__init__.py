"""Time across zones: dates as people write them, working hours, the roster, the planner, the grid model, iCalendar."""
