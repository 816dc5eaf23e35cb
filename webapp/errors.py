"""Specific exceptions the library raises; the CLI and the web layer turn them into
one-line messages (exit 2 / HTTP 4xx). Nothing here knows about click or Flask."""


class CaseboardError(Exception):
    """Base for every error a user can cause and fix."""


class BadInput(CaseboardError):
    """An argument, a file or a field is malformed or out of range."""


class TooLarge(BadInput):
    """More than a request may carry: photos, pixels (HTTP 413)."""


class TooMany(BadInput):
    """More at once than one person may run, e.g. parallel scans (HTTP 429)."""


class NotFound(CaseboardError):
    """A team, family, user, token or scan that does not exist (or is not yours)."""


class NotAllowed(CaseboardError):
    """The user's role may not do this (the web answers 403, the CLI exits 2)."""


class NoStore(CaseboardError):
    """The store file does not exist yet."""


class StoreBusy(CaseboardError):
    """The store stayed locked by other writers past the retries: try again shortly.

    The web answers 503 with ``Retry-After: RETRY_AFTER_SECONDS``; the CLI exits 2.
    """

    retry_after = 2
