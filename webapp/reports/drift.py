"""The drift and quality report (Kent Case Progression Policy §11; Kent Extended Case
File Audit §5). Plain data, no Flask: the CLI writes it as JSON, CSV or PDF and the
dashboard draws it.

Past states are replayed from each family's events (created, review set, stage
moved, closed, reopened, transferred, and the dated changes of ``family set``; see
:mod:`webapp.cases.history`), so "how many cases were overdue in March" is answered from
what the store recorded at the time, not from today's dates, and nothing dated after the
report's day changes it (docs/contract.md §12). A case counts for the team only while
that team held it.
"""

from __future__ import annotations

import random
import statistics
from collections import defaultdict
from datetime import date, timedelta

from sqlite_utils import Database

from tilegen import domain
from webapp.accounts.teams import stage_names, team_today
from webapp.cases import history
from webapp.cases.families import rereferral_months
from webapp.cases.meetings import weeks_without_meeting
from webapp.practice.meeting_audits import audit_status
from webapp.practice.supervision import coverage
from webapp.reports.drift_policy import policy_sections
from webapp.rules.alerts import missed_reviews, open_alerts
from webapp.rules.team_rules import limit, stuck_weeks
from webapp.rules.unanswered import unanswered_at_closure
from webapp.store import events
from webapp.values.workdays import add_months

#: Time-in-stage buckets, in days: (label, upper bound exclusive).
STAGE_BUCKETS = [
    ("< 4 wk", 28),
    ("4-8 wk", 56),
    ("8-13 wk", 91),
    ("13-26 wk", 182),
    ("26+ wk", None),
]


def _timelines(db: Database, team: dict) -> dict[int, history.Timeline]:
    """Every family the team holds or has held, with its replayable history."""
    found = history.team_timelines(db, team)
    for timeline in found.values():
        timeline.viewer = team["id"]
    return found


def states_on(timeline: history.Timeline, days: list[date]) -> list[dict | None]:
    """A family's state (stage, next_review, closed, stage_since, ...) on each of ``days``
    (sorted), as the team asking saw it: closed on days another team held it."""
    viewer = getattr(timeline, "viewer", None)
    return [
        s if s is None or viewer is None or s["team_id"] == viewer else {**s, "closed": True}
        for s in timeline.states_on(days)
    ]


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


def moves_per_week(
    db: Database, team: dict, weeks: list[date], on: date | None = None
) -> list[dict]:
    """Stage moves recorded in each week (Monday to Sunday) starting on ``weeks``, up to
    ``on`` (a move dated later in this week is not known on ``on``)."""
    first, last = weeks[0], weeks[-1] + timedelta(days=6)
    last = min(last, on) if on else last
    counts: dict[date, int] = defaultdict(int)
    for r in db.query(
        "select on_date from events where team_id = ? and kind = ? and on_date between ? and ?",
        [team["id"], events.STAGE_MOVED, first.isoformat(), last.isoformat()],
    ):
        day = date.fromisoformat(r["on_date"])
        counts[day - timedelta(days=day.weekday())] += 1
    return [{"week_starting": w.isoformat(), "moves": counts[w]} for w in weeks]


def reopened(
    db: Database, team: dict, start: date, on: date, months: int, timelines: dict | None = None
) -> list[dict]:
    """Every reopening between ``start`` and ``on`` (the start-again section), with the days
    the case was closed and whether that was within ``months`` of closing."""
    timelines = _timelines(db, team) if timelines is None else timelines
    found = []
    for timeline in timelines.values():
        for on_date, kind, detail in timeline.changes:
            closed_on = detail.get("closed_on")
            if kind != events.REOPENED or not closed_on or not start.isoformat() <= on_date:
                continue
            reopened_on = date.fromisoformat(on_date)
            if reopened_on > on:
                break
            [state] = states_on(timeline, [reopened_on])
            if state is None or state["closed"]:
                continue
            found.append(
                {
                    "token": timeline.row["token"],
                    "initials": state["initials"],
                    "worker": state["worker"],
                    "closed_on": closed_on,
                    "reopened_on": on_date,
                    "days_closed": (reopened_on - date.fromisoformat(closed_on)).days,
                    "within_window": add_months(date.fromisoformat(closed_on), months)
                    >= reopened_on,
                }
            )
    found.sort(key=lambda r: (r["reopened_on"], r["token"]))
    return found


def rereferrals(db: Database, team: dict, start: date, on: date) -> list[dict]:
    """New families registered between ``start`` and ``on`` with the case reference of a
    case closed within the team's re-referral window (linked when they were registered)."""
    rows = db.query(
        """select * from (
             select f.token, coalesce(json_extract(e.detail, '$.initials'), f.initials)
                      as initials,
                    coalesce(json_extract(e.detail, '$.worker'), f.worker) as worker,
                    coalesce(json_extract(e.detail, '$.opened'), f.opened) as opened,
                    old.token as earlier,
                    coalesce(json_extract(e.detail, '$.closed_on'), old.closed) as closed_on,
                    coalesce(json_extract(e.detail, '$.closed_as'), old.closed_as) as closed_as
             from families f join families old on old.id = f.rereferral_of
             join events e on e.family_id = f.id and e.kind = :created
             where e.team_id = :team)
           where opened between :start and :on and closed_on is not null
           order by opened, token""",
        {"created": events.CREATED, "team": team["id"], "start": start.isoformat(),
         "on": on.isoformat()},
    )  # fmt: skip
    return [
        {
            **r,
            "days_closed": (
                date.fromisoformat(r["opened"]) - date.fromisoformat(r["closed_on"])
            ).days,
        }
        for r in rows
    ]


def _closures(timelines: dict, team: dict, first: date, last: date) -> list[dict]:
    """The team's closings and step-downs dated from ``first`` to ``last``, as recorded
    when they were made (a later reopening does not remove them)."""
    found = []
    for timeline in timelines.values():
        for on_date, kind, detail in timeline.changes:
            if kind != events.CLOSED or not first.isoformat() <= on_date <= last.isoformat():
                continue
            closing = date.fromisoformat(on_date)
            [before] = states_on(timeline, [closing - timedelta(days=1)])
            if before is None or before["closed"]:
                continue
            found.append(
                {
                    "token": timeline.row["token"],
                    "initials": before["initials"],
                    "worker": before["worker"],
                    "stage": before["stage"],
                    "case_type": before["case_type"],
                    "opened": before["opened"],
                    "closed": on_date,
                    "closed_as": detail.get("as") or "closed",
                    "scaling": detail.get("scaling"),
                    "views": ",".join(detail.get("views") or []) or None,
                    "reason": detail.get("reason"),
                }
            )
    return sorted(found, key=lambda r: (r["closed"], r["token"]))


def dip_sample(
    db: Database,
    team: dict,
    on: date,
    size: int,
    seed: int,
    from_months: int,
    to_months: int,
    timelines: dict | None = None,
) -> dict:
    """A reproducible random sample of cases closed or stepped down 3-6 months ago (by
    default; Kent Case Progression Policy §11), with the scaling and views at closure.

    The eligible cases are sorted by closing date and token before sampling, so the
    same store, size and seed always give the same sample.
    """
    newest, oldest = add_months(on, -from_months), add_months(on, -to_months)
    timelines = _timelines(db, team) if timelines is None else timelines
    eligible = _closures(timelines, team, oldest, newest)
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


def _current(timelines: dict, on: date) -> list[dict]:
    """Open cases on ``on`` (held by the team asking) with their stage and days in it."""
    found = []
    for timeline in timelines.values():
        [state] = states_on(timeline, [on])
        if state is None or state["closed"]:
            continue
        found.append(
            {
                "token": timeline.row["token"],
                "initials": state["initials"],
                "worker": state["worker"],
                "stage": state["stage"],
                "next_review": state["next_review"],
                "days_in_stage": max(0, (on - date.fromisoformat(state["stage_since"])).days),
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
    Time in stage counts from the last stage move, reopening or transfer on or before
    ``on``."""
    return _stuck(_current(_timelines(db, team), on), stuck_weeks(db, team))


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
    current = _current(timelines, on)
    stuck = _stuck(current, stuck_weeks(db, team))
    missed = missed_reviews(db, team, on, since=start)
    unanswered = unanswered_at_closure(db, team, on, since=start)
    no_meeting = weeks_without_meeting(db, team, start, on)
    dip = limit(db, team, "dip_sample")
    series = overdue_series(timelines, week_ends)
    month = coverage(db, team, on.year, on.month, as_of=on)
    alerts = open_alerts(db, team, on)
    start_again = reopened(
        db, team, start, on, limit(db, team, "reopen_window")["months"], timelines
    )
    referred = rereferrals(db, team, start, on)
    statuses = [domain.review_status(_d(f["next_review"]), on, team["amber_days"]) for f in current]
    moves = moves_per_week(db, team, week_starts, on)
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
            "unanswered_at_closure": len(unanswered),
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
            timelines,
        ),
        "audit": audit_status(db, team, on),
        "supervision": {k: month[k] for k in ("month", "cases", "discussed", "percent")},
        "alerts_by_rule": _count(a["rule"] for a in alerts),
        "missed_reviews": missed,
        "unanswered_at_closure": unanswered,
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
