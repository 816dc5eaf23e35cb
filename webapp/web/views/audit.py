"""The audit page (admins only): who read or changed what, filtered, and as CSV.

Its views belong to the ``auth`` blueprint (``auth.audit_log``, ``auth.audit_csv``): the
access log names the endpoint of every page read, and the names stay as they were.
"""

from __future__ import annotations

from contextlib import closing

from flask import Response, current_app, render_template, request
from flask_login import current_user

from webapp.cases.families import list_families
from webapp.store import access_log
from webapp.store.connection import connect
from webapp.values.actor import Actor
from webapp.values.bounds import check_id
from webapp.values.dates import parse_date
from webapp.web.access import current_team, role_required
from webapp.web.extensions import get_db
from webapp.web.views.auth import bp


def _audit_filters() -> dict:
    """The audit page's filters from the query string (BadInput for a bad date)."""
    args = request.args
    return {
        "action": args.get("action") or None,
        "username": (args.get("user") or "").strip() or None,
        "token": (args.get("family") or "").strip().upper() or None,
        "since": parse_date(args["since"], "from") if args.get("since") else None,
        "until": parse_date(args["until"], "to") if args.get("until") else None,
    }


@bp.route("/audit")
@role_required()  # admins only
def audit_log():
    filters = _audit_filters()
    before = request.args.get("before")
    rows = access_log.entries(
        get_db(), current_team(), **filters, before=check_id(before, "before") if before else None
    )
    return render_template(
        "auth/audit.html", rows=rows, filters=filters, actions=access_log.ACTIONS,
        families=list_families(get_db(), current_team(), include_closed=True),
        args={k: v for k, v in request.args.items() if k != "before"},
    )  # fmt: skip


@bp.route("/audit.csv")
@role_required()  # admins only
def audit_csv():
    """The filtered log as CSV, e.g. for a data-protection (subject access) request."""
    db, team = get_db(), current_team()
    lines = _streamed_csv(current_app.config["DB"], team, _audit_filters())
    who = Actor.web(current_user.user_id, request.remote_addr or "-")
    access_log.record(db, team["id"], access_log.EXPORT,
                      detail={"what": "audit.csv", **request.args}, actor=who)  # fmt: skip
    headers = {"Content-Disposition": "attachment; filename=caseboard-access-log.csv"}
    return Response(lines, mimetype="text/csv", headers=headers)


def _streamed_csv(path: str, team: dict, filters: dict):
    """The CSV a chunk at a time, on a connection of its own: the request's is closed
    once the view returns, before the download has been sent."""
    with closing(connect(path)) as db:
        yield from access_log.csv_lines(db, team, **filters)
