"""Open alerts: the store side of the review triggers, manager alerts and clinic actions.

An alert is open on a day D when it was triggered on or before D and has not been
followed up (docs/contract.md §5). Every firing is its own alert: a follow-up names the
series (``key``) and the firing (``due``) it answers, and a later firing never hides an
earlier one. A firing still open on the day the next firing of its series comes is
*missed* (§7). :func:`open_alerts` is what the alerts page, the weekly agenda (reason
``alert``) and ``caseboard alerts`` all show; :func:`open_alert_firings` gives the same
for every team, for notifications.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from itertools import groupby

from sqlite_utils import Database

from webapp.accounts.roles import SM, TM
from webapp.cases import history
from webapp.rules import triggers
from webapp.rules.firings import span_firings
from webapp.rules.team_rules import holiday_region, team_rules

MANAGER, CLINIC = "manager", "clinic"


def _alert(family: dict, firing: triggers.Firing, on: date) -> dict:
    following = firing.next_due
    return {
        "token": family["token"],
        "initials": family["initials"],
        "stage": family["stage"],
        "worker": family["worker"],
        "rule": firing.rule,
        "kind": firing.kind,
        "key": firing.key,
        "due": firing.due.isoformat(),
        "days_open": (on - firing.due).days,
        "role": firing.role,
        "message": firing.message,
        "missed": following is not None and following <= on,
        "before_registration": firing.before_registration,
        "next_due": following.isoformat() if following else None,
        "family_id": family["id"],
        **_deadline(firing, on),
    }


def _deadline(firing: triggers.Firing, on: date) -> dict:
    """For an alert warned of ahead of its deadline: the deadline, ``due_soon`` until it
    passes, and the days past it."""
    if firing.deadline is None:
        return {}
    return {
        "deadline": firing.deadline.isoformat(),
        "due_soon": on <= firing.deadline,
        "days_late": max(0, (on - firing.deadline).days),
    }


def _one_family(column: str, family_id: int | None) -> tuple[str, list]:
    """An extra condition (and its parameter) when only one family's rows are wanted:
    the tile page asks for one family, and should not read the whole team's."""
    return ("", []) if family_id is None else (f" and {column} = ?", [family_id])


def _follow_ups(
    db: Database, team: dict, family_id: int | None = None
) -> dict[tuple[int, str], list[tuple]]:
    """(family id, alert key) -> (followed on, the firing's due date or None) pairs."""
    found = defaultdict(list)
    extra, params = _one_family("family_id", family_id)
    for r in db.query(
        "select family_id, alert_key, followed_on, due_on from follow_ups where team_id = ?"
        + extra,
        [team["id"], *params],
    ):
        found[(r["family_id"], r["alert_key"])].append(
            (date.fromisoformat(r["followed_on"]), triggers.as_date(r["due_on"]))
        )
    return found


def answered_on(firing: triggers.Firing, since: date, follow_ups, on: date) -> date | None:
    """The first day on or before ``on`` a follow-up answered this firing, else None.

    A follow-up answers the firing it names (its due date); one recorded before
    follow-ups named their firing answers every firing due up to its own date.
    """
    days = [
        followed
        for followed, due in follow_ups
        if since <= followed <= on and (due == firing.due if due else firing.due <= followed)
    ]
    return min(days, default=None)


def _manager_firings(db: Database, team: dict, on: date) -> dict[int, list[tuple]]:
    """Family id -> (firing, lower bound for a closing follow-up) for manager alerts due."""
    found = defaultdict(list)
    for r in db.query(
        "select * from manager_alerts where team_id = ? and due_on <= ?",
        [team["id"], on.isoformat()],
    ):
        timescale = f" ({r['timescale']})" if r["timescale"] else ""
        firing = triggers.Firing(
            MANAGER,
            MANAGER,
            f"{MANAGER}:{r['id']}",
            date.fromisoformat(r["due_on"]),
            r["role"] or SM,
            f"{r['action']}{timescale}",
        )
        found[r["family_id"]].append((firing, date.fromisoformat(r["created_at"][:10])))
    return found


def _clinic_firings(db: Database, team: dict, on: date) -> dict[int, list[triggers.Firing]]:
    """Clinic actions past their due date and not done: the team manager takes them
    forward (Case Progression Clinic Terms of Reference §5)."""
    found = defaultdict(list)
    for r in db.query(
        """select a.*, b.family_id from clinic_actions a
           join clinic_bookings b on b.id = a.booking_id
           where b.team_id = ? and a.due_on <= ? and (a.done_on is null or a.done_on > ?)""",
        [team["id"], on.isoformat(), on.isoformat()],
    ):
        found[r["family_id"]].append(
            triggers.Firing(
                CLINIC,
                CLINIC,
                f"{CLINIC}:{r['id']}",
                date.fromisoformat(r["due_on"]),
                TM,
                f"clinic action due: {r['text']} ({r['owner']})",
            )
        )
    return found


def _ends(spans: list, team: dict) -> list[tuple[date, str]]:
    """The days the team's holding of the case ended (closed or passed to another team),
    oldest first, with why."""
    found, held = [], False
    for span in spans:
        state = span.state
        holds = not state["closed"] and state["team_id"] == team["id"]
        if held and not holds:
            found.append((span.start, "closed" if state["closed"] else "transferred"))
        held = holds
    return found


def team_firings(
    db: Database,
    team: dict,
    on: date,
    *,
    family_id: int | None = None,
    ended: bool = False,
) -> list[tuple[dict, triggers.Firing, date | None]]:
    """Every firing on or before ``on`` while the team held the case open: (family, firing,
    the day a follow-up answered it or None). Replayed from the changes effective on or
    before ``on`` (docs/contract.md §12).

    Only cases the team holds open on ``on``, unless ``ended``: then also the firings
    of cases it closed or passed on (their firings are facts). The answer is shared
    while the store is unchanged: do not change it. ``family`` is the case as
    it stood on ``on`` with ``live`` (held open that day), ``current`` (the firing is of
    the episode open that day) and ``ends`` (the days the team's holding ended, with
    why)."""
    every = ("firings", team["id"], on, family_id, True)
    if not ended and not history.is_remembered(db, every):
        # Only the cases held open on ``on`` (the alerts page, the agenda): cheaper.
        key = ("firings", team["id"], on, family_id, False)
        return history.remembered(db, key, lambda: _team_firings(db, team, on, family_id, False))
    made = history.remembered(db, every, lambda: _team_firings(db, team, on, family_id, True))
    return made if ended else [item for item in made if item[0]["live"]]


def _team_firings(
    db: Database, team: dict, on: date, family_id: int | None, ended: bool
) -> list[tuple]:
    rules = [r for r in team_rules(db, team) if r["kind"] in triggers.TRIGGER_KINDS]
    region = holiday_region(team)
    follow_ups = _follow_ups(db, team, family_id)
    manager, clinic = _manager_firings(db, team, on), _clinic_firings(db, team, on)
    found = []
    for fid, timeline in sorted(history.team_timelines(db, team, family_id).items()):
        spans = timeline.spans(on)
        if not spans:
            continue
        state = spans[-1].state
        live = not state["closed"] and state["team_id"] == team["id"]
        if not (live or ended):
            continue
        family = {**history.as_row(timeline, state), "live": live, "ends": _ends(spans, team)}
        flags = timeline.flags_on(on)
        # (firing, earliest date a follow-up may close it, of the episode open on ``on``)
        candidates = []
        for episode, group in groupby(spans, key=lambda span: span.state["episode"]):
            current = live and episode == state["episode"]
            made = span_firings(rules, list(group), flags, on, team["id"], region)
            candidates += [(f, f.due, current) for f in made]
        if live:
            # Meeting-time alerts and clinic actions of an earlier episode never come back.
            opened = date.fromisoformat(state["opened"])
            candidates += [
                (f, min(created, f.due), True) for f, created in manager[fid] if f.due >= opened
            ]
            candidates += [(f, f.due, True) for f in clinic[fid] if f.due >= opened]
        seen = {flag: {**family, "current": flag} for flag in (True, False)}
        for firing, since, current in candidates:
            # Only the assessment marked done closes the core-assessment alert.
            answers = (
                () if firing.kind == triggers.ASSESSMENT else follow_ups.get((fid, firing.key), ())
            )
            found.append((seen[current], firing, answered_on(firing, since, answers, on)))
    return found


def open_alerts(db: Database, team: dict, on: date, *, family_id: int | None = None) -> list[dict]:
    """Every alert open on ``on``, oldest first: each firing not yet answered.

    Each is a dict with ``token``, ``initials``, ``stage``, ``worker``, ``rule``,
    ``kind``, ``key`` and ``due`` (what a follow-up names), ``days_open``, ``role``,
    ``message``, ``missed`` (the series has fired again since), ``next_due`` and
    ``family_id``.
    """
    found = [
        _alert(family, firing, on)
        for family, firing, answered in team_firings(db, team, on, family_id=family_id)
        if answered is None and family["current"]
    ]
    interim = interim_assessments(db, team, on)
    for alert in found:
        if alert["kind"] == triggers.ASSESSMENT and alert["family_id"] in interim:
            alert["interim"] = interim[alert["family_id"]]
            alert["interim_late"] = alert["interim"] > alert["deadline"]
            late = " (after the deadline: late)" if alert["interim_late"] else ""
            alert["message"] += f"; interim assessment recorded {alert['interim']}{late}"
    found.sort(key=lambda a: (a["due"], a["token"], a["key"]))
    return found


def open_alert_firings(db: Database, on: date, teams: list[dict] | None = None) -> list[dict]:
    """The alerts open on ``on`` in every team (or in ``teams``), for notifications: each
    with ``team``, ``team_id``, ``token``, ``initials``, ``rule``, ``key``, ``due``,
    ``role``, ``missed`` and ``message``."""
    teams = teams if teams is not None else list(db["teams"].rows_where(order_by="id"))
    found = []
    for team in teams:
        for alert in open_alerts(db, team, on):
            alert = {k: v for k, v in alert.items() if k != "family_id"}
            found.append({"team": team["name"], "team_id": team["id"], **alert})
    return found


def missed_reviews(db: Database, team: dict, on: date, since: date | None = None) -> list[dict]:
    """Firings missed (still open when their series fired again), counted per rule and
    calendar month of the firing, on or after ``since``: ``rule``, ``month``, ``missed``."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for _family, firing, answered in team_firings(db, team, on, ended=True):
        following = firing.next_due
        if following is None or following > on or (since and firing.due < since):
            continue
        if answered is None or answered >= following:
            counts[(firing.rule, firing.due.strftime("%Y-%m"))] += 1
    return [
        {"rule": rule, "month": month, "missed": n}
        for (rule, month), n in sorted(counts.items(), key=lambda kv: (kv[0][1], kv[0][0]))
    ]


def alerts_for_family(db: Database, team: dict, family_row: dict, on: date) -> list[dict]:
    """The alerts open on ``on`` for one family (for the tile page)."""
    return open_alerts(db, team, on, family_id=family_row["id"])


def interim_assessments(db: Database, team: dict, on: date) -> dict[int, str]:
    """Family id -> the date of its latest interim core assessment on or before ``on``."""
    return {
        r["family_id"]: r["last"]
        for r in db.query(
            """select family_id, max(on_date) as last from interim_assessments
               where team_id = ? and on_date <= ? group by family_id""",
            [team["id"], on.isoformat()],
        )
    }
