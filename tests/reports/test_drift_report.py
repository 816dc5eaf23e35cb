"""The drift report: replayed history, every section at its boundaries, CSV and PDF."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import numpy as np
import pypdfium2 as pdfium
import pytest

from printables.charts import BAR, LINE, STACK, Rect
from printables.report import drift_charts, write_drift_pdf
from webapp.accounts.teams import ensure_team
from webapp.demo.history import generate_history
from webapp.reports.drift import (
    _timelines,
    dip_sample,
    drift_report,
    moves_per_week,
    overdue_series,
    reopened,
    states_on,
)
from webapp.reports.drift_csv import report_csv
from webapp.store import events
from webapp.store.connection import open_store

ON = date(2025, 6, 11)


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    """A store with a year of generated history (40 families)."""
    path = tmp_path_factory.mktemp("year") / "year.db"
    store = open_store(path, create=True)
    team = ensure_team(store, "Team")
    counts = generate_history(store, team, days=365, families=40, seed=7, today=ON)
    yield store, team, counts, path
    store.close()


@pytest.fixture(scope="module")
def year_report(year):
    store, team, _, _ = year
    return drift_report(store, team, ON)


# -- a hand-made history with known answers -------------------------------------------


def recorded_family(
    store, team, token="AAAAAAAAAA", stage=3, review="2025-01-20", opened="2025-01-06"
):
    fid = (
        store["families"]
        .insert(
            {
                "team_id": team["id"],
                "token": token,
                "initials": "TWr",
                "stage": stage,
                "next_review": review,
                "opened": opened,
            }
        )
        .last_pk
    )
    event(store, team, fid, opened, events.CREATED, {"stage": stage, "next_review": review})
    return fid


def event(store, team, fid, on, kind, detail):
    store["events"].insert(
        {
            "team_id": team["id"],
            "family_id": fid,
            "at": f"{on}T10:00:00+00:00",
            "on_date": on,
            "kind": kind,
            "detail": json.dumps(detail),
        }
    )


def test_overdue_is_replayed_from_the_review_dates_of_the_time(store, team):
    fid = recorded_family(store, team)
    event(
        store,
        team,
        fid,
        "2025-02-03",
        events.REVIEW_SET,
        {"from": "2025-01-20", "to": "2025-03-01"},
    )
    days = [
        date(2025, 1, 19),
        date(2025, 1, 20),
        date(2025, 1, 21),
        date(2025, 2, 2),
        date(2025, 2, 3),
    ]
    series = overdue_series(_timelines(store, team), days)
    assert [(s["open"], s["overdue"], s["days_overdue"]) for s in series] == [
        (1, 0, 0),
        (1, 0, 0),  # due today is not overdue
        (1, 1, 1),
        (1, 1, 13),
        (1, 0, 0),  # the new date was set that day
    ]
    assert overdue_series(_timelines(store, team), [date(2025, 1, 5)])[0]["open"] == 0


def test_stuck_at_the_team_limit(store, team):
    # stage 3 limit is 12 weeks = 84 days
    fid = recorded_family(store, team, stage=2, review="2030-01-01")
    event(store, team, fid, "2025-03-19", events.STAGE_MOVED, {"from": 2, "to": 3})
    at_limit = drift_report(store, team, date(2025, 6, 11), weeks=4)  # 84 days in stage
    assert at_limit["stuck"] == []
    over = drift_report(store, team, date(2025, 6, 12), weeks=4)
    assert [(s["stage"], s["days_in_stage"], s["limit_days"]) for s in over["stuck"]] == [
        (3, 85, 84)
    ]
    assert over["stage_time"][2]["buckets"]["8-13 wk"] == 1


def test_moves_are_counted_in_monday_to_sunday_weeks(store, team):
    fid = recorded_family(store, team)
    for on in ("2025-06-01", "2025-06-02", "2025-06-08", "2025-06-09"):  # Sun, Mon, Sun, Mon
        event(store, team, fid, on, events.STAGE_MOVED, {"from": 3, "to": 4})
    weeks = [date(2025, 5, 26), date(2025, 6, 2), date(2025, 6, 9)]
    assert [m["moves"] for m in moves_per_week(store, team, weeks)] == [1, 2, 1]


def test_every_reopening_counts_with_its_gap_and_whether_within_twelve_months(store, team):
    a = recorded_family(store, team, token="AAAAAAAAAA")
    b = recorded_family(store, team, token="BBBBBBBBBB")
    event(store, team, a, "2025-06-01", events.REOPENED, {"closed_on": "2024-06-01"})
    event(store, team, b, "2025-06-02", events.REOPENED, {"closed_on": "2024-06-01"})
    found = reopened(store, team, date(2025, 1, 1), date(2025, 6, 30), 12)
    assert [(r["token"], r["days_closed"], r["within_window"]) for r in found] == [
        ("AAAAAAAAAA", 365, True),
        ("BBBBBBBBBB", 366, False),
    ]


def test_dip_sample_window_and_reproducibility(store, team):
    for i, closed in enumerate(
        ["2024-12-10", "2024-12-11", "2025-01-15", "2025-03-11", "2025-03-12"]
    ):
        fid = recorded_family(store, team, token=f"C{i:09d}", opened="2024-06-03")
        event(store, team, fid, closed, events.CLOSED, {"as": "closed", "scaling": 7})
    sample = dip_sample(store, team, ON, 10, 1, 3, 6)
    # 3-6 months before 11 June 2025: closed from 11 Dec 2024 to 11 Mar 2025 inclusive
    assert (sample["closed_from"], sample["closed_to"]) == ("2024-12-11", "2025-03-11")
    assert [c["closed"] for c in sample["cases"]] == ["2024-12-11", "2025-01-15", "2025-03-11"]
    two = dip_sample(store, team, ON, 2, 5, 3, 6)
    assert two["eligible"] == 3 and len(two["cases"]) == 2
    assert two == dip_sample(store, team, ON, 2, 5, 3, 6)
    seeds = {
        tuple(c["token"] for c in dip_sample(store, team, ON, 2, s, 3, 6)["cases"])
        for s in range(20)
    }
    assert len(seeds) > 1  # the seed really chooses


# -- the year of generated history ----------------------------------------------------------


def test_generated_history_is_reproducible(tmp_path, year):
    _, _, counts, _ = year
    store = open_store(tmp_path / "again.db", create=True)
    again = generate_history(
        store, ensure_team(store, "Team"), days=365, families=40, seed=7, today=ON
    )
    assert again == counts
    assert counts["families"] == 40 and counts["audits"] >= 4


def test_replay_ends_where_the_store_is(year):
    """Replaying every family's events up to today gives exactly the stored rows."""
    store, team, _, _ = year
    timelines = _timelines(store, team)
    for row in store["families"].rows_where("team_id = ?", [team["id"]]):
        [state] = states_on(timelines[row["id"]], [ON])
        assert state["stage"] == row["stage"]
        assert state["next_review"] == row["next_review"]
        assert state["closed"] == bool(row["closed"])


def test_year_report_sections(year, year_report):
    store, team, _, _ = year
    r = year_report
    assert len(r["overdue"]) == 52 and r["overdue"][-1]["week_ending"] == ON.isoformat()
    open_now = store["families"].count_where("team_id = ? and closed is null", [team["id"]])
    overdue_now = store["families"].count_where(
        "team_id = ? and closed is null and next_review < ?", [team["id"], ON.isoformat()]
    )
    assert r["overdue"][-1]["open"] == r["summary"]["open"] == open_now
    assert r["overdue"][-1]["overdue"] == r["summary"]["red"] == overdue_now
    assert max(w["overdue"] for w in r["overdue"]) > 0
    assert sum(s["cases"] for s in r["stage_time"]) == open_now
    assert sum(m["moves"] for m in r["moves"]) > 50
    assert r["reopened"] and all(x["days_closed"] >= 0 for x in r["reopened"])
    assert r["summary"]["start_again"] == len(r["reopened"])
    assert r["audit"]["last_audit"] is not None
    dip = r["dip_sample"]
    assert all(dip["closed_from"] <= c["closed"] <= dip["closed_to"] for c in dip["cases"])


def test_csv_has_every_section(year_report):
    rows = list(csv.DictReader(io.StringIO(report_csv(year_report))))
    sections = {r["section"] for r in rows}
    assert sections >= {"summary", "overdue", "stage_time", "moves", "audit"}
    overdue = [r for r in rows if r["section"] == "overdue" and r["measure"] == "overdue"]
    assert [int(r["value"]) for r in overdue] == [w["overdue"] for w in year_report["overdue"]]


def _colour_pixels(image: np.ndarray, hex_colour: str, tolerance: int = 24) -> int:
    rgb = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(image[:, :, :3].astype(int) - rgb).max(axis=2) <= tolerance).sum())


def test_pdf_charts_render_with_the_data(tmp_path, year_report):
    path = write_drift_pdf(year_report, tmp_path / "drift.pdf")
    pdf = pdfium.PdfDocument(str(path))
    scale = 2.0  # 144 dpi
    pages = [
        np.asarray(pdf[i].render(scale=scale).to_pil().convert("RGB")) for i in range(len(pdf))
    ]
    text = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    for title in (
        "Overdue cases (red) each week",
        "Time in current stage",
        "Stage moves per week",
        "Dip sample of closed and stepped-down cases",
        "Starting again: reopened",
        "Re-referrals",
        "Stuck cases",
    ):
        assert title in text
    # the moves bars: the painted area matches the bars the layout asked for
    chart = drift_charts(year_report)["moves"]
    expected = sum(s.w * s.h for s in chart.shapes if isinstance(s, Rect)) * scale * scale
    painted = sum(_colour_pixels(p, BAR) for p in pages)
    assert expected > 1000
    assert abs(painted - expected) / expected < 0.2, (painted, expected)
    # the overdue line and the stage-time stacks are drawn too
    assert sum(_colour_pixels(p, LINE) for p in pages) > 500
    stack = drift_charts(year_report)["stage_time"]
    first_bucket = sum(
        s.w * s.h for s in stack.shapes if isinstance(s, Rect) and s.fill == STACK[0]
    )
    painted_first = sum(_colour_pixels(p, STACK[0], 10) for p in pages)
    assert abs(painted_first - first_bucket * scale * scale) / (first_bucket * scale * scale) < 0.2


def test_cli_report_drift(tmp_path, year):
    from click.testing import CliRunner

    from webapp.cli import main

    _, _, _, path = year
    run = CliRunner()

    def runner(*args):
        return run.invoke(
            main, ["report", "drift", "--db", str(path), "--date", ON.isoformat(), *args]
        )

    data = json.loads(runner("--json").output)
    assert data["summary"]["open"] > 0 and len(data["overdue"]) == 52
    again = json.loads(runner("--json", "--sample", "3", "--seed", "9").output)
    assert (
        again["dip_sample"]
        == json.loads(runner("--json", "--sample", "3", "--seed", "9").output)["dip_sample"]
    )
    assert len(again["dip_sample"]["cases"]) == min(3, again["dip_sample"]["eligible"])
    out = tmp_path / "drift.pdf"
    assert runner("--out", str(out)).exit_code == 0 and out.read_bytes()[:5] == b"%PDF-"
    out_csv = tmp_path / "drift.csv"
    assert runner("--out", str(out_csv)).exit_code == 0
    assert out_csv.read_text().startswith("section,date,stage")
    for bad in (
        ["--out", str(tmp_path / "x.txt")],
        ["--out", str(out), "--json"],
        ["--out", str(tmp_path / "no" / "x.pdf")],
    ):
        result = runner(*bad)
        assert result.exit_code == 2 and "Traceback" not in result.output
    assert list(tmp_path.glob(".*.tmp")) == []
    summary = runner()
    assert summary.exit_code == 0 and "open" in summary.output


def test_chart_axes_use_round_steps_and_scale_bars_to_values():
    from printables.charts import axis, bar_chart

    assert axis(0) == (1.0, 1)
    assert axis(3) == (3, 3)
    assert axis(8) == (8, 4)
    assert axis(31) == (40, 4)
    assert axis(42) == (50, 5)
    chart = bar_chart("t", ["a", "b", "c"], [2, 4, 0])
    heights = [s.h for s in chart.shapes if isinstance(s, Rect)]
    assert len(heights) == 2 and heights[1] == pytest.approx(2 * heights[0])
    assert heights[0] == pytest.approx(2 * chart.scale)


def test_drift_charts_wrap_stage_names_and_read_at_a4(year_report):
    """Stage names wrap whole under their bars (never "2. Agreeing a pl…"), and no text
    in a chart is under 8 pt where the PDF draws it (full text width on A4, unscaled)."""
    from printables.charts import Text
    from printables.report import CHART_WIDTH

    charts = drift_charts(year_report)
    stage_chart = charts["stage_time"]
    words = " ".join(s.text for s in stage_chart.shapes if isinstance(s, Text))
    for stage in year_report["stage_time"]:
        assert f"{stage['stage']}. {stage['name']}" in words
    assert "…" not in words
    labels = [s for s in stage_chart.shapes if isinstance(s, Text) and s.anchor == "middle"]
    slot = (CHART_WIDTH - 46) / len(year_report["stage_time"])
    assert all(len(s.text) * s.size * 0.52 <= slot for s in labels)  # fits under its bar
    bottom = max(s.y for s in stage_chart.shapes if isinstance(s, Text))
    assert bottom <= stage_chart.height  # the chart grew to hold the wrapped names
    assert CHART_WIDTH <= 180 / 25.4 * 72  # A4 less the report's margins: drawn at 100 %
    for chart in charts.values():
        assert min(s.size for s in chart.shapes if isinstance(s, Text)) >= 8
