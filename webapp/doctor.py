"""`caseboard doctor`: is this deployment ready for a team (CONTRACT §14)?

Each check answers ``{"check", "ok", "message"}``; a failed check's message says what to
do. The checks read what the app itself reads: the store, the app's config (or the
``CASEBOARD_*`` environment on the command line) and the instance folder.
"""

from __future__ import annotations

import shutil
import stat
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlite_utils import Database

from webapp.accounts.signin import parse_role_groups
from webapp.accounts.teams import get_setting
from webapp.errors import BadInput
from webapp.notify.settings import MailSettings, mail_settings
from webapp.printing.address import base_url_problem
from webapp.store.backup import LAST_BACKUP

#: A backup older than this fails the check: weekly at the very least.
MAX_BACKUP_AGE = timedelta(days=7)
#: Less free space than this beside the store fails: board photos and backups need room.
MIN_FREE_BYTES = 1024**3
SECRET_KEY_FILE = "secret_key"
OIDC_KEYS = ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET")


def _check(name: str, ok: bool, message: str) -> dict:
    return {"check": name, "ok": ok, "message": message}


def check_base_url(db: Database) -> dict:
    teams = list(db["teams"].rows)
    problems = [f"{t['name']}: {problem}" for t in teams if (problem := base_url_problem(db, t))]
    if not teams:
        problems = [base_url_problem(db, None) or ""]
        problems = [p for p in problems if p]
    if problems:
        return _check("public base URL", False, "; ".join(problems))
    return _check("public base URL", True, "tiles point at an address phones can open")


def check_secret_key(config: Mapping, instance_path: Path) -> dict:
    if config.get("SECRET_KEY"):
        return _check("secret key", True, "set in the configuration (CASEBOARD_SECRET_KEY)")
    path = instance_path / SECRET_KEY_FILE
    if not path.exists():
        return _check(
            "secret key",
            False,
            f"{path} does not exist yet: start the app once (caseboard serve), "
            "or set CASEBOARD_SECRET_KEY",
        )
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        return _check(
            "secret key",
            False,
            f"{path} has mode {mode:04o}, readable by others: run chmod 600 {path}",
        )
    return _check("secret key", True, f"{path} has mode {mode:04o} (owner only)")


def check_mail(config: Mapping) -> dict:
    try:
        mail = mail_settings(config)
    except BadInput as exc:
        return _check("mail", False, str(exc))
    if not mail.host:
        return _check(
            "mail", False, "no mail server: set CASEBOARD_SMTP_HOST and CASEBOARD_MAIL_FROM"
        )
    if mail.sender == MailSettings.sender:
        return _check(
            "mail",
            False,
            f"mail would come from {mail.sender}: set CASEBOARD_MAIL_FROM to the team's address",
        )
    security = "STARTTLS" if mail.starttls else "no STARTTLS"
    return _check("mail", True, f"{mail.host}:{mail.port} ({security}), from {mail.sender}")


def check_sign_in(config: Mapping) -> dict | None:
    """Council sign-in, only when any of its settings is given (None otherwise)."""
    given = [k for k in (*OIDC_KEYS, "OIDC_ROLE_GROUPS") if config.get(k)]
    if not given:
        return None
    missing = [f"CASEBOARD_{k}" for k in OIDC_KEYS if not config.get(k)]
    if missing:
        return _check("sign-in", False, f"council sign-in is half set up: set {', '.join(missing)}")
    issuer = str(config["OIDC_ISSUER"])
    if not issuer.lower().startswith("https://"):
        return _check("sign-in", False, f"the issuer {issuer} must be an https:// address")
    try:
        groups = parse_role_groups(config.get("OIDC_ROLE_GROUPS"))
    except BadInput as exc:
        return _check("sign-in", False, f"CASEBOARD_OIDC_ROLE_GROUPS: {exc}")
    return _check("sign-in", True, f"council sign-in with {issuer} ({len(groups)} role groups)")


def check_backup(db: Database, now: datetime) -> dict:
    last = get_setting(db, LAST_BACKUP)
    if not last:
        return _check(
            "last backup", False, "no backup yet: run caseboard backup --out FILE every night"
        )
    age = now - datetime.fromisoformat(last)
    days = age.total_seconds() / 86400
    words = f"the last backup was {days:.1f} days ago ({last})"
    if age > MAX_BACKUP_AGE:
        return _check("last backup", False, f"{words}: run caseboard backup --out FILE every night")
    return _check("last backup", True, words)


def check_disk(db_path: Path) -> dict:
    free = shutil.disk_usage(db_path.parent).free
    words = f"{free / 1024**3:.1f} GB free beside the store"
    if free < MIN_FREE_BYTES:
        return _check("free disk", False, f"{words}, under {MIN_FREE_BYTES / 1024**3:.0f} GB")
    return _check("free disk", True, words)


def run_checks(
    db: Database,
    db_path: str | Path,
    config: Mapping,
    instance_path: str | Path,
    now: datetime | None = None,
) -> list[dict]:
    """Every check, in the order an admin would fix them."""
    now = now or datetime.now(UTC)
    checks = [
        check_base_url(db),
        check_secret_key(config, Path(instance_path)),
        check_mail(config),
        check_sign_in(config),
        check_backup(db, now),
        check_disk(Path(db_path).resolve()),
    ]
    return [c for c in checks if c is not None]
