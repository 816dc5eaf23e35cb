"""The roles an alert or a decision can go to, beyond the team's own manager."""

from __future__ import annotations

#: Service manager, head of practice, team manager.
SM, HOP, TM = "service manager", "head of practice", "team manager"
