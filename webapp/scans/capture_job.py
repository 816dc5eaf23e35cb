"""The scheduled captures as a job: every team whose capture time has come, once."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from webapp.scans.capture_schedule import due_slot
from webapp.scans.capturing import take_photo
from webapp.store.connection import open_store
from webapp.values.actor import Actor


def run_due_captures(db: Database, now: datetime | None = None) -> list[dict]:
    """Capture for every team whose scheduled time has come (once per scheduled time).

    The job for a timer (``caseboard camera run-due``) or a scheduler: safe to run every
    few minutes. Returns one entry per team that was due: ``{"team", "slot", "preview"}``
    or ``{"team", "slot", "error"}``.
    """
    now = now or datetime.now(ZoneInfo("UTC"))
    done = []
    for team in db["teams"].rows_where(order_by="id"):
        slot = due_slot(db, team, now)
        if slot is None:
            continue
        entry = {"team": team["name"], "slot": slot.isoformat()}
        taken, preview = take_photo(
            db, team, trigger="schedule", actor=Actor.camera(), slot=slot.isoformat()
        )
        if taken.refusal:
            entry["error"] = taken.refused
        else:
            entry["preview"] = preview
        done.append(entry)
    return done


def camera_job(db_path: str):
    """:func:`run_due_captures` as a scheduled job on its own store connection: what
    ``caseboard serve --with-scheduler`` runs every minute."""

    def job() -> list[dict]:
        db = open_store(db_path)
        try:
            return run_due_captures(db)
        finally:
            db.close()

    return job
