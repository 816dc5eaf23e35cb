"""A tile's history and whereabouts in plain words: what each event says on the tile page
(``Moved from board 1 to board 2``) and where the tile was last seen (``Board 3, red
section, 2 days ago (Wed 12 Mar 2025, 14:05)``)."""

from __future__ import annotations

from datetime import UTC, datetime

from webapp.store import events
from webapp.web import dates
from webapp.web.words import ZONE_WORDS


def last_seen(view: dict) -> str | None:
    """``Board 3, red section, 2 days ago (Wed 12 Mar 2025, 14:05)`` or None; the time
    in the team's zone."""
    if not view["last_seen_at"]:
        return None
    where = f"Board {view['last_stage']}" if view["last_stage"] else "In a photo, on no board"
    if view["zone"]:
        where += f", {ZONE_WORDS.get(view['zone'], view['zone'])}"
    return f"{where}, {ago(view['last_seen_at'])}"


def ago(timestamp: str, now: datetime | None = None) -> str:
    seen = datetime.fromisoformat(timestamp)
    days = ((now or datetime.now(UTC)) - seen).days
    when = {0: "today", 1: "yesterday"}.get(days, f"{days} days ago")
    return f"{when} ({dates.when(seen)})"


def describe_event(event: dict) -> dict:
    """An event in plain words for the history list."""
    d, kind = event["detail"], event["kind"]
    text = {
        events.CREATED: lambda: (
            f"Registered on board {d.get('stage')}, review {dates.longdate(d.get('next_review'))}"
        ),
        events.STAGE_MOVED: lambda: f"Moved from board {d.get('from')} to board {d.get('to')}",
        events.ZONE_SEEN: lambda: (
            f"Seen on board {d.get('stage')}, {ZONE_WORDS.get(d.get('zone'), d.get('zone'))}"
        ),
        events.REVIEW_SET: lambda: (
            f"Review date {dates.longdate(d.get('from'), 'none')} → {dates.longdate(d.get('to'))}"
        ),
        events.CLOSED: lambda: describe_closure(d),
        events.REOPENED: lambda: (
            "Case reopened as a new episode (had been closed on "
            f"{dates.longdate(d.get('closed_on'))}"
            + (f", {d['days_closed']} days" if d.get("days_closed") is not None else "")
            + ")"
        ),
        events.CHANGED: lambda: (
            f"{CHANGE_WORDS.get(d.get('field'), d.get('field'))}: "
            f"{dates.longdate(d.get('from'), 'none')} → {dates.longdate(d.get('to'))}"
        ),
        events.TRANSFERRED: lambda: (
            f"Transferred from {d.get('from_team')} to {d.get('to_team')}, "
            f"board {(d.get('stage') or {}).get('to')}"
        ),
        events.FLAG_ADDED: lambda: f"Flag added: {d.get('flag')}",
        events.FLAG_REMOVED: lambda: f"Flag removed: {d.get('flag')}",
        events.OUTCOME: lambda: (
            f"Meeting of {d.get('meeting_date')}: {d.get('note')}"
            + (f"; scaling {d['scaling']}/10" if d.get("scaling") is not None else "")
        ),
        events.TILE_PRINTED: lambda: "Tile printed",
        events.STICKER_PRINTED: lambda: "Date sticker printed",
    }.get(kind, lambda: kind.replace("_", " ").capitalize())()
    if d.get("scan"):
        text += f" (scan {d['scan']})"
    return {
        "on": event["on_date"],
        "text": text,
        "who": event.get("username") or event["source"],
        "kind": kind,
    }


CHANGE_WORDS = {
    "case_type": "Case type",
    "proceedings_start": "Proceedings start",
    "s47": "s.47 referral",
    "assessment_done": "Assessment done",
    "worker": "Worker",
    "initials": "Board codes",
}


def describe_closure(d: dict) -> str:
    """``Stepped down on 2025-03-12; views: child, family; scaling 7; reason ...``."""
    kind = "stepped down" if d.get("as") == "stepped-down" else "closed"
    text = f"Case {kind} on {dates.longdate(d.get('on'))}"
    if d.get("views"):
        text += f"; views considered: {', '.join(d['views'])}"
    if d.get("scaling") is not None:
        text += f"; scaling {d['scaling']}/10"
    if d.get("reason"):
        text += f"; {d['reason']}"
    if d.get("flags_ended"):
        text += f"; flags ended: {', '.join(d['flags_ended'])}"
    return text
