"""Families, teams and users, the weekly agenda, and syncing scans into the store."""
