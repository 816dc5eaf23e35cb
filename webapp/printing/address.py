"""The address printed into tile QR codes, checked before any tile is printed.

A tile carries ``<base-url>/t/<token>`` for years. Printed with this machine's own
address (the local server's default, ``localhost``, a 127.x or ``::1`` address), every
tile of the kit points nowhere from a practitioner's phone and the whole kit has to be
printed again; so tiles are never printed until the team's public base URL is set.
"""

from __future__ import annotations

import ipaddress
import os
from urllib.parse import urlsplit

from sqlite_utils import Database

from webapp.accounts.teams import get_setting, public_base_url
from webapp.errors import BadInput

#: Host names that always mean "this machine".
LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")

HOW_TO_SET = (
    "set the team's public base URL (the address practitioners' phones open) on the admin "
    "page (Team and boards), or with `caseboard init --base-url https://caseboard.example.gov.uk` "
    "or $CASEBOARD_BASE_URL"
)


def is_this_machine(base_url: str) -> bool:
    """True for an address that only this machine can open: localhost, 127.0.0.0/8,
    ::1 or 0.0.0.0 (or ::)."""
    host = (urlsplit(base_url).hostname or "").lower().rstrip(".")
    if host in LOCAL_NAMES or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def base_url_is_set(db: Database, team: dict | None) -> bool:
    """Whether anyone set a base URL (environment, team or store), rather than the default."""
    return bool(
        os.environ.get("CASEBOARD_BASE_URL")
        or (team or {}).get("base_url")
        or get_setting(db, "base_url")
    )


def base_url_problem(db: Database, team: dict | None) -> str | None:
    """Why tiles cannot be printed with the team's base URL now, or None when they can."""
    try:
        base_url = public_base_url(db, team)
    except BadInput as exc:
        return f"the public base URL is not valid ({exc}); {HOW_TO_SET}"
    if not base_url_is_set(db, team):
        return f"no public base URL is set, so tiles would point at {base_url}; {HOW_TO_SET}"
    if is_this_machine(base_url):
        return f"the public base URL {base_url} points at this machine only; {HOW_TO_SET}"
    return None


def tile_base_url(db: Database, team: dict) -> str:
    """The base URL to print into tiles, or :class:`BadInput` saying how to set it."""
    problem = base_url_problem(db, team)
    if problem:
        raise BadInput(f"no tiles printed: {problem}")
    return public_base_url(db, team)
