"""Plain values and their parsing: dates, bounds, working days, names. Below every
domain package; imports nothing of caseboard but ``webapp.errors``."""
