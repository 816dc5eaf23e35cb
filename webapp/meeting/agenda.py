"""The weekly meeting's agenda: which families need discussing, and why.

The agenda follows the Kent policy (docs/policies.md#kent-policy, §5): the
boards show which families need discussing this week; tiles in the red
(overdue) and amber (due within the amber window) sections come first, then
tiles that moved stage since the last meeting, new tiles, and families a
practitioner asked to discuss. Stuck cases (longer in their stage than the team's
limit, or a scaling score unchanged at the last meetings; Kent policy §11) come after
amber, then open alerts from the review rules.
A family appears once, under its most urgent reason; the other reasons stay in its
``reasons`` list.
"""

from __future__ import annotations

import json
from datetime import date

from sqlite_utils import Database

from printables.output import long_date
from webapp.accounts.teams import stage_names
from webapp.cases import history
from webapp.cases.families import family_view
from webapp.cases.meetings import previous_meeting, since_date
from webapp.reports.drift import stuck_cases
from webapp.rules.alerts import open_alerts
from webapp.store import events

#: Reasons, most urgent first: the order of the agenda's sections.
REASONS = ("red", "amber", "stuck", "alert", "moved", "new", "requested")
REASON_TITLES = {
    "red": "Overdue (red)",
    "amber": "Due soon (amber)",
    "stuck": "Stuck: over the stage limit",
    "alert": "Open alerts",
    "moved": "Moved stage since the last meeting",
    "new": "New tiles",
    "requested": "Asked to discuss",
}


def open_requests(db: Database, team: dict, on: date) -> dict[int, list[dict]]:
    """Family id -> its requests made on or before ``on`` and not resolved by then,
    oldest first."""
    found: dict[int, list[dict]] = {}
    for r in db.query(
        """select r.*, u.username from agenda_requests r left join users u on u.id = r.requested_by
           where r.team_id = ? and r.requested_on <= ?
             and (r.resolved_at is null or substr(r.resolved_at, 1, 10) > ?)
           order by r.requested_at, r.id""",
        [team["id"], on.isoformat(), on.isoformat()],
    ):
        found.setdefault(r["family_id"], []).append(
            {"by": r["username"], "note": r["note"], "on": r["requested_on"]}
        )
    return found


def _stage_moves(db: Database, team: dict, since: date, on: date) -> dict[int, dict]:
    """Family id -> its net stage move in (since, on]; moves that came back are left out."""
    moves: dict[int, dict] = {}
    for e in db.query(
        """select family_id, detail, on_date from events
           where team_id = ? and kind = ? and on_date > ? and on_date <= ? order by at, id""",
        [team["id"], events.STAGE_MOVED, since.isoformat(), on.isoformat()],
    ):
        detail = json.loads(e["detail"] or "{}")
        move = moves.setdefault(e["family_id"], {"from": detail.get("from")})
        move.update({"to": detail.get("to"), "on": e["on_date"]})
    return {k: v for k, v in moves.items() if v["from"] != v["to"]}


def _new_tiles(db: Database, team: dict, since: date, on: date) -> dict[int, dict]:
    """Family id -> when it was registered, reopened or transferred in, in (since, on].

    A tile registered (or transferred in) on the last meeting's own day and not
    discussed at that meeting came after it: it is new at this one too."""
    held = previous_meeting(db, team, on)
    same_day = held is not None and held["meeting_date"] == since.isoformat()
    discussed = (
        {
            r["family_id"]
            for r in db.query(
                """select family_id from events where team_id = ? and kind = ?
                   and json_extract(detail, '$.meeting_date') = ?""",
                [team["id"], events.OUTCOME, since.isoformat()],
            )
        }
        if same_day
        else set()
    )
    found: dict[int, dict] = {}
    kinds = (events.CREATED, events.REOPENED, events.TRANSFERRED)
    for e in db.query(
        """select family_id, kind, on_date, detail from events
           where team_id = ? and kind in (?, ?, ?) and on_date >= ? and on_date <= ?
           order by at, id""",
        [team["id"], *kinds, since.isoformat(), on.isoformat()],
    ):
        if e["on_date"] == since.isoformat() and (not same_day or e["family_id"] in discussed):
            continue
        transferred = e["kind"] == events.TRANSFERRED
        if transferred and json.loads(e["detail"] or "{}").get("to_team") != team["name"]:
            continue
        found[e["family_id"]] = {
            "on": e["on_date"],
            "reopened": e["kind"] == events.REOPENED,
            "transferred": transferred,
        }
    return found


def _zones(db: Database, team: dict, on: date) -> dict[int, dict]:
    """Family id -> where the team's scans last saw its tile on or before ``on``."""
    found: dict[int, dict] = {}
    for e in db.query(
        """select family_id, detail, at from events
           where team_id = ? and kind = ? and on_date <= ? order by on_date, id""",
        [team["id"], events.ZONE_SEEN, on.isoformat()],
    ):
        detail = json.loads(e["detail"] or "{}")
        found[e["family_id"]] = {
            "last_stage": detail.get("stage"),
            "last_zone": detail.get("zone"),
            "last_x_mm": detail.get("x_mm"),
            "last_y_mm": detail.get("y_mm"),
            "last_seen_at": e["at"],
        }
    return found


def _alerts_by_token(db: Database, team: dict, on: date) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for alert in open_alerts(db, team, on):
        found.setdefault(alert["token"], []).append(
            {k: alert.get(k) for k in ("rule", "key", "due", "role", "message", "missed")}
        )
    return found


def _outcomes(db: Database, team: dict, on: date) -> dict[int, list[dict]]:
    """Family id -> outcomes recorded for the meeting of ``on``, oldest first."""
    found: dict[int, list[dict]] = {}
    for e in db.query(
        """select e.family_id, e.detail, e.at, u.username from events e
           left join users u on u.id = e.user_id
           where e.team_id = ? and e.kind = ? and json_extract(e.detail, '$.meeting_date') = ?
           order by e.at, e.id""",
        [team["id"], events.OUTCOME, on.isoformat()],
    ):
        found.setdefault(e["family_id"], []).append(
            {**json.loads(e["detail"]), "at": e["at"], "by": e["username"]}
        )
    return found


#: Where a scan last saw a tile: as of the agenda's day, from the scans' events.
_SEEN = ("last_stage", "last_zone", "last_x_mm", "last_y_mm", "last_seen_at")

#: Meetings in a row with the same scaling score after which the agenda notes a case as
#: possibly stuck: a note on the item, and the reason ``stuck`` (docs/contract.md §5).
STUCK_MEETINGS = 3


def _scaling(db: Database, team: dict, on: date) -> dict[int, list[tuple[str, int]]]:
    """Family id -> (meeting date, scaling score) of its outcomes up to ``on``, oldest
    first."""
    found: dict[int, list[tuple[str, int]]] = {}
    for e in db.query(
        """select family_id, json_extract(detail, '$.meeting_date') as day,
                  json_extract(detail, '$.scaling') as score from events
           where team_id = ? and kind = ? and json_extract(detail, '$.scaling') is not null
             and json_extract(detail, '$.meeting_date') <= ?
           order by json_extract(detail, '$.meeting_date'), at, id""",
        [team["id"], events.OUTCOME, on.isoformat()],
    ):
        found.setdefault(e["family_id"], []).append((e["day"], e["score"]))
    return found


def stuck_note(scores: list[int]) -> str | None:
    """``possibly stuck: scaling 4 at the last 3 meetings`` when the last three scores
    are the same, else None."""
    last = scores[-STUCK_MEETINGS:]
    if len(last) < STUCK_MEETINGS or len(set(last)) != 1:
        return None
    return f"possibly stuck: scaling {last[0]} at the last {STUCK_MEETINGS} meetings"


def _reasons(view: dict, family_id: int, found: dict, scores: list[int]) -> dict[str, object]:
    """Reason -> its details for one family, in order of urgency. ``stuck`` is over the
    stage limit, or a scaling score that has not moved at the last meetings."""
    reasons: dict[str, object] = {}
    if view["status"] in ("red", "amber"):
        reasons[view["status"]] = {"due": view["due"], "next_review": view["next_review"]}
    if view["token"] in found["stuck"]:
        reasons["stuck"] = found["stuck"][view["token"]]
    elif stuck_note(scores):
        reasons["stuck"] = {"scaling": scores[-1], "meetings": STUCK_MEETINGS}
    if view["token"] in found["alert"]:
        reasons["alert"] = found["alert"][view["token"]]
    for name in ("moved", "new", "requested"):
        if family_id in found[name]:
            reasons[name] = found[name][family_id]
    return reasons


def build_agenda(db: Database, team: dict, on: date) -> list[dict]:
    """The agenda for the meeting of ``on``: one item per family, most urgent reason first.

    Within a reason, items follow board order (stage, then board code). A family
    whose outcome was already recorded at this meeting keeps the place it had
    when it was discussed, so the agenda does not reshuffle during the meeting.
    """
    since = since_date(db, team, on)
    found = {
        "stuck": {
            s["token"]: {k: s[k] for k in ("days_in_stage", "limit_days")}
            for s in stuck_cases(db, team, on)
        },
        "alert": _alerts_by_token(db, team, on),
        "moved": _stage_moves(db, team, since, on),
        "new": _new_tiles(db, team, since, on),
        "requested": open_requests(db, team, on),
    }
    outcomes = _outcomes(db, team, on)
    scaling = _scaling(db, team, on)
    zones = _zones(db, team, on)
    names = stage_names(db, team)
    items = []
    for timeline, state in history.cases_on(db, team, on):
        row = timeline.row
        as_then = {
            **history.as_row(timeline, state),
            **dict.fromkeys(_SEEN),
            **zones.get(row["id"], {}),
        }
        view = family_view(db, as_then, team, on, timeline.flag_names_on(on))
        recorded = outcomes.get(row["id"], [])
        # The scaling scores of the episode open on the day.
        scores = [score for day, score in scaling.get(row["id"], []) if day >= state["opened"]]
        if recorded:
            snapshot = recorded[0].get("agenda") or {}
            reasons = {r: snapshot.get("details", {}).get(r) for r in snapshot.get("reasons", [])}
        else:
            reasons = _reasons(view, row["id"], found, scores)
        if not reasons:
            continue
        items.append(_item(view, names, reasons, recorded, scores))
    order = {reason: n for n, reason in enumerate(REASONS)}
    items.sort(key=lambda i: (order[i["reason"]], i["stage"], i["initials"], i["token"]))
    return items


def _item(view: dict, names: dict, reasons: dict, recorded: list[dict], scores: list[int]) -> dict:
    item = {k: view[k] for k in ("token", "initials", "stage", "next_review", "status", "due")}
    item.update(
        stage_name=names.get(view["stage"], ""),
        worker=view["worker"],
        case_type=view["case_type"],
        flags=view["flags"],
        zone=view["zone"],
        reason=next(iter(reasons)),
        reasons=list(reasons),
        details=reasons,
        outcome=recorded[-1] if recorded else None,
        codes=view["codes"],
        scaling=scores[-1] if scores else None,
    )
    note = stuck_note(scores)
    item["possibly_stuck"] = note is not None
    item["notes"] = [note] if note else []
    item["summary"] = item_summary(item)
    return item


def item_summary(item: dict) -> str:
    """One line saying why a family is on the agenda, for tables and print."""
    parts = []
    details = item["details"]
    for reason in item["reasons"]:
        detail = details.get(reason)
        if reason in ("red", "amber"):
            # The review column already says how due it is; say more only if it changed.
            if detail and detail.get("due") != item["due"]:
                parts.append(f"was {detail['due']}")
        elif reason == "stuck" and detail and "scaling" in detail:
            pass  # the "possibly stuck" note says it
        elif reason == "stuck" and detail:
            parts.append(
                f"{detail['days_in_stage']} days in stage {item['stage']} "
                f"(limit {detail['limit_days']})"
            )
        elif reason == "alert":
            parts.extend(
                f"alert: {a.get('message') or a.get('rule')}"
                + (" (missed)" if a.get("missed") else "")
                for a in detail or []
            )
        elif reason == "moved" and detail:
            parts.append(
                f"moved stage {detail['from']} -> {detail['to']} on {long_date(detail['on'])}"
            )
        elif reason == "new" and detail:
            new = "reopened" if detail.get("reopened") else "new"
            new = "transferred in" if detail.get("transferred") else new
            parts.append(f"{new} on {long_date(detail['on'])}")
        elif reason == "requested":
            for r in detail or []:
                parts.append(f"asked by {r['by']}" + (f": {r['note']}" if r.get("note") else ""))
    parts.extend(item.get("notes", []))
    return "; ".join(parts)


def group_agenda(items: list[dict]) -> list[tuple[str, str, list[dict]]]:
    """(reason, title, items) for each reason that has items, in agenda order."""
    return [
        (reason, REASON_TITLES[reason], [i for i in items if i["reason"] == reason])
        for reason in REASONS
        if any(i["reason"] == reason for i in items)
    ]
