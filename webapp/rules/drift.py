"""The drift and quality report (Kent Case Progression Policy §11; Kent Extended Case
File Audit §5). Plain data, no Flask: the CLI writes it as JSON, CSV or PDF and the
dashboard draws it.

Past states are replayed from each family's events (created, review set, stage
moved, closed, reopened, transferred, and the dated changes of ``family set``), so
"how many cases were overdue in March" is answered from what the store recorded at the
time, not from today's dates.
"""

from __future__ import annotations

import json
import random
import statistics
from collections import defaultdict
from datetime import date, timedelta

from sqlite_utils import Database

from tilegen import domain
from webapp.cases.families import rereferral_months
from webapp.cases.meetings import weeks_without_meeting
from webapp.cases.teams import stage_names, team_today
from webapp.rules.alerts import missed_reviews, open_alerts
from webapp.rules.drift_policy import policy_sections
from webapp.rules.meeting_audits import audit_status
from webapp.rules.supervision import coverage
from webapp.rules.team_rules import limit, stuck_weeks
from webapp.rules.workdays import add_months
from webapp.store import events

#: Time-in-stage buckets, in days: (label, upper bound exclusive).
STAGE_BUCKETS = [
    ("< 4 wk", 28),
    ("4-8 wk", 56),
    ("8-13 wk", 91),
    ("13-26 wk", 182),
    ("26+ wk", None),
]


def _timelines(db: Database, team: dict) -> dict[int, list[tuple[str, str, dict]]]:
    found = defaultdict(list)
    for r in db.query(
        """select family_id, on_date, kind, detail from events
           where team_id = ? and family_id is not null and kind in (?, ?, ?, ?, ?, ?, ?)
           order by on_date, id""",
        [
            team["id"],
            events.CREATED,
            events.REVIEW_SET,
            events.STAGE_MOVED,
            events.CLOSED,
            events.REOPENED,
            events.TRANSFERRED,
            events.CHANGED,
        ],
    ):
        found[r["family_id"]].append((r["on_date"], r["kind"], json.loads(r["detail"] or "{}")))
    return found


def _apply(state: dict | None, on: str, kind: str, detail: dict) -> dict | None:
    if kind == events.CREATED:
        return {
            "stage": detail.get("stage"),
            "next_review": detail.get("next_review"),
            "closed": False,
            "stage_since": on,
        }
    if state is None:
        return None  # history before registration is unknown
    if kind == events.REVIEW_SET:
        return {**state, "next_review": detail.get("to")}
    if kind == events.STAGE_MOVED:
        return {**state, "stage": detail.get("to"), "stage_since": on}
    if kind == events.CLOSED:
        return {**state, "closed": True}
    if kind == events.REOPENED:
        return {**state, "closed": False}
    if kind == events.TRANSFERRED:
        stage = (detail.get("stage") or {}).get("to", state["stage"])
        moved = stage != state["stage"]
        return {**state, "stage": stage, "stage_since": on if moved else state["stage_since"]}
    if kind == events.CHANGED and detail.get("field"):
        return {**state, detail["field"]: detail.get("to")}
    return state


def states_on(timeline: list[tuple[str, str, dict]], days: list[date]) -> list[dict | None]:
    """A family's state (stage, next_review, closed, stage_since) on each of ``days`` (sorted)."""
    out, state, i = [], None, 0
    for day in days:
        iso = day.isoformat()
        while i < len(timeline) and timeline[i][0] <= iso:
            state = _apply(state, *timeline[i])
            i += 1
        out.append(state)
    return out


def overdue_series(timelines: dict, days: list[date]) -> list[dict]:
    """For each day: open cases, how many were overdue, and their days overdue."""
    counts = [{"open": 0, "overdue": 0, "days": []} for _ in days]
    for timeline in timelines.values():
        for slot, day, state in zip(counts, days, states_on(timeline, days), strict=True):
            if state is None or state["closed"]:
                continue
            slot["open"] += 1
            review = state["next_review"]
            if review and date.fromisoformat(review) < day:
                slot["overdue"] += 1
                slot["days"].append((day - date.fromisoformat(review)).days)
    return [
        {
            "week_ending": day.isoformat(),
            "open": slot["open"],
            "overdue": slot["overdue"],
            "days_overdue": sum(slot["days"]),
            "mean_days_overdue": round(statistics.mean(slot["days"]), 1) if slot["days"] else 0,
            "max_days_overdue": max(slot["days"], default=0),
        }
        for day, slot in zip(days, counts, strict=True)
    ]


def _bucket(days: int) -> str:
    for label, upper in STAGE_BUCKETS:
        if upper is None or days < upper:
            return label
    raise AssertionError("the last bucket has no upper bound")


def stage_time(families: list[dict], names: dict[int, str]) -> list[dict]:
    """Per stage: how long its open cases have been on that board (a distribution)."""
    by_stage = defaultdict(list)
    for fam in families:
        by_stage[fam["stage"]].append(fam["days_in_stage"])
    found = []
    for stage, name in sorted(names.items()):
        days = by_stage.get(stage, [])
        buckets = {label: 0 for label, _ in STAGE_BUCKETS}
        for d in days:
            buckets[_bucket(d)] += 1
        found.append(
            {
                "stage": stage,
                "name": name,
                "cases": len(days),
                "median_days": statistics.median(days) if days else None,
                "max_days": max(days, default=None),
                "buckets": buckets,
            }
        )
    return found


def moves_per_week(db: Database, team: dict, weeks: list[date]) -> list[dict]:
    """Stage moves recorded in each week (Monday to Sunday) starting on ``weeks``."""
    first, last = weeks[0], weeks[-1] + timedelta(days=6)
    counts: dict[date, int] = defaultdict(int)
    for r in db.query(
        "select on_date from events where team_id = ? and kind = ? and on_date between ? and ?",
        [team["id"], events.STAGE_MOVED, first.isoformat(), last.isoformat()],
    ):
        day = date.fromisoformat(r["on_date"])
        counts[day - timedelta(days=day.weekday())] += 1
    return [{"week_starting": w.isoformat(), "moves": counts[w]} for w in weeks]


def reopened(db: Database, team: dict, start: date, on: date, months: int) -> list[dict]:
    """Every reopening between ``start`` and ``on`` (the start-again section), with the days
    the case was closed and whether that was within ``months`` of closing."""
    found = []
    for r in db.query(
        """select e.on_date, e.detail, f.token, f.initials, f.worker, f.stage from events e
           join families f on f.id = e.family_id
           where e.team_id = ? and e.kind = ? and e.on_date between ? and ?
           order by e.on_date, e.id""",
        [team["id"], events.REOPENED, start.isoformat(), on.isoformat()],
    ):
        closed_on = json.loads(r["detail"] or "{}").get("closed_on")
        if not closed_on:
            continue
        reopened_on = date.fromisoformat(r["on_date"])
        found.append(
            {
                "token": r["token"],
                "initials": r["initials"],
                "worker": r["worker"],
                "closed_on": closed_on,
                "reopened_on": r["on_date"],
                "days_closed": (reopened_on - date.fromisoformat(closed_on)).days,
                "within_window": add_months(date.fromisoformat(closed_on), months) >= reopened_on,
            }
        )
    return found


def rereferrals(db: Database, team: dict, start: date, on: date) -> list[dict]:
    """New families registered between ``start`` and ``on`` with the case reference of a
    case closed within the team's re-referral window (linked when they were registered)."""
    return [
        {
            **r,
            "days_closed": (
                date.fromisoformat(r["opened"]) - date.fromisoformat(r["closed_on"])
            ).days,
        }
        for r in db.query(
            """select f.token, f.initials, f.worker, f.opened, old.token as earlier,
                      old.closed as closed_on, old.closed_as as closed_as from families f
               join families old on old.id = f.rereferral_of
               where f.team_id = ? and f.opened between ? and ?
               order by f.opened, f.token""",
            [team["id"], start.isoformat(), on.isoformat()],
        )
    ]


def dip_sample(
    db: Database, team: dict, on: date, size: int, seed: int, from_months: int, to_months: int
) -> dict:
    """A reproducible random sample of cases closed or stepped down 3-6 months ago (by
    default; Kent Case Progression Policy §11), with the scaling and views at closure.

    The eligible cases are sorted by closing date and token before sampling, so the
    same store, size and seed always give the same sample.
    """
    newest, oldest = add_months(on, -from_months), add_months(on, -to_months)
    eligible = list(
        db.query(
            """select token, initials, worker, stage, case_type, opened, closed,
                      coalesce(closed_as, 'closed') as closed_as, closed_scaling as scaling,
                      closed_views as views, closed_reason as reason from families
               where team_id = ? and closed between ? and ? order by closed, token""",
            [team["id"], oldest.isoformat(), newest.isoformat()],
        )
    )
    picked = random.Random(seed).sample(eligible, min(size, len(eligible)))
    picked.sort(key=lambda r: (r["closed"], r["token"]))
    return {
        "size": size,
        "seed": seed,
        "closed_from": oldest.isoformat(),
        "closed_to": newest.isoformat(),
        "eligible": len(eligible),
        "cases": picked,
    }


def _current(db: Database, team: dict, timelines: dict, on: date) -> list[dict]:
    """Open cases on ``on`` with their stage and days in it."""
    rows = {r["id"]: r for r in db["families"].rows_where("team_id = ?", [team["id"]])}
    found = []
    for fid, timeline in timelines.items():
        [state] = states_on(timeline, [on])
        if state is None or state["closed"] or fid not in rows:
            continue
        row = rows[fid]
        found.append(
            {
                "token": row["token"],
                "initials": row["initials"],
                "worker": row["worker"],
                "stage": state["stage"],
                "next_review": state["next_review"],
                "days_in_stage": (on - date.fromisoformat(state["stage_since"])).days,
            }
        )
    return sorted(found, key=lambda f: (f["stage"], f["initials"], f["token"]))


def _stuck(current: list[dict], limits: dict[int, int]) -> list[dict]:
    stuck = [
        {**f, "limit_days": limits[f["stage"]] * 7}
        for f in current
        if f["stage"] in limits and f["days_in_stage"] > limits[f["stage"]] * 7
    ]
    stuck.sort(key=lambda f: f["days_in_stage"] - f["limit_days"], reverse=True)
    return stuck


def stuck_cases(db: Database, team: dict, on: date) -> list[dict]:
    """Open cases on ``on`` longer in their stage than the team's limit (``stuck-stage-N``),
    most over first: ``token``, ``initials``, ``stage``, ``days_in_stage``, ``limit_days``.

    For the agenda, which asks every time it is drawn: from each case's last stage event
    on or before ``on`` and whether it is open as it stands, rather than the drift
    report's replay of its whole history (the two agree on the present)."""
    last: dict[int, tuple[str, dict]] = {}
    for r in db.query(
        """select e.family_id, e.on_date, e.detail from events e
           join families f on f.id = e.family_id
           where e.team_id = ? and e.kind in (?, ?) and e.on_date <= ?
             and f.opened <= ? and (f.closed is null or f.closed > ?)
           order by e.on_date, e.id""",
        [team["id"], events.CREATED, events.STAGE_MOVED, *[on.isoformat()] * 3],
    ):
        last[r["family_id"]] = (r["on_date"], json.loads(r["detail"] or "{}"))
    rows = {r["id"]: r for r in db["families"].rows_where("team_id = ?", [team["id"]])}
    current = [
        {
            "token": rows[fid]["token"],
            "initials": rows[fid]["initials"],
            "worker": rows[fid]["worker"],
            "stage": detail.get("to", detail.get("stage")),
            "next_review": rows[fid]["next_review"],
            "days_in_stage": (on - date.fromisoformat(since)).days,
        }
        for fid, (since, detail) in last.items()
    ]
    return _stuck(current, stuck_weeks(db, team))


def drift_report(
    db: Database,
    team: dict,
    on: date | None = None,
    *,
    weeks: int = 52,
    sample: int | None = None,
    seed: int | None = None,
) -> dict:
    """Everything the drift and quality report shows, as plain data."""
    on = on or team_today(team)
    week_ends = [on - timedelta(weeks=k) for k in range(weeks - 1, -1, -1)]
    this_monday = on - timedelta(days=on.weekday())
    week_starts = [this_monday - timedelta(weeks=k) for k in range(weeks - 1, -1, -1)]
    start = week_ends[0] - timedelta(days=6)
    timelines = _timelines(db, team)
    names = stage_names(db, team)
    current = _current(db, team, timelines, on)
    stuck = _stuck(current, stuck_weeks(db, team))
    missed = missed_reviews(db, team, on, since=start)
    no_meeting = weeks_without_meeting(db, team, start, on)
    dip = limit(db, team, "dip_sample")
    series = overdue_series(timelines, week_ends)
    month = coverage(db, team, on.year, on.month, as_of=on)
    alerts = open_alerts(db, team, on)
    start_again = reopened(db, team, start, on, limit(db, team, "reopen_window")["months"])
    referred = rereferrals(db, team, start, on)
    statuses = [domain.review_status(_d(f["next_review"]), on, team["amber_days"]) for f in current]
    moves = moves_per_week(db, team, week_starts)
    return {
        "team": team["name"],
        "on": on.isoformat(),
        "from": start.isoformat(),
        "summary": {
            "open": len(current),
            "red": statuses.count(domain.RED),
            "amber": statuses.count(domain.AMBER),
            "stuck": len(stuck),
            "moves_last_4_weeks": sum(m["moves"] for m in moves[-4:]),
            "open_alerts": len(alerts),
            "start_again": len(start_again),
            "rereferrals": len(referred),
            "missed_reviews": sum(m["missed"] for m in missed),
            "weeks_without_meeting": len(no_meeting),
            "supervision_percent": month["percent"],
        },
        "overdue": series,
        "stage_time": stage_time(current, names),
        "stage_buckets": [label for label, _ in STAGE_BUCKETS],
        "stuck": stuck,
        "moves": moves,
        "reopened": start_again,
        "rereferrals": referred,
        "rereferral_months": rereferral_months(team),
        "reopen_window_months": limit(db, team, "reopen_window")["months"],
        "dip_sample": dip_sample(
            db,
            team,
            on,
            dip["size"] if sample is None else sample,
            dip["seed"] if seed is None else seed,
            dip["from_months"],
            dip["to_months"],
        ),
        "audit": audit_status(db, team, on),
        "supervision": {k: month[k] for k in ("month", "cases", "discussed", "percent")},
        "alerts_by_rule": _count(a["rule"] for a in alerts),
        "missed_reviews": missed,
        "no_meeting_weeks": no_meeting,
        **policy_sections(db, team, start, on),
    }


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _count(items) -> dict[str, int]:
    found: dict[str, int] = defaultdict(int)
    for item in items:
        found[item] += 1
    return dict(sorted(found.items()))
