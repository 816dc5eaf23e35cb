"""Alert mail: one message a firing (or a weekly digest), to whoever can act on it.
Each function takes the day's :class:`webapp.notify.due.Day`.

A firing goes to the users holding its role in the team; where none of them has an email
address, to the team's managers, saying so (docs/contract.md §16). Every open firing is
sent until it has been, however long ago it fired, and once more when its series fires
again while it is still open. The wording is fixed: never a flag, a case type, a
reference, a child's name or a note.
"""

from __future__ import annotations

import hashlib

from webapp.accounts.people import role_holders
from webapp.accounts.roles import TM
from webapp.notify import prefs
from webapp.notify.compose import Message


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def recipients(db, users: list[dict], kind: str, day):
    """(user, frequency) for users with an email who want ``kind`` on ``day``."""
    for user in users:
        if not user.get("email") or not user["active"]:
            continue
        frequency = prefs.user_prefs(db, user)[kind]
        if frequency == "daily" or (frequency == "weekly" and day.is_weekly_day):
            yield user, frequency


def alert_recipients(day, role: str) -> tuple[list[dict], str | None]:
    """Who a firing for ``role`` goes to: its holders in the team; where none of them
    has an email address, the team's managers (and the role they stand in for)."""
    holders = role_holders(day.db, day.team, role)
    if role == TM or any(u.get("email") and u["active"] for u in holders):
        return holders, None
    return role_holders(day.db, day.team, TM), role


def _standing_in(role: str | None, team: dict) -> str:
    if role is None:
        return ""
    return (
        f" No {role} with an email address is set up for {team['name']}, so this comes to "
        "you as its team manager."
    )


def alert_messages(day) -> list[Message]:
    """Every open firing, however long ago it fired, until it has been sent (a week
    without ``notify`` loses nothing); a firing still open when its series fires again
    is sent again, once."""
    found = []
    by_role: dict[str, list[dict]] = {}
    for alert in day.alerts:
        by_role.setdefault(alert["role"], []).append(alert)
    for role, alerts in by_role.items():
        users, standing_in = alert_recipients(day, role)
        for user, frequency in recipients(day.db, users, prefs.ALERTS, day):
            if frequency == "daily":
                found += [_one_alert(day, user, a, standing_in) for a in alerts]
                continue
            found.append(
                day.message(
                    f"alerts-weekly:{user['id']}:{day.team['id']}:{role}:{day.on}",
                    prefs.ALERTS,
                    user,
                    f"{len(alerts)} open review trigger(s)",
                    f"These review triggers for the {role} are still open. Record the "
                    "follow-up on each tile page." + _standing_in(standing_in, day.team),
                    [day.alert_line(a) for a in alerts],
                )
            )
    return found


def _one_alert(day, user: dict, alert: dict, standing_in: str | None = None) -> Message:
    family = alert.get("family_id") or alert["token"]
    key = f"alert:{user['id']}:{family}:{_digest(alert['key'])}:{alert['due']}"
    again = ""
    if alert.get("missed"):
        key += ":again"  # once more, when the series has fired again while it is open
        again = " It is still open although its trigger has fired again."
    return day.message(
        key,
        prefs.ALERTS,
        user,
        f"review trigger for {alert['initials']}",
        f"A review trigger fired on {alert['due']} for the {alert['role']}.{again} "
        "Open the tile page to see it and record the follow-up."
        + _standing_in(standing_in, day.team),
        [day.alert_line(alert)],
    )
