"""What each user receives and how often: per kind of message, ``daily`` (as it
happens), ``weekly`` (gathered on the weekly day) or ``off``."""

from __future__ import annotations

from collections.abc import Mapping

from sqlite_utils import Database

from webapp.errors import BadInput

ALERTS, WEEKLY, SCANS, STICKERS = "alerts", "weekly", "scans", "stickers"
#: Kind -> (label, default frequency). Who gets which is decided by role in due.py.
KINDS = {
    ALERTS: ("Review triggers that fire for your role", "daily"),
    WEEKLY: ("Your red and amber cases and open alerts", "weekly"),
    SCANS: ("A summary after a board photo is applied (team managers)", "daily"),
    STICKERS: ("Date stickers waiting more than three days (admins)", "daily"),
}
FREQUENCIES = ("daily", "weekly", "off")


def user_prefs(db: Database, user: dict) -> dict[str, str]:
    """Kind -> frequency for ``user``, defaults filled in."""
    found = {kind: default for kind, (_, default) in KINDS.items()}
    for r in db["notify_prefs"].rows_where("user_id = ?", [user["id"]]):
        if r["kind"] in found:
            found[r["kind"]] = r["frequency"]
    return found


def set_prefs(db: Database, user: dict, chosen: Mapping[str, str]) -> dict[str, str]:
    """Store the frequencies in ``chosen`` (kind -> daily | weekly | off); all or nothing."""
    rows = []
    for kind, frequency in chosen.items():
        if kind not in KINDS:
            raise BadInput(f"no notification called {kind!r}")
        if frequency not in FREQUENCIES:
            raise BadInput(f"choose {', '.join(FREQUENCIES)} for {kind}, not {frequency!r}")
        rows.append({"user_id": user["id"], "kind": kind, "frequency": frequency})
    db["notify_prefs"].upsert_all(rows, pk=("user_id", "kind"))
    return user_prefs(db, user)
