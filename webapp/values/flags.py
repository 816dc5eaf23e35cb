"""The flags every team starts with: the risk flags, and shielding. Teams add their own
in their settings."""

from __future__ import annotations

RISK_FLAGS = [
    "CSE",
    "trafficking",
    "radicalisation",
    "gangs",
    "FGM",
    "forced marriage",
    "honour-based violence",
    "MARAC",
    "MAPPA",
]
SHIELDED = "shielded"
#: Every flag a team can set on a family by default: the risk flags, and shielding.
DEFAULT_FLAGS = [*RISK_FLAGS, SHIELDED]
