"""Every blueprint, one per file under ``webapp/web/views``, in the order they register."""

from flask import Flask

from webapp.web.views import (
    admin,
    alerts,
    api,
    audit,
    auth,
    board,
    clinic,
    imports,
    meeting,
    notifications,
    people,
    printing,
    reports,
    scans,
    sso,
    supervision,
    team_rules,
    tiles,
)

VIEWS = (auth, board, tiles, scans, printing, admin, imports, api, meeting, alerts, supervision,
         clinic, team_rules, reports, people, notifications, sso)  # fmt: skip


#: Views in a file of their own that join another file's blueprint (keeping its names).
JOINED = {audit: auth}


def register_blueprints(app: Flask) -> None:
    for module in VIEWS:
        app.register_blueprint(module.bp)
