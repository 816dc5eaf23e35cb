"""A store with a year of believable history, for the drift report, the demo and tests.

:func:`generate_history` simulates a team's weekly Case Progression meetings day by
day: families open, come due, are discussed (or drift), move stage, close, and a
few reopen ("start again"). Supervision discussions, meeting audits, a clinic and a
few manager alerts are recorded too. Everything is backdated into the ordinary
tables and events, so every report reads it exactly as it would read real use.
The same ``seed`` gives the same store.
"""

from __future__ import annotations

import json
import random
import string
from datetime import date, timedelta

from sqlite_utils import Database

from tilegen.payload import TOKEN_ALPHABET, TOKEN_LENGTH
from webapp.accounts.teams import team_settings, team_today
from webapp.rules import firings, triggers
from webapp.rules.defaults import DISCUSSION_KINDS
from webapp.rules.team_rules import review_days, team_rules
from webapp.store import events
from webapp.values.actor import Actor
from webapp.values.flags import DEFAULT_FLAGS

WORKERS = ["Ann", "Ben", "Chloe", "Dev", "Esther"]
MEETING_WEEKDAY = 1  # Tuesday

#: Who the made-up history is recorded as: nobody, from "history".
HISTORY = Actor(source="history")


def _token(rng: random.Random, taken: set[str]) -> str:
    while True:
        token = "".join(rng.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))
        if token not in taken:
            taken.add(token)
            return token


def _initials(rng: random.Random) -> str:
    up = string.ascii_uppercase
    return rng.choice(up) + rng.choice(up) + rng.choice(string.ascii_lowercase)


class _Sim:
    def __init__(self, db: Database, team: dict, rng: random.Random, today: date):
        self.db, self.team, self.rng, self.today = db, team, rng, today
        self.review = review_days(db, team)
        self.case_types = team_settings(team)["case_types"]
        self.taken = {r["token"] for r in db.query("select token from families")}
        self.live: dict[int, dict] = {}  # family id -> current row (open or closed)
        self.flags: dict[int, list[dict]] = {}
        self.rules = [r for r in team_rules(db, team) if r["kind"] in triggers.TRIGGER_KINDS]

    def event(self, fid: int, kind: str, detail: dict, *, on: date) -> None:
        """An event dated ``on``, in the order of :func:`events.record_event` (which writes
        today's time; the made-up history is written at the time of day it happened)."""
        self.db["events"].insert(
            {
                "team_id": self.team["id"],
                "family_id": fid,
                "at": f"{on.isoformat()}T10:00:00+00:00",
                "on_date": on.isoformat(),
                "kind": kind,
                "detail": json.dumps(detail, sort_keys=True),
                "user_id": HISTORY.user,
                "source": HISTORY.source,
            }
        )

    def update(self, fid: int, on: date, **changes) -> None:
        self.live[fid].update(changes)
        self.db["families"].update(fid, {**changes, "updated_at": f"{on}T10:00:00+00:00"})

    def open_family(self, on: date) -> None:
        rng = self.rng
        review = on + timedelta(days=rng.choice([7, 14, 21]))
        row = {
            "team_id": self.team["id"],
            "token": _token(rng, self.taken),
            "initials": _initials(rng),
            "ref": None,
            "worker": rng.choice(WORKERS),
            "stage": 1,
            "next_review": review.isoformat(),
            "opened": on.isoformat(),
            "closed": None,
            "case_type": rng.choice(self.case_types),
            "created_at": f"{on}T10:00:00+00:00",
            "updated_at": f"{on}T10:00:00+00:00",
        }
        fid = self.db["families"].insert(row).last_pk
        self.live[fid] = {**row, "id": fid}
        self.event(
            fid,
            events.CREATED,
            {"stage": 1, "next_review": row["next_review"], "initials": row["initials"]},
            on=on,
        )
        if rng.random() < 0.2:
            flag = rng.choice(DEFAULT_FLAGS)
            self.db["flags"].insert({"family_id": fid, "name": flag, "added_on": on.isoformat()})
            self.flags[fid] = [{"name": flag, "added_on": on.isoformat(), "removed_on": None}]
            self.event(fid, events.FLAG_ADDED, {"flag": flag}, on=on)

    def set_review(self, fid: int, on: date, new: date) -> None:
        old = self.live[fid]["next_review"]
        self.update(fid, on, next_review=new.isoformat())
        self.event(fid, events.REVIEW_SET, {"from": old, "to": new.isoformat()}, on=on)

    def meeting(self, on: date) -> None:
        """The weekly meeting: cases due soon or overdue are mostly discussed."""
        rng = self.rng
        for fid, fam in list(self.live.items()):
            if fam["closed"] or date.fromisoformat(fam["next_review"]) > on + timedelta(days=7):
                continue
            if rng.random() < self.skip(on):  # not reached this week: the case drifts
                continue
            self.discuss(fid, on, "weekly meeting")
            self.follow_up_alerts(fid, on)
            stage = fam["stage"]
            if stage == 6 and rng.random() < 0.6:
                self.close(fid, on)
                continue
            if rng.random() < 0.45:
                new = max(1, stage - 1) if rng.random() < 0.1 else min(6, stage + 1)
                if new != stage:
                    self.update(fid, on, stage=new)
                    self.event(fid, events.STAGE_MOVED, {"from": stage, "to": new}, on=on)
            days = self.review.get(self.live[fid]["stage"], 28)
            self.set_review(fid, on, on + timedelta(days=days + rng.choice([-7, 0, 0, 7, 14])))

    def follow_up_alerts(self, fid: int, on: date) -> None:
        """Most alerts that have fired are followed up when the case is discussed."""
        fam = self.live[fid]
        latest: dict[str, triggers.Firing] = {}  # the latest firing of each series
        for firing in firings.family_firings(self.rules, fam, self.flags.get(fid, []), on):
            latest[firing.key] = firing
        for firing in latest.values():
            if self.rng.random() < 0.8:
                self.db["follow_ups"].insert(
                    {
                        "team_id": self.team["id"],
                        "family_id": fid,
                        "alert_key": firing.key,
                        "followed_on": on.isoformat(),  # no due_on: answers every firing so far
                        "note": "discussed at the weekly meeting",
                        "user_id": None,
                        "created_at": f"{on}T12:00:00+00:00",
                    }
                )

    def skip(self, on: date) -> float:
        """Chance a due case is not reached: worse through the winter, as in a bad patch."""
        return 0.5 if on.month in (11, 12, 1) else 0.2

    def discuss(self, fid: int, on: date, kind: str) -> None:
        rng = self.rng
        significant = rng.random() < 0.1
        lag = rng.choice([0, 1, 2, 3, 5, 7, 9]) if not significant else rng.choice([0, 1, 2])
        recorded = on + timedelta(days=lag)
        self.db["discussions"].insert(
            {
                "team_id": self.team["id"],
                "family_id": fid,
                "on_date": on.isoformat(),
                "kind": kind,
                "who": f"{self.live[fid]['worker']}, team manager",
                "significant": int(significant),
                "recorded_on": recorded.isoformat() if recorded <= self.today else None,
                "note": None,
                "user_id": None,
                "created_at": f"{on}T12:00:00+00:00",
            }
        )

    def supervision(self, on: date) -> None:
        """Monthly one-to-ones: most open cases of each worker are covered."""
        for fid, fam in self.live.items():
            if not fam["closed"] and self.rng.random() < 0.85:
                self.discuss(fid, on + timedelta(days=self.rng.randint(0, 3)), "one-to-one")

    def close(self, fid: int, on: date) -> None:
        """Close or step down with the views considered and a scaling score, as the
        policy asks (drawn from their own generator, so the rest of the year is as before)."""
        pick = random.Random(f"{fid}:{on}")
        closed_as = "stepped-down" if pick.random() < 0.4 else "closed"
        views = ["child", "family", "network"] if pick.random() < 0.8 else ["family", "network"]
        scaling = pick.randint(6, 10)
        self.update(
            fid,
            on,
            closed=on.isoformat(),
            closed_as=closed_as,
            closed_views=",".join(views),
            closed_scaling=scaling,
        )
        for flag in self.flags.get(fid, []):  # the flags end with the episode
            flag["removed_on"] = flag["removed_on"] or on.isoformat()
        self.db.execute(
            "update flags set removed_on = ? where family_id = ? and removed_on is null",
            [on.isoformat(), fid],
        )
        detail = {"on": on.isoformat(), "as": closed_as, "views": views, "scaling": scaling}
        self.event(fid, events.CLOSED, detail, on=on)

    def reopen_some(self, on: date) -> None:
        for fid, fam in self.live.items():
            if fam["closed"] and fam["closed"] < on.isoformat() and self.rng.random() < 0.012:
                closed, stage = fam["closed"], fam["stage"]
                self.update(
                    fid, on, closed=None, closed_as=None, closed_views=None, closed_scaling=None,
                    stage=1, opened=on.isoformat(),
                )  # fmt: skip
                days = (on - date.fromisoformat(closed)).days
                self.event(fid, events.REOPENED, {"closed_on": closed, "days_closed": days}, on=on)
                self.event(fid, events.STAGE_MOVED, {"from": stage, "to": 1}, on=on)
                self.set_review(fid, on, on + timedelta(days=14))


def generate_history(
    db: Database,
    team: dict,
    days: int = 365,
    families: int = 40,
    seed: int = 1,
    today: date | None = None,
) -> dict:
    """Fill ``team`` with ``days`` of simulated history ending ``today``; returns counts.

    About a third of the ``families`` are open when the history starts; the rest
    open through the year. Meant for an empty team (the demo, tests, benchmarks).
    """
    rng = random.Random(seed)
    today = today or team_today(team)
    start = today - timedelta(days=days)
    sim = _Sim(db, team, rng, today)
    initial = max(1, families // 3)
    arrivals = sorted(rng.randrange(1, days) for _ in range(families - initial))
    next_audit = start + timedelta(days=rng.randint(10, 40))
    with db.atomic():
        for _ in range(initial):
            sim.open_family(start)
        day = start
        while day <= today:
            while arrivals and start + timedelta(days=arrivals[0]) <= day:
                arrivals.pop(0)
                sim.open_family(day)
            if day.weekday() == MEETING_WEEKDAY:
                sim.meeting(day)
                sim.reopen_some(day)
            if day.day == 10 and day + timedelta(days=3) <= today:
                sim.supervision(day)
            if day == next_audit:
                db["qa_audits"].insert(
                    {
                        "team_id": team["id"],
                        "audited_on": day.isoformat(),
                        "auditor": rng.choice(["service manager", "PDO", "team manager"]),
                        "note": None,
                        "user_id": None,
                        "created_at": f"{day}T15:00:00+00:00",
                    }
                )
                next_audit = day + timedelta(days=rng.choice([49, 56, 63, 70, 84]))
            day += timedelta(days=1)
        _clinic_and_alerts(db, team, sim, rng, today)
    counts = {
        "families": len(sim.live),
        "open": sum(1 for f in sim.live.values() if not f["closed"]),
        "events": db["events"].count_where("team_id = ? and source = 'history'", [team["id"]]),
        "discussions": db["discussions"].count_where("team_id = ?", [team["id"]]),
        "audits": db["qa_audits"].count_where("team_id = ?", [team["id"]]),
    }
    return counts


def _clinic_and_alerts(db: Database, team: dict, sim: _Sim, rng: random.Random, today: date):
    """A clinic booking with actions and two manager alerts among the open cases."""
    open_ids = sorted(fid for fid, f in sim.live.items() if not f["closed"])
    if len(open_ids) < 3:
        return
    thursday = today - timedelta(days=(today.weekday() - 3) % 7)
    fid = open_ids[0]
    booking = (
        db["clinic_bookings"]
        .insert(
            {
                "team_id": team["id"],
                "family_id": fid,
                "request_id": None,
                "purpose": "lpm",
                "day": thursday.isoformat(),
                "start": "14:00",
                "minutes": 30,
                "user_id": None,
                "created_at": f"{thursday}T15:00:00+00:00",
            }
        )
        .last_pk
    )
    for text, due in (("draft LPM referral", 7), ("update SWET chronology", 14)):
        db["clinic_actions"].insert(
            {
                "booking_id": booking,
                "text": text,
                "owner": sim.live[fid]["worker"],
                "due_on": (thursday + timedelta(days=due)).isoformat(),
                "done_on": None,
                "created_at": f"{thursday}T15:00:00+00:00",
            }
        )
    for fid, action in zip(
        open_ids[1:3], ("request school information", "check GP contact"), strict=True
    ):
        due = today - timedelta(days=rng.randint(0, 10))
        db["manager_alerts"].insert(
            {
                "team_id": team["id"],
                "family_id": fid,
                "due_on": due.isoformat(),
                "action": action,
                "timescale": "within two weeks",
                "role": "service manager",
                "user_id": None,
                "created_at": f"{due - timedelta(days=14)}T09:00:00+00:00",
            }
        )
    kinds = DISCUSSION_KINDS  # keep every kind represented in a generated store
    for kind, fid in zip(kinds, open_ids, strict=False):
        sim.discuss(fid, today - timedelta(days=2), kind)
