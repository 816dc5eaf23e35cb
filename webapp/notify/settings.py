"""SMTP settings (docs/contract.md §9): ``CASEBOARD_SMTP_HOST``, ``_PORT``, ``_USER``,
``_PASSWORD``, ``_STARTTLS`` (0/1) and ``CASEBOARD_MAIL_FROM``.

The web app reads them from its config (``create_app`` already folds ``CASEBOARD_*``
environment variables in, without the prefix); the command line from the environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from webapp.errors import BadInput

DEFAULT_PORT = 25


@dataclass(frozen=True)
class MailSettings:
    host: str | None
    port: int = DEFAULT_PORT
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    sender: str = "caseboard@localhost"

    def check(self) -> None:
        """A :class:`BadInput` when no SMTP server is configured."""
        if not self.host:
            raise BadInput("no mail server: set CASEBOARD_SMTP_HOST (and CASEBOARD_MAIL_FROM)")


def _flag(value) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def _port(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise BadInput(f"CASEBOARD_SMTP_PORT must be a number, not {value!r}") from None


def mail_settings(values: Mapping, prefix: str = "") -> MailSettings:
    """Settings from a mapping whose keys are ``SMTP_HOST`` ... ``MAIL_FROM`` after
    ``prefix`` (``"CASEBOARD_"`` for the environment, ``""`` for a Flask config)."""

    def get(name):
        # Flask's from_prefixed_env reads "25" as 25 and "0" as 0: keep text as text
        value = values.get(prefix + name)
        return None if value in (None, "") else str(value)

    return MailSettings(
        host=get("SMTP_HOST"),
        port=_port(get("SMTP_PORT") or DEFAULT_PORT),
        user=get("SMTP_USER"),
        password=get("SMTP_PASSWORD"),
        starttls=_flag(get("SMTP_STARTTLS") or 0),
        sender=get("MAIL_FROM") or MailSettings.sender,
    )


def env_mail_settings() -> MailSettings:
    return mail_settings(os.environ, "CASEBOARD_")
