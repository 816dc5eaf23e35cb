"""Who may do what, and the team scope of every page and API call.

Every query for a family goes through :func:`team_family`, so another team's
token is simply "not found" (404, with the same message as a made-up token), never
"forbidden" (which would confirm it exists).
"""

from __future__ import annotations

from functools import wraps

from flask import abort, g, request, session
from flask_login import current_user, login_required

from webapp.accounts.people import readable_team, user_teams
from webapp.cases.families import get_family_row
from webapp.values.actor import Actor
from webapp.web.extensions import get_db

#: The session key of the team a user of several teams has switched to.
TEAM_KEY = "team_id"


def current_team() -> dict:
    """The team the logged-in user is looking at, read once per request: the one they
    switched to (when they read it), else their home team."""
    if "team" not in g:
        g.team = readable_team(get_db(), current_user.row, session.get(TEAM_KEY))
    return g.team


def current_user_teams() -> list[dict]:
    """Every team the logged-in user reads (one for most users)."""
    if "user_teams" not in g:
        g.user_teams = user_teams(get_db(), current_user.row)
    return g.user_teams


def request_actor() -> Actor:
    """Who is making this request, as the library records it: the API token's user
    (source ``api``), else the signed-in user (``web``; no user before signing in),
    with the client's address."""
    api_user = g.get("api_user")
    if api_user is not None:
        return Actor.api(api_user.user_id, request.remote_addr)
    user = current_user.user_id if current_user and current_user.is_authenticated else None
    return Actor.web(user, request.remote_addr)


def team_family(token: str) -> dict:
    """The family row for ``token`` in the current user's team.

    An unknown token, or another team's, raises the library's :class:`NotFound`, which
    the app's error handler answers (404 with the library's message, the same sentence
    the command line prints).
    """
    return get_family_row(get_db(), token, current_team())


def role_required(*roles: str):
    """Login required, and one of ``roles`` (admins pass every check)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.can(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
