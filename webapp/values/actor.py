"""Who made a change: the user, the way in, and the client's address.

Every library function that changes the store takes one as the keyword ``actor``, and
records it unchanged: ``user`` in ``events.user_id`` (and the other tables' "by" columns),
``source`` in ``events.source``, and all three in the access log. The source says which
way the change came in; those recorded are ``web`` (a page), ``api`` (the JSON API),
``cli`` (a command), ``calendar`` (a calendar feed read), ``camera`` and ``watch`` (a
scan taken by a wall camera or found in a watched folder), ``demo`` and ``history``
(the demo's made-up store).
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True, kw_only=True)
class Actor:
    #: The user's id (``users.id``); None for a command run on the server, a job, the demo.
    user: int | None = None
    source: str
    #: The client's address, for the access log; None where there is no client.
    address: str | None = None

    @classmethod
    def cli(cls) -> Actor:
        """A command run on the server: nobody signed in, no address."""
        return cls(source="cli")

    @classmethod
    def web(cls, user: int | None, address: str | None = None) -> Actor:
        """A page of the web app."""
        return cls(user=user, source="web", address=address)

    @classmethod
    def api(cls, user: int | None, address: str | None = None) -> Actor:
        """A call of the JSON API with a user's bearer token."""
        return cls(user=user, source="api", address=address)

    @classmethod
    def camera(cls, user: int | None = None) -> Actor:
        """A scan taken by the team's wall camera (by schedule, command or request)."""
        return cls(user=user, source="camera")

    @classmethod
    def watch(cls) -> Actor:
        """A scan of the photos found in a watched folder."""
        return cls(source="watch")

    @classmethod
    def demo(cls, user: int | None = None) -> Actor:
        """The demo's builder (as one of its made-up users, when ``user`` is given)."""
        return cls(user=user, source="demo")

    def without_address(self) -> Actor:
        """The same actor with no address: for the access-log entries that have never
        recorded one (a case changed, closed, reopened or transferred; a scan previewed)."""
        return replace(self, address=None)
