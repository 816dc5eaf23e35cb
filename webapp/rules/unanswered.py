"""Firings left unanswered when a case left the team (docs/contract.md §12): "A firing
still open when its case closes is counted in the drift report as unanswered at
closure"; so is one still open when the case went to another team."""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database

from webapp.rules.alerts import team_firings


def unanswered_at_closure(
    db: Database, team: dict, on: date, since: date | None = None
) -> list[dict]:
    """Firings still open on the day the team's holding of the case ended (it closed, or
    went to another team), for endings from ``since`` to ``on``: ``token``,
    ``initials``, ``rule``, ``key``, ``due``, ``ended_on`` and ``ended_by``."""
    found = []
    for family, firing, answered in team_firings(db, team, on, ended=True):
        end = next(((d, why) for d, why in family["ends"] if d > firing.due), None)
        if end is None or (since and end[0] < since):
            continue
        if answered is None or answered >= end[0]:
            found.append(
                {
                    "token": family["token"],
                    "initials": family["initials"],
                    "rule": firing.rule,
                    "key": firing.key,
                    "due": firing.due.isoformat(),
                    "ended_on": end[0].isoformat(),
                    "ended_by": end[1],
                }
            )
    found.sort(key=lambda a: (a["ended_on"], a["due"], a["token"], a["key"]))
    return found
