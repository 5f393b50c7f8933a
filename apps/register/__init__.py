"""Writes with consequences across apps: the doors (admin, API, commands, intake) call these, not signals."""
