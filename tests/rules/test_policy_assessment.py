"""The core assessment as the Kent Extended Case File Audit means it
(docs/contract.md §16): warned of before the deadline, open until done, late
completions and late interims kept in the drift report."""

from datetime import date

from tests.helpers.cli import add_by_cli

S47 = "2025-01-06"  # a Monday: 42 working days later is Wednesday 5 March 2025
DEADLINE = "2025-03-05"


def add_with_s47(runner, initials="TWr", s47=S47):
    """A family on stage 1, opened on 2 December 2024, with an s.47 referral on ``s47``."""
    token = add_by_cli(runner, "--team", "Team", initials=initials, stage=1, opened="2024-12-02")
    assert runner("family", "set", token, "--date", s47, "--s47", s47).exit_code == 0
    return token


def core(runner, on):
    return [a for a in runner.json("alerts", "--date", on) if a["rule"] == "core-assessment"]


def test_the_warning_opens_five_working_days_before_the_deadline(runner):
    """ "the assessment should be completed within 42 working days of the referral which
    led to the S.47 enquiries" (§4.1): the warning is open 3 days before the deadline,
    marked due soon, and "the timescale has passed" only after it."""
    token = add_with_s47(runner)
    assert core(runner, "2025-02-25") == []
    [alert] = core(runner, "2025-03-02")  # three days before the deadline
    assert (alert["token"], alert["due"], alert["deadline"]) == (token, "2025-02-26", DEADLINE)
    assert alert["due_soon"] is True and alert["days_late"] == 0
    [alert] = core(runner, DEADLINE)
    assert alert["due_soon"] is True
    [alert] = core(runner, "2025-03-10")
    assert alert["due_soon"] is False and alert["days_late"] == 5


def test_it_stays_open_until_the_assessment_is_done(runner):
    """ "Ensuring Core Assessments are completed within 42 working days" (§10.1): only
    the assessment marked done closes the alert, not a follow-up."""
    token = add_with_s47(runner)
    refused = runner("alerts", "follow-up", token, "core-assessment", "--date", "2025-03-06")
    assert refused.exit_code == 2 and "--assessment-done" in refused.output
    assert len(core(runner, "2025-03-20")) == 1
    assert runner("family", "set", token, "--date", "2025-03-12",
                  "--assessment-done", "2025-03-12").exit_code == 0  # fmt: skip
    assert core(runner, "2025-03-12") == []
    assert len(core(runner, "2025-03-11")) == 1  # still open the day before it was done


def test_done_before_the_s47_date_is_refused(runner, store, team):
    """The assessment follows "the referral which led to the S.47 enquiries": it cannot
    be done before that date."""
    token = add_with_s47(runner)
    refused = runner("family", "set", token, "--date", S47, "--assessment-done", "2025-01-03")
    assert refused.exit_code == 2 and "before the s.47 date" in refused.output
    assert store["families"].get(1)["assessment_done"] is None


def test_late_completion_and_late_interim_are_in_the_drift_report(runner):
    """ "Where this is not possible due to reliance on other agencies' assessments or
    information, an interim Core Assessment should be completed within the 42 days"
    (§10.1): a late completion leaves a trace, and an interim after the deadline is
    marked late."""
    late = add_with_s47(runner, "LAt")
    on_time = add_with_s47(runner, "ONt")
    still = add_with_s47(runner, "STi")
    runner("family", "set", on_time, "--date", "2025-03-05", "--assessment-done", "2025-03-05")
    runner("family", "set", late, "--date", "2025-03-14", "--assessment-done", "2025-03-14")
    made = runner.json("alerts", "interim", still, "--date", "2025-03-07")
    assert made["late"] is True and made["deadline"] == DEADLINE
    [alert] = [a for a in core(runner, "2025-03-10") if a["token"] == still]
    assert alert["interim_late"] is True
    assert "late" in alert["message"]
    report = runner.json("report", "drift", "--date", "2025-03-20")
    found = {c["token"]: c for c in report["core_assessments"]}
    assert set(found) == {late, still}
    assert (found[late]["status"], found[late]["done"]) == ("completed late", "2025-03-14")
    assert (found[late]["days_late"], found[late]["working_days_late"]) == (9, 7)
    assert found[still]["status"] == "open past deadline"
    assert found[still]["days_late"] == (date(2025, 3, 20) - date(2025, 3, 5)).days
    assert found[still]["interim"] == "2025-03-07" and found[still]["interim_late"] is True
    # before the deadline passes, nothing is late
    assert runner.json("report", "drift", "--date", DEADLINE)["core_assessments"] == []


def test_the_drift_page_and_pdf_show_the_section(runner, client_for, tmp_path):
    """The same section on the drift page and in its PDF."""
    token = add_with_s47(runner)
    runner("family", "set", token, "--date", "2025-03-14", "--assessment-done", "2025-03-14")
    page = client_for("manager").get("/reports/drift?date=2025-03-20").get_data(as_text=True)
    assert "Core assessments late or overdue (1)" in page
    out = tmp_path / "drift.pdf"
    made = runner("report", "drift", "--team", "Team", "--date", "2025-03-20", "--out", str(out))
    assert made.exit_code == 0, made.output
    assert out.read_bytes().startswith(b"%PDF")


def test_the_section_for_a_day_is_not_rewritten_by_later_changes(runner, other_team):
    """ "Ensuring Core Assessments are completed within 42 working days" (§10.1), read as
    of the report's day (docs/contract.md §12): closing or transferring a case later
    leaves an assessment already late in the report for that day, and the team that
    stopped holding the case keeps it, late until the day it stopped."""
    closed, moved = add_with_s47(runner, "CLo"), add_with_s47(runner, "MOv")

    def section(on):
        report = runner.json("report", "drift", "--team", "Team", "--date", on)
        return {c["token"]: (c["status"], c["days_late"]) for c in report["core_assessments"]}

    before = section("2025-03-20")
    assert before == {closed: ("open past deadline", 15), moved: ("open past deadline", 15)}
    assert runner("family", "close", closed, "--date", "2025-03-24", "--as", "closed",
                  "--views", "child,family,network", "--scaling", "6").exit_code == 0  # fmt: skip
    assert runner("family", "transfer", moved, "--to-team", other_team["name"],
                  "--date", "2025-03-25").exit_code == 0  # fmt: skip
    assert section("2025-03-20") == before
    late_until = {closed: ("open past deadline", 19), moved: ("open past deadline", 20)}
    assert section("2025-04-30") == late_until
