"""Every blueprint, one per file under ``webapp/views``."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from webapp.web.views import (
        admin,
        api,
        auth,
        board,
        meeting,
        printing,
        reports,
        rules,
        scans,
        tiles,
    )

    for module in (auth, board, tiles, scans, printing, admin, api, meeting, rules, reports):
        app.register_blueprint(module.bp)
