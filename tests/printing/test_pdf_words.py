"""The agenda PDF keeps every token and code whole and wraps stage names at spaces."""

from __future__ import annotations

from datetime import date

from printables.agenda import write_agenda_pdf
from tests.helpers.printed_pages import pdf_lines

STAGES = {
    1: "Assessment",
    2: "Agreeing a plan and outcomes",
    3: "Building the desire to change",
    5: "Sustaining the change",
}
TOKENS = ["K7M2Q9XH3A", "WWWWWWWWWW", "MMMMMMMMMM", "Q8B4N6T2RZ"]


def item(token: str, stage: int, reason: str) -> dict:
    return {
        "token": token,
        "initials": "WMm",
        "stage": stage,
        "stage_name": STAGES[stage],
        "next_review": "2026-12-15",
        "due": "due in 14 days",
        "status": "amber",
        "worker": "Priya Ramaswamy-Whitfield",
        "summary": "Asked to discuss: the plan is stuck on housing",
        "reason": reason,
    }


def test_agenda_pdf_never_breaks_a_token_and_wraps_stage_names(tmp_path):
    reasons = ["red", "amber", "moved", "new"]
    items = [item(t, s, r) for t, s, r in zip(TOKENS, STAGES, reasons, strict=True)]
    path = tmp_path / "agenda.pdf"
    write_agenda_pdf(items, path, team_name="Team", on=date(2026, 12, 1))
    lines = pdf_lines(path)
    for token in TOKENS:  # the widest letters, at the token's size, fit its column
        assert token in lines, (token, [x for x in lines if token[:4] in x])
    assert lines.count("WMm") == len(TOKENS)  # every code whole on its own line
    words = " ".join(lines)
    for name in STAGES.values():
        assert name in words  # whole: wrapped at spaces, never cut off
    assert "…" not in words
    assert "Tue 15 Dec 2026" in lines  # the one date format, on one line
