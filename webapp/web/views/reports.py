"""The drift and quality dashboard, with its PDF and CSV downloads, and the record of a
meeting audit shown on it (managers only)."""

from __future__ import annotations

import io
import tempfile
from datetime import date
from pathlib import Path

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from markupsafe import Markup

from printables.charts import to_svg
from printables.report import drift_charts, write_drift_pdf
from webapp.accounts.teams import team_today
from webapp.errors import BadInput
from webapp.practice import meeting_audits
from webapp.reports.drift import drift_report
from webapp.reports.drift_csv import report_csv
from webapp.values.dates import parse_date
from webapp.web.access import current_team, request_actor, role_required
from webapp.web.drift_page import page_sections
from webapp.web.extensions import get_db
from webapp.web.form_values import date_field, field, requested_date
from webapp.web.refused_forms import refused_form

bp = Blueprint("reports", __name__)


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise BadInput(f"{name} must be a whole number, not {value!r}")
    return int(value)


def _report(on: date | None = None) -> dict:
    team = current_team()
    if on is None:
        value = requested_date()
        on = parse_date(value, "date") if value else team_today(team)
    return drift_report(get_db(), team, on, sample=_int_arg("sample"), seed=_int_arg("seed"))


@bp.get("/reports/drift", endpoint="drift")
@role_required("manager")
def drift(on: date | None = None):
    report = _report(on)
    charts = {name: Markup(to_svg(chart)) for name, chart in drift_charts(report).items()}
    return render_template("reports/drift.html", report=report, charts=charts,
                           sections=page_sections(report), args=request.args)  # fmt: skip


@bp.get("/reports/drift.pdf", endpoint="drift_pdf")
@role_required("manager")
def drift_pdf():
    report = _report()
    with tempfile.TemporaryDirectory() as folder:
        data = write_drift_pdf(report, Path(folder) / "drift.pdf").read_bytes()
    return send_file(
        io.BytesIO(data),
        mimetype="application/pdf",
        download_name=f"drift-{report['on']}.pdf",
    )


@bp.get("/reports/drift.csv", endpoint="drift_csv")
@role_required("manager")
def drift_csv():
    report = _report()
    return send_file(
        io.BytesIO(report_csv(report).encode("utf-8")),
        mimetype="text/csv",
        as_attachment=True,
        download_name=f"drift-{report['on']}.csv",
    )


@bp.post("/audits", endpoint="add_audit")
@role_required("manager")
@refused_form(page=lambda: drift(team_today(current_team())))  # the dashboard of today
def add_audit():
    team = current_team()
    meeting_audits.add_audit(
        get_db(),
        team,
        on=date_field("date", "The audit date") or team_today(team),
        auditor=field("auditor"),
        note=field("note"),
        actor=request_actor(),
    )
    flash("Meeting audit recorded.")
    return redirect(url_for("reports.drift"))
