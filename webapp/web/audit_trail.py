"""The web side of the access log: every page or download a logged-in user (or an API
token) reads, and every request that changes the store, leaves an entry.

Views that write a named entry (a tile viewed, a date set, a scan applied, a log-in)
keep theirs; for any other request this adds a generic ``read`` (a page that answered
200) or ``change`` (a request after which the store had changed), so pages added later
are covered without remembering to.

Each entry is filed under the team the request read (the team a service manager
switched to, not their home team), and a page listing families (the boards, the
agenda) names the families it showed (:func:`showed`). The audit page is logged too:
reading who read what is itself a read of case data.
"""

from __future__ import annotations

from flask import Flask, g, request
from flask_login import current_user

from webapp.store import access_log
from webapp.web.access import current_team, request_actor
from webapp.web.extensions import get_db

#: Endpoints that show no case data (or write their own entry).
NOT_CASE_DATA = {"static", "auth.login", "auth.logout"}
READS = ("GET",)
WRITES = ("POST", "PUT", "PATCH", "DELETE")


def init_app(app: Flask) -> None:
    app.before_request(_mark)
    app.after_request(_record)


def _mark() -> None:
    g.audit_mark = access_log.recorded()
    if request.method in WRITES:
        g.audit_changes = get_db().conn.total_changes


def showed(tokens) -> None:
    """Name the families a page showed in its access-log entry (tile tokens)."""
    g.audit_families = sorted({t for t in tokens if t})


def _who() -> tuple[int, int] | None:
    """(id of the team read, user id) of the session's user or the API token's, or None."""
    api_user = g.get("api_user")
    if api_user is not None:
        return g.api_team["id"], api_user.user_id
    if current_user and current_user.is_authenticated:
        return current_team()["id"], current_user.user_id
    return None


def _record(response):
    if request.endpoint in NOT_CASE_DATA or response.status_code >= 400:
        return response
    if access_log.recorded() != g.get("audit_mark", access_log.recorded()):
        return response  # the view wrote its own entry
    who = _who()
    if who is None:
        return response
    if request.method in READS and response.status_code == 200:
        action = access_log.READ
    elif request.method in WRITES and get_db().conn.total_changes > g.get("audit_changes", 0):
        action = access_log.CHANGE
    else:
        return response
    args = request.view_args or {}
    target = args.get("token") or next((str(v) for k, v in args.items() if k.endswith("id")), None)
    detail = {"endpoint": request.endpoint, "method": request.method, "path": request.path}
    if request.query_string:
        detail["query"] = request.query_string.decode("utf-8", "replace")[:200]
    if g.get("audit_families") is not None:
        detail["families"] = g.audit_families
    access_log.record(
        get_db(), who[0], action, target.upper() if args.get("token") else target,
        detail, actor=request_actor(),
    )  # fmt: skip
    return response
