"""The demo: a sample team with a year of generated history, its printables and a scanned wall."""
