"""What is due to be sent on a day D, for every team on the store.

- **alerts**: each open review-trigger firing, however long ago it fired, until it has
  been sent (so a missed run loses nothing), and once more when its series fires again
  while it is still open; it goes to the users holding its role in the team
  (:func:`webapp.accounts.people.role_holders`), or, where none of them has an email
  address, to the team's managers, saying so; one message a firing; weekly, a digest
  of the open firings on the weekly day;
- **weekly**: each practitioner's red and amber cases and their open alerts, on the
  team's meeting day (else Monday); a case is theirs when its worker is their username,
  full name or email address;
- **scans**: the team manager's summary after a board photo is applied: moves, tiles in
  the wrong section, missing tiles and stickers to print;
- **stickers**: a reminder to the team's admins when date stickers have waited more than
  three days;
- **camera**: the team manager's note when a wall-camera or watched-folder scan that was
  to apply by itself was not clean and waits as a preview, with the reasons (counts and
  board numbers only) and a link to it.

A message's key says what it is about, so the same key is never sent twice
(:mod:`webapp.notify.send`). Messages hold board codes, stages, dates and fixed
wording only: an alert's own message (which can name a flag or hold a note) is never
copied into one.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from tilegen import domain
from webapp.accounts.people import is_their_case, role_holders
from webapp.accounts.teams import public_base_url
from webapp.cases.families import list_families
from webapp.cases.meetings import meeting_weekday
from webapp.notify import prefs
from webapp.notify.alert_mail import alert_messages
from webapp.notify.alert_mail import recipients as _recipients
from webapp.notify.compose import Line, Message
from webapp.printing.queues import pending_sticker_rows
from webapp.rules.alerts import open_alerts
from webapp.values.workdays import WEEKDAYS

CATCH_UP_DAYS = 6  # a firing or scan up to six days old is still sent once
STICKER_WAIT_DAYS = 3
SETTINGS_PATH = "/me/notifications"

#: Fixed wording for each kind of alert: an alert's own message may name a flag.
ALERT_WORDING = {
    "duration": "the case has been open long enough for a review trigger",
    "flag": "a review trigger",
    "shield": "a review trigger set on the case",
    "assessment": "an assessment timescale",
    "manager": "a manager alert is due",
    "clinic": "a clinic action is due",
}


def weekly_day(team: dict) -> int:
    """The team's meeting day (0 = Monday), else Monday."""
    day = meeting_weekday(team)
    return 0 if day is None else day


class Day:
    """Everything one team needs to say on day ``on``, computed once."""

    def __init__(self, db: Database, team: dict, on: date):
        self.db, self.team, self.on = db, team, on
        self.base = public_base_url(db, team)
        self.is_weekly_day = on.weekday() == weekly_day(team)
        self._alerts = None
        self._stickers = None
        self._families = None

    def link(self, token: str) -> str:
        return f"{self.base}/t/{token}"

    @property
    def alerts(self) -> list[dict]:
        if self._alerts is None:
            self._alerts = open_alerts(self.db, self.team, self.on)
        return self._alerts

    @property
    def families(self) -> list[dict]:
        """The team's open families as the board shows them, read once per team."""
        if self._families is None:
            self._families = list_families(self.db, self.team, today=self.on)
        return self._families

    @property
    def stickers(self) -> list[tuple[dict, dict]]:
        """(view, stored row) of each family whose date sticker waits, once per team."""
        if self._stickers is None:
            self._stickers = pending_sticker_rows(self.db, self.team, self.on, self.families)
        return self._stickers

    def recent(self, iso_day: str, days: int) -> bool:
        when = date.fromisoformat(iso_day[:10])
        return self.on - timedelta(days=days) <= when <= self.on

    def alert_line(self, alert: dict) -> Line:
        what = ALERT_WORDING.get(alert.get("kind"), "a review trigger")
        if alert.get("deadline"):
            when = "coming up" if alert.get("due_soon") else "passed"
            what += f" {when}: due by {alert['deadline']}"
        text = f"{what}, for the {alert['role']}, since {alert['due']}"
        if alert.get("missed"):
            text += " (still open at its next firing)"
        return Line(alert["initials"], text, self.link(alert["token"]))

    def message(self, key: str, kind: str, user: dict, subject: str, intro: str, lines):
        return Message(
            key=key,
            kind=kind,
            user=user,
            team=self.team,
            subject=f"caseboard · {self.team['name']}: {subject}",
            intro=intro,
            lines=list(lines),
            settings_url=self.base + SETTINGS_PATH,
        )


def weekly_messages(day: Day) -> list[Message]:
    practitioners = [
        u
        for u in day.db["users"].rows_where(
            "team_id = ? and role = 'practitioner'", [day.team["id"]], order_by="username"
        )
    ]
    if not practitioners:
        return []
    families = day.families
    found = []
    for user, _ in _recipients(day.db, practitioners, prefs.WEEKLY, day):
        cases = [
            f
            for f in families
            if f["status"] in (domain.RED, domain.AMBER) and is_their_case(f["worker"], user)
        ]
        alerts = [a for a in day.alerts if is_their_case(a.get("worker"), user)]
        if not cases and not alerts:
            continue
        lines = [
            Line(
                f["initials"],
                f"{f['status']}: review {f['next_review']} (stage {f['stage']})",
                day.link(f["token"]),
            )  # fmt: skip
            for f in sorted(cases, key=lambda f: (f["status"] != domain.RED, f["next_review"]))
        ] + [day.alert_line(a) for a in alerts]
        found.append(
            day.message(
                f"weekly:{user['id']}:{day.team['id']}:{day.on}",
                prefs.WEEKLY,
                user,
                f"your red and amber cases ({WEEKDAYS[day.on.weekday()]} {day.on})",
                f"Your cases that are overdue (red) or due within {day.team['amber_days']} "
                f"days (amber): {len(cases)}; open alerts on your cases: {len(alerts)}.",
                lines,
            )
        )
    return found


def _local_day(team: dict, utc_iso: str) -> str:
    when = datetime.fromisoformat(utc_iso)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    zone = ZoneInfo(team.get("timezone") or domain.DEFAULT_TIMEZONE)
    return when.astimezone(zone).date().isoformat()


def _applied_scans(day: Day, days: int) -> list[dict]:
    rows = day.db["scans"].rows_where(
        "team_id = ? and status = 'applied' and applied_at is not null",
        [day.team["id"]],
        order_by="id",
    )
    return [
        {**r, "day": _local_day(day.team, r["applied_at"])}
        for r in rows
        if day.recent(_local_day(day.team, r["applied_at"]), days)
        and _local_day(day.team, r["applied_at"]) <= day.on.isoformat()
    ]


def _scan_lines(day: Day, scan: dict) -> tuple[str, list[Line]]:
    preview = json.loads(scan["preview"] or "{}")
    moves, wrong = preview.get("moves", []), preview.get("wrong_zone", [])
    missing = preview.get("missing", [])
    lines = [
        Line(
            m["initials"], f"moved from stage {m['from']} to stage {m['to']}", day.link(m["token"])
        )  # fmt: skip
        for m in moves
    ]
    lines += [
        Line(
            w["initials"],
            f"in the {w['zone']} section of stage {w['stage']}, belongs in {w['expected_zone']}",
            day.link(w["token"]),
        )  # fmt: skip
        for w in wrong
    ]
    lines += [
        Line(m["initials"], f"not seen on stage {m['stage']}", day.link(m["token"]))
        for m in missing
    ]
    summary = (
        f"Scan {scan['id']} applied on {scan['day']}: {len(moves)} moved, "
        f"{len(wrong)} in the wrong section, {len(missing)} missing."
    )
    return summary, lines


def scan_messages(day: Day) -> list[Message]:
    managers = role_holders(day.db, day.team, "team manager")
    found = []
    for user, frequency in _recipients(day.db, managers, prefs.SCANS, day):
        stickers = len(day.stickers)
        after = f" Date stickers to print now: {stickers}."
        if frequency == "daily":
            for scan in _applied_scans(day, CATCH_UP_DAYS):
                summary, lines = _scan_lines(day, scan)
                found.append(
                    day.message(f"scan:{user['id']}:{scan['id']}", prefs.SCANS, user,
                                f"scan {scan['id']} applied", summary + after, lines)
                )  # fmt: skip
        else:
            scans = _applied_scans(day, CATCH_UP_DAYS)
            if scans:
                parts = [_scan_lines(day, s) for s in scans]
                found.append(
                    day.message(
                        f"scans-weekly:{user['id']}:{day.team['id']}:{day.on}",
                        prefs.SCANS,
                        user,
                        f"{len(scans)} scan(s) applied this week",
                        " ".join(summary for summary, _ in parts) + after,
                        [line for _, lines in parts for line in lines],
                    )
                )
    return found


def _waiting_camera_scans(day: Day) -> list[dict]:
    """Unattended runs of the last days left as previews because they were not clean."""
    rows = day.db.query(
        """select r.id, r.scan_id, r.at, r.not_clean from camera_runs r
           join scans s on s.id = r.scan_id
           where r.team_id = ? and r.not_clean != '[]' and s.status = 'preview'
           order by r.id""",
        [day.team["id"]],
    )
    return [
        {**r, "day": _local_day(day.team, r["at"])}
        for r in rows
        if day.recent(_local_day(day.team, r["at"]), CATCH_UP_DAYS)
        and _local_day(day.team, r["at"]) <= day.on.isoformat()
    ]


def camera_messages(day: Day) -> list[Message]:
    """One note a waiting unattended scan, to each team manager who takes scan mail."""
    runs = _waiting_camera_scans(day)
    if not runs:
        return []
    managers = role_holders(day.db, day.team, "team manager")
    found = []
    for user, _ in _recipients(day.db, managers, prefs.SCANS, day):
        for run in runs:
            reasons = "; ".join(json.loads(run["not_clean"]))
            found.append(
                day.message(
                    f"camera:{user['id']}:{run['id']}",
                    prefs.SCANS,
                    user,
                    f"scan {run['scan_id']} from the wall camera needs your check",
                    f"The scan of {run['day']} was not applied by itself: {reasons}. "
                    f"Check it and apply it at {day.base}/scans/{run['scan_id']}.",
                    [],
                )
            )
    return found


def sticker_waiting_since(view: dict, row: dict, team: dict) -> date:
    """The day a family's date sticker became due: the later of the day its status began
    (amber: the review date less the amber window; red: the day after the review date)
    and the day the stored row or its last sticker last changed."""
    review = date.fromisoformat(view["next_review"])
    starts = {
        domain.AMBER: review - timedelta(days=team["amber_days"]),
        domain.RED: review + timedelta(days=1),
    }
    changed = [row[k][:10] for k in ("sticker_printed_at", "updated_at", "created_at") if row[k]]
    since = date.fromisoformat(max(changed)) if changed else review
    status_start = starts.get(view["status"])
    return max(since, status_start) if status_start else since


def sticker_messages(day: Day) -> list[Message]:
    waiting = []
    for view, row in day.stickers:
        since = sticker_waiting_since(view, row, day.team)
        if (day.on - since).days > STICKER_WAIT_DAYS:
            waiting.append((view, since))
    if not waiting:
        return []
    admins = list(
        day.db["users"].rows_where(
            "team_id = ? and role = 'admin'", [day.team["id"]], order_by="username"
        )
    )
    lines = [
        Line(
            v["initials"],
            f"{v['status']} sticker for {v['next_review']}, waiting since {s}",
            day.link(v["token"]),
        )  # fmt: skip
        for v, s in waiting
    ]
    return [
        day.message(
            f"stickers:{user['id']}:{day.team['id']}:{day.on}",
            prefs.STICKERS,
            user,
            f"{len(waiting)} date sticker(s) waiting to print",
            f"These date stickers have waited more than {STICKER_WAIT_DAYS} days. Print them "
            "from the Printing page, then confirm the sheet came out.",
            lines,
        )
        for user, _ in _recipients(day.db, admins, prefs.STICKERS, day)
    ]


def messages_due(db: Database, on: date) -> list[Message]:
    """Every message due on ``on`` across the store's teams (sent or not)."""
    found = []
    for team in db["teams"].rows_where(order_by="id"):
        day = Day(db, team, on)
        for make in (alert_messages, weekly_messages, scan_messages, camera_messages,
                     sticker_messages):  # fmt: skip
            found += make(day)
    return found
