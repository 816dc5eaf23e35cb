"""Every blueprint, one per file under ``webapp/web/views``."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from webapp.web.views import (
        admin,
        alerts,
        api,
        auth,
        board,
        clinic,
        meeting,
        printing,
        reports,
        scans,
        supervision,
        team_rules,
        tiles,
    )

    for module in (
        auth,
        board,
        tiles,
        scans,
        printing,
        admin,
        api,
        meeting,
        alerts,
        supervision,
        clinic,
        team_rules,
        reports,
    ):
        app.register_blueprint(module.bp)
