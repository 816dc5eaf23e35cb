"""How long the store keeps what, and the purge that applies it (``caseboard purge``).

Per store, in the ``settings`` table; the defaults and why (also in the README):

* ``scan-pictures`` 30 days: the annotated board photos of a scan. A scan is
  checked and applied the same day; a month covers a late question about it. The scan
  record itself (what moved, when, by whom) stays: it is the case history.
* ``access-log`` 730 days: two years of who read or changed what, long enough to
  answer a data-protection request or a complaint about last year's handling.
* ``closed-cases`` 730 days after closing: the case is anonymised. Its board codes,
  reference, worker and every free-text note go; its token, dates, stages, events and
  flags stay, so the drift report's counts (moves, overdue weeks, reopenings within 12
  months, the dip sample of cases closed 3 to 6 months ago) are unchanged. The child's
  record lives in the case system, which has its own retention schedule. The case's
  clinic actions (their text and owner), interim assessment notes and its board codes
  in every scan preview go with them.
* ``mail-log`` 90 days: the record of each message sent (its address, subject and
  text, which name cases by board code). Notify needs only the days it may still send
  or retry; three months answers "did I get the email about ...".

Purging is safe to repeat: a second run on the same day finds nothing left to do. Each
kind is deleted in chunks of its own short transactions, so the app keeps working.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from sqlite_utils import Database

from webapp.errors import BadInput
from webapp.store.chunks import CHUNK_ROWS, in_chunks
from webapp.store.connection import utcnow

#: How long a log-in address or device stays known (webapp.accounts.logins.KNOWN_FOR_S).
KNOWN_CLIENT_S = 180 * 86400
DEFAULTS = {"scan-pictures": 30, "access-log": 730, "closed-cases": 730, "mail-log": 90}
LIMITS = {"scan-pictures": (1, 3650), "access-log": (30, 3650), "closed-cases": (183, 36500),
          "mail-log": (7, 3650)}  # fmt: skip
WORDS = {
    "scan-pictures": "days an annotated scan photo is kept",
    "access-log": "days an access-log entry is kept",
    "closed-cases": "days after closing before a case is anonymised",
    "mail-log": "days the record of a sent message is kept",
}
#: Free text a user may have typed about a family: removed when the case is anonymised.
NOTE_KEYS = ("note", "initials", "agenda", "worker", "ref", "reason")


def _key(name: str) -> str:
    return f"retention.{name}"


def retention_settings(db: Database) -> dict[str, int]:
    """Each retention setting of the store (its default where none is set)."""
    stored = {r["key"]: r["value"] for r in db.query("select key, value from settings")}
    return {name: int(stored.get(_key(name), default)) for name, default in DEFAULTS.items()}


def set_retention(db: Database, name: str, days) -> dict[str, int]:
    if name not in DEFAULTS:
        raise BadInput(f"no retention setting {name!r}: use {', '.join(DEFAULTS)}")
    low, high = LIMITS[name]
    try:
        value = int(str(days).strip())
    except ValueError:
        raise BadInput(f"{name} must be a whole number of days, not {days!r}") from None
    if not low <= value <= high:
        raise BadInput(f"{name} must be from {low} to {high} days, not {value}")
    db["settings"].upsert({"key": _key(name), "value": str(value)}, pk="key")
    return retention_settings(db)


def due(db: Database, today: date | None = None) -> dict:
    """What a purge on ``today`` would remove: ids by kind, and the cut-off dates."""
    today = today or datetime.now(UTC).date()
    days = retention_settings(db)
    cut = {name: today - timedelta(days=n) for name, n in days.items()}
    pictures = _ids(
        db,
        """select i.id from scan_images i join scans s on s.id = i.scan_id
                           where s.created_at < ? order by i.id""",
        cut["scan-pictures"],
    )
    log = _ids(db, "select id from audit where at < ? order by id", cut["access-log"])
    closed = _ids(
        db,
        """select id from families where closed is not null and closed < ?
                         and anonymised_at is null order by id""",
        cut["closed-cases"],
    )
    mail = _ids(db, "select id from mail_log where created_at < ? order by id", cut["mail-log"])
    return {"pictures": pictures, "log": log, "closed": closed, "mail": mail,
            "cut_off": {k: v.isoformat() for k, v in cut.items()}}  # fmt: skip


def purge(db: Database, today: date | None = None, *, dry_run: bool = False) -> dict:
    """Delete what has passed its retention on ``today``; returns what was (or, with
    ``dry_run``, would be) removed: ``{"scan_pictures", "access_log", "anonymised",
    "cut_off"}``."""
    found = due(db, today)
    if not dry_run:
        in_chunks(db, found["pictures"], _delete_pictures)
        in_chunks(db, found["log"], _delete_log)
        in_chunks(db, found["closed"], _anonymise, size=CHUNK_ROWS // 10)
        in_chunks(db, found["mail"], _delete_mail)
        db.execute("delete from login_failures where at < ?",
                   [datetime.now(UTC).timestamp() - 86400])  # fmt: skip
        db.execute("delete from login_clients where last_at < ?",
                   [datetime.now(UTC).timestamp() - KNOWN_CLIENT_S])  # fmt: skip
    return {"scan_pictures": len(found["pictures"]), "access_log": len(found["log"]),
            "anonymised": len(found["closed"]), "mail_log": len(found["mail"]),
            "cut_off": found["cut_off"],
            "dry_run": dry_run}  # fmt: skip


def _ids(db: Database, sql: str, cut_off: date) -> list[int]:
    return [r[0] for r in db.execute(sql, [cut_off.isoformat()])]


def _marks(ids: list[int]) -> str:
    return ",".join("?" * len(ids))


def _delete_pictures(db: Database, ids: list[int]) -> None:
    db.execute(f"delete from scan_images where id in ({_marks(ids)})", ids)


def _delete_log(db: Database, ids: list[int]) -> None:
    db.execute(f"delete from audit where id in ({_marks(ids)})", ids)


def _delete_mail(db: Database, ids: list[int]) -> None:
    db.execute(f"delete from mail_log where id in ({_marks(ids)})", ids)


def _anonymise(db: Database, ids: list[int]) -> None:
    """Codes, reference, worker, the closing reason and notes go (also the clinic's
    actions, interim assessment notes and the codes in scan previews); dates, stages,
    events, flags and the closing's views and scaling score stay."""
    marks, now = _marks(ids), utcnow()
    _forget_codes_in_scans(db, ids)
    db.execute(
        f"""update families set initials = '', ref = null, worker = null, closed_reason = null,
            anonymised_at = ? where id in ({marks})""",
        [now, *ids],
    )
    for row in db.query(f"select id, detail from events where family_id in ({marks})", ids):
        detail = json.loads(row["detail"] or "{}")
        kept = {k: v for k, v in detail.items() if k not in NOTE_KEYS}
        if kept != detail:
            db.execute("update events set detail = ? where id = ?",
                       [json.dumps(kept, sort_keys=True), row["id"]])  # fmt: skip
    for table, columns in (("discussions", "note = null, who = null"),
                           ("agenda_requests", "note = null"), ("follow_ups", "note = null"),
                           ("manager_alerts", "action = '', timescale = null"),
                           ("interim_assessments", "note = null")):  # fmt: skip
        db.execute(f"update {table} set {columns} where family_id in ({marks})", ids)
    bookings = f"select id from clinic_bookings where family_id in ({marks})"
    db.execute(f"update clinic_actions set text = '', owner = '' where booking_id in ({bookings})",
               ids)  # fmt: skip


def _forget_codes_in_scans(db: Database, ids: list[int]) -> None:
    """Blank the board codes (``initials``) a scan's preview and applied record kept for
    these families, found by tile token (read before the codes themselves go)."""
    families = list(db.query(f"select token, team_id from families where id in ({_marks(ids)})",
                             ids))  # fmt: skip
    tokens = {f["token"] for f in families}
    for team_id in {f["team_id"] for f in families}:
        for scan in db.query("select id, preview, applied from scans where team_id = ?",
                             [team_id]):  # fmt: skip
            changed = {}
            for column in ("preview", "applied"):
                text = scan[column]
                if text and any(t in text for t in tokens):
                    kept = json.dumps(_without_codes(json.loads(text), tokens))
                    if kept != text:
                        changed[column] = kept
            if changed:
                db["scans"].update(scan["id"], changed)


def _without_codes(value, tokens: set[str]):
    """``value`` (parsed JSON) with ``initials`` blanked in every object of these tokens."""
    if isinstance(value, list):
        return [_without_codes(v, tokens) for v in value]
    if isinstance(value, dict):
        out = {k: _without_codes(v, tokens) for k, v in value.items()}
        if out.get("token") in tokens and "initials" in out:
            out["initials"] = ""
        return out
    return value
