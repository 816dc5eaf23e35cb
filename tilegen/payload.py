"""Tile tokens and the QR payload: ``<base-url>/t/<token>``.

Tokens use Crockford's base-32 alphabet (no I, L, O or U), upper case, so a
token is unambiguous when read aloud or typed and fits QR alphanumeric mode.
Ten characters carry 50 bits. The payload holds no personal data.
"""

from __future__ import annotations

import re
import secrets

TOKEN_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
TOKEN_LENGTH = 10
TOKEN_BITS = TOKEN_LENGTH * 5
TILE_PATH = "/t/"

_TOKEN_RE = re.compile(rf"^[{TOKEN_ALPHABET}]{{{TOKEN_LENGTH}}}$")
_URL_RE = re.compile(
    rf"^(?P<base>[a-z][a-z0-9+.-]*://[^/\s]+(?:/[^\s]*?)?)/t/(?P<token>[{TOKEN_ALPHABET}]{{{TOKEN_LENGTH}}})$",
    re.IGNORECASE,
)


def new_token(taken: set[str] | frozenset[str] = frozenset()) -> str:
    """A fresh random token not in ``taken``."""
    while True:
        token = "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))
        if token not in taken:
            return token


def is_token(text: str) -> bool:
    """True when ``text`` is a well-formed token (exact case)."""
    return bool(_TOKEN_RE.match(text))


def canonical_token(token: str) -> str | None:
    """The token in its printed (upper-case) form, or None when it cannot be a
    token (QR scanners sometimes upper-case a whole URL; a phone may add spaces)."""
    upper = token.strip().upper()
    return upper if is_token(upper) else None


def normalise_base_url(base_url: str) -> str:
    """Check a public base URL and drop its trailing slash."""
    base = base_url.strip().rstrip("/")
    if not re.match(r"^https?://[^/\s]+(/\S*)?$", base, re.IGNORECASE):
        raise ValueError(f"base URL must start with http:// or https://, not {base_url!r}")
    return base


def tile_url(base_url: str, token: str) -> str:
    """The exact text a tile's QR code holds."""
    if not is_token(token):
        raise ValueError(f"not a tile token: {token!r}")
    return normalise_base_url(base_url) + TILE_PATH + token


def parse_tile_url(text: str, base_url: str | None = None) -> str | None:
    """The token in a decoded QR text, or None when the text is not a tile URL.

    The scanner knows no store, so by default any ``…/t/<token>`` URL counts;
    pass ``base_url`` to accept only this deployment's tiles. Scheme and host
    compare case-insensitively; the token is matched in upper case.
    """
    match = _URL_RE.match(text.strip())
    if not match:
        return None
    token = match.group("token").upper()
    if not is_token(token):
        return None
    if base_url is not None and match.group("base").lower() != normalise_base_url(base_url).lower():
        return None
    return token
