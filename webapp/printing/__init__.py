"""Printing for a team: its board kit and calibration page, and the tile and sticker queues."""
