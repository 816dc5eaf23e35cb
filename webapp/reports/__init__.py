"""The drift report: its sections as of a day, its policy sections and its CSV."""
