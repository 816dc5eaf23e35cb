"""The drift report's sections read against the Kent audit and policies
(docs/contract.md §16): core-assessment timeliness, supervision record timeliness,
changes of allocated worker, re-referrals to another team, and the meeting record.

Each section is plain data added to :func:`webapp.reports.drift.drift_report` under its
own key; nothing here changes the sections that were there before.
"""

from __future__ import annotations

import json
from datetime import date

from sqlite_utils import Database

from webapp.cases import history
from webapp.cases.families import rereferral_months
from webapp.cases.meetings import meeting_record
from webapp.practice.supervision import LATE, OVERDUE, discussions
from webapp.rules.team_rules import holiday_region
from webapp.store import events
from webapp.values.workdays import add_months, core_assessment_due, working_days_between


def _assessments_held(timeline: history.Timeline, team: dict, on: date) -> list[tuple]:
    """(state, the day the team's holding ended or None) for each s.47 enquiry the team
    held the case with, as known on ``on``: the state of the last day it held it."""
    found: dict[tuple, tuple] = {}
    for span in timeline.spans(on):
        state = span.state
        if state["closed"] or state["team_id"] != team["id"] or not state["s47"]:
            continue
        if state["s47"] <= on.isoformat():
            found[(state["episode"], state["s47"])] = (state, span.end)
    return list(found.values())


def core_assessments(db: Database, team: dict, on: date) -> list[dict]:
    """Each core assessment completed after its deadline, or still not done past it on
    ``on`` (Kent audit §4.1, §10.1: "within 42 working days"), with its days late and
    whether an interim assessment came within the deadline.

    Read from the case's history as known on ``on`` (docs/contract.md §12): one the team
    stopped holding (closed or transferred) after its deadline, not done, stays in its
    report, late until that day; one it stopped holding by the deadline is not its own."""
    region = holiday_region(team)
    interims = {
        r["family_id"]: r["first"]
        for r in db.query(
            """select family_id, min(on_date) as first from interim_assessments
               where team_id = ? and on_date <= ? group by family_id""",
            [team["id"], on.isoformat()],
        )
    }
    found = []
    for fid, timeline in history.team_timelines(db, team).items():
        for state, ended in _assessments_held(timeline, team, on):
            deadline = core_assessment_due(date.fromisoformat(state["s47"]), region)
            done = state["assessment_done"]
            if done and done > on.isoformat():
                done = None  # not done yet as of ``on``
            if deadline >= on or (done and done <= deadline.isoformat()):
                continue
            if not done and ended is not None and ended <= deadline:
                continue
            until = date.fromisoformat(done) if done else min(on, ended or on)
            interim = interims.get(fid)
            found.append(
                {
                    "token": timeline.row["token"],
                    "initials": state["initials"],
                    "worker": state["worker"],
                    "s47": state["s47"],
                    "deadline": deadline.isoformat(),
                    "done": done,
                    "status": "completed late" if done else "open past deadline",
                    "days_late": (until - deadline).days,
                    "working_days_late": working_days_between(deadline, until, region),
                    "interim": interim,
                    "interim_late": interim is not None and interim > deadline.isoformat(),
                }
            )
    return sorted(found, key=lambda r: (r["s47"], r["token"]))


def supervision_records(db: Database, team: dict, start: date, on: date) -> dict:
    """Supervision records against their deadline (Islington policy: "within 5 working
    days or 24 hours for any significant case decisions and/or urgent matters")."""
    found = discussions(db, team, start=start, end=on, today=on)
    counts: dict[str, int] = {}
    for d in found:
        counts[d["record_status"]] = counts.get(d["record_status"], 0) + 1
    return {
        "discussions": len(found),
        "by_status": dict(sorted(counts.items())),
        "flagged": [
            {
                "id": d["id"],
                "token": d["token"],
                "initials": d["initials"],
                "on": d["on_date"],
                "kind": d["kind"],
                "significant": bool(d["significant"]),
                "record_due": d["record_due"],
                "recorded_on": d["recorded_on"],
                "record_status": d["record_status"],
            }
            for d in found
            if d["record_status"] in (LATE, OVERDUE)
        ],
    }


def worker_changes(db: Database, team: dict, start: date, on: date) -> list[dict]:
    """Each change of allocated worker from ``start`` to ``on`` (Kent audit §7, "Changes
    of social worker"), with how many changes the case has had in that time."""
    rows = list(
        db.query(
            """select e.on_date, e.detail, f.token, f.initials from events e
               join families f on f.id = e.family_id
               where e.team_id = ? and e.kind = ? and e.on_date between ? and ?
                 and json_extract(e.detail, '$.field') = 'worker'
               order by e.on_date, e.id""",
            [team["id"], events.CHANGED, start.isoformat(), on.isoformat()],
        )
    )
    per_case: dict[str, int] = {}
    for r in rows:
        per_case[r["token"]] = per_case.get(r["token"], 0) + 1
    return [
        {
            "token": r["token"],
            "initials": r["initials"],
            "on": r["on_date"],
            "from": json.loads(r["detail"]).get("from"),
            "to": json.loads(r["detail"]).get("to"),
            "changes_in_period": per_case[r["token"]],
        }
        for r in rows
    ]


def rereferrals_elsewhere(db: Database, team: dict, start: date, on: date) -> list[dict]:
    """The team's closed cases referred again, within its re-referral window, to another
    team (Kent policy §11: "Cases that are re-referred or re-opened over this period
    should be reviewed"). The other team's case stays theirs: only the team and date.

    Read from the closings the team recorded and the other team's registrations, as
    known on ``on`` (docs/contract.md §12): a later reopening of either case changes
    nothing for that day."""
    months = rereferral_months(team)
    found = []
    for r in db.query(
        """select token, initials, closed, closed_as, to_team, min(opened) as referred_on
           from (select c.id as closing, old.token, old.initials, c.on_date as closed,
                        coalesce(json_extract(c.detail, '$.as'), 'closed') as closed_as,
                        t.name as to_team, n.team_id as to_id,
                        coalesce(json_extract(n.detail, '$.opened'), f.opened) as opened
                 from events c join families old on old.id = c.family_id
                 join families f on f.ref = old.ref and f.id != old.id
                 join events n on n.family_id = f.id and n.kind = :created
                   and n.team_id != :team
                 join teams t on t.id = n.team_id
                 where c.team_id = :team and c.kind = :closed and old.ref is not null
                   and c.on_date <= :on)
           where opened >= closed and opened between :start and :on
           group by closing, to_id order by referred_on, token""",
        {"team": team["id"], "created": events.CREATED, "closed": events.CLOSED,
         "start": start.isoformat(), "on": on.isoformat()},
    ):  # fmt: skip
        closed = date.fromisoformat(r["closed"])
        if date.fromisoformat(r["referred_on"]) <= add_months(closed, months):
            found.append({**r, "days_closed": (date.fromisoformat(r["referred_on"]) - closed).days})
    return found


def meetings_held(db: Database, team: dict, start: date, on: date) -> list[dict]:
    """Each meeting recorded from ``start`` to ``on``: who attended, agreed absences,
    practitioners neither present nor excused, and whether the team manager authorised
    the record (Kent policy §6 and §9)."""
    found = []
    for r in db.query(
        """select meeting_date from meetings where team_id = ? and meeting_date between ? and ?
           order by meeting_date""",
        [team["id"], start.isoformat(), on.isoformat()],
    ):
        record = meeting_record(db, team, date.fromisoformat(r["meeting_date"]))
        found.append(
            {
                "date": record["date"],
                "attended": len(record["attended"]),
                "agreed_absences": len(record["agreed_absences"]),
                "recorded": bool(record["attended"]),
                "held": record["held"],
                "unaccounted": record["unaccounted"] if record["attended"] else [],
                "authorised": record["authorised_by"] is not None,
                "authorised_by": record["authorised_by"],
            }
        )
    return found


def policy_sections(db: Database, team: dict, start: date, on: date) -> dict:
    """The report's policy sections, each under its own key."""
    return {
        "core_assessments": core_assessments(db, team, on),
        "supervision_records": supervision_records(db, team, start, on),
        "worker_changes": worker_changes(db, team, start, on),
        "rereferrals_elsewhere": rereferrals_elsewhere(db, team, start, on),
        "meetings": meetings_held(db, team, start, on),
    }
