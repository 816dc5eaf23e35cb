"""Sending what is due once: record each message in ``mail_log`` before it goes, then
mark it sent or failed. A failed message is tried again on the next run (as it was
written) and is listed on the admin mail page until it goes."""

from __future__ import annotations

import smtplib
import sqlite3
import ssl
from datetime import date

from sqlite_utils import Database

from webapp.notify.compose import Message, email_message
from webapp.notify.due import messages_due
from webapp.notify.settings import MailSettings
from webapp.store.connection import utcnow

SENT, FAILED = "sent", "failed"
SMTP_TIMEOUT = 30


def _logged_keys(db: Database) -> set[str]:
    return {r["key"] for r in db.query("select key from mail_log")}


def new_messages(db: Database, on: date) -> list[Message]:
    """The messages due on ``on`` that were never recorded (sent or tried)."""
    logged = _logged_keys(db)
    return [m for m in messages_due(db, on) if m.key not in logged]


def failed_messages(db: Database, team: dict | None = None) -> list[dict]:
    """Recorded messages whose last try failed, oldest first (of one team, or all)."""
    where, params = "status = ?", [FAILED]
    if team is not None:
        where += " and team_id = ?"
        params.append(team["id"])
    return list(db["mail_log"].rows_where(where, params, order_by="id"))


def recent_mail(db: Database, team: dict, limit: int = 50) -> list[dict]:
    """The team's latest recorded messages, newest first (without their bodies)."""
    return list(
        db.query(
            """select id, day, kind, to_addr, subject, status, attempts, error, sent_at
               from mail_log where team_id = ? order by id desc limit ?""",
            [team["id"], limit],
        )
    )


def _record(db: Database, m: Message, on: date) -> dict | None:
    """Record ``m`` before it is sent; None when another run recorded it first."""
    row = {
        "key": m.key,
        "day": on.isoformat(),
        "kind": m.kind,
        "user_id": m.user["id"],
        "team_id": m.team["id"],
        "to_addr": m.to,
        "subject": m.subject,
        "text": m.text(),
        "html": m.html(),
        "status": FAILED,  # until the server takes it
        "attempts": 0,
        "created_at": utcnow(),
    }
    try:
        row["id"] = db["mail_log"].insert(row).last_pk
    except sqlite3.IntegrityError:  # the unique key: a run at the same moment has it
        return None
    return row


def _listing(row: dict, status: str) -> dict:
    return {
        "key": row["key"],
        "kind": row["kind"],
        "to": row["to_addr"],
        "subject": row["subject"],
        "status": status,
    }


def plan(db: Database, on: date) -> list[dict]:
    """What a run on ``on`` would send, writing nothing: new messages, then retries."""
    new = [{**m.listing(), "status": "new"} for m in new_messages(db, on)]
    retries = [_listing(r, "retry") for r in failed_messages(db)]
    return new + retries


class Smtp:
    """One SMTP session for a run, opened on the first message."""

    def __init__(self, settings: MailSettings):
        self.settings = settings
        self.server: smtplib.SMTP | None = None

    def send(self, row: dict) -> None:
        if self.server is None:
            self.server = self._connect()
        msg = email_message(
            self.settings.sender, row["to_addr"], row["subject"], row["text"], row["html"]
        )
        self.server.send_message(msg)

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        server = smtplib.SMTP(s.host, s.port, timeout=SMTP_TIMEOUT)
        try:
            if s.starttls:
                server.starttls(context=ssl.create_default_context())
            if s.user:
                server.login(s.user, s.password or "")
        except (smtplib.SMTPException, OSError):
            server.close()
            raise
        return server

    def close(self) -> None:
        if self.server is not None:
            try:
                self.server.quit()
            except (smtplib.SMTPException, OSError):
                self.server.close()
            self.server = None


def run(db: Database, on: date, settings: MailSettings) -> list[dict]:
    """Send what is due on ``on`` and retry earlier failures; one listing per message
    tried, with ``status`` ``sent`` or ``failed`` (and ``error``)."""
    settings.check()
    with db.atomic():
        fresh = [r for r in (_record(db, m, on) for m in new_messages(db, on)) if r]
    rows = failed_messages(db)  # the fresh ones and earlier failures
    fresh_ids = {r["id"] for r in fresh}
    rows.sort(key=lambda r: (r["id"] in fresh_ids, r["id"]))
    smtp, done = Smtp(settings), []
    try:
        for row in rows:
            done.append(_try(db, smtp, row))
    finally:
        smtp.close()
    return done


def _try(db: Database, smtp: Smtp, row: dict) -> dict:
    try:
        smtp.send(row)
    except (smtplib.SMTPException, OSError, ValueError) as exc:
        smtp.close()  # a broken session is not reused
        error = f"{type(exc).__name__}: {exc}"
        db["mail_log"].update(
            row["id"], {"attempts": row["attempts"] + 1, "error": error[:500], "status": FAILED}
        )
        return {**_listing(row, FAILED), "error": error}
    db["mail_log"].update(
        row["id"],
        {"attempts": row["attempts"] + 1, "status": SENT, "sent_at": utcnow(), "error": None},
    )
    return _listing(row, SENT)
