"""Closing a case as the Kent Case Progression Policy means it (docs/contract.md §16):
the views of the child, family and network, or a reason why one could not be had."""

from tests.helpers.cli import add_by_cli
from tests.helpers.web import text
from webapp.cases.families import get_family_row
from webapp.store.events import family_history


def add_stage_6(runner, initials="TWr"):
    """A family on stage 6 (step down or closure), opened on 6 January 2025."""
    return add_by_cli(runner, initials=initials, stage=6, opened="2025-01-06")


def test_closure_needs_all_three_views_or_a_reason(runner, store, team):
    """ "no case should be identified for closure or Step Down without explicit
    consideration of the views of the child, family and the professional network"
    (§5, §7): `--views network --scaling 0` alone exits 2 and writes nothing."""
    token = add_stage_6(runner)
    row = get_family_row(store, token, team)
    before = len(family_history(store, row["id"]))
    close = ("family", "close", token, "--as", "closed", "--date", "2025-06-02")
    refused = runner(*close, "--views", "network", "--scaling", "0")
    assert refused.exit_code == 2
    assert "child and family views could not be had" in refused.output
    assert "Traceback" not in refused.output
    row = get_family_row(store, token, team)
    assert (row["closed"], len(family_history(store, row["id"]))) == (None, before)
    done = runner(*close, "--views", "network", "--scaling", "0",
                  "--reason", "child too young; parents refused to meet")  # fmt: skip
    assert done.exit_code == 0, done.output
    row = get_family_row(store, token, team)
    assert (row["closed_views"], row["closed_reason"]) == (
        "network",
        "child too young; parents refused to meet",
    )
    other = add_stage_6(runner, "JWr")
    full = runner("family", "close", other, "--as", "stepped-down", "--date", "2025-06-02",
                  "--views", "child,family,network", "--scaling", "8")  # fmt: skip
    assert full.exit_code == 0, full.output


def test_the_dip_sample_shows_the_reason(runner, tmp_path):
    """ "A regular dip sample audit ... considers a sample of closed/Stepped Down cases 3 -
    6 months after closure" (§11): it shows why a view was missing."""
    token = add_stage_6(runner)
    runner("family", "close", token, "--as", "closed", "--date", "2025-06-02", "--views",
           "child,network", "--scaling", "7", "--reason", "family moved abroad")  # fmt: skip
    [case] = runner.json("report", "drift", "--date", "2025-10-01")["dip_sample"]["cases"]
    assert (case["token"], case["views"], case["reason"]) == (
        token,
        "child,network",
        "family moved abroad",
    )
    out = tmp_path / "drift.csv"
    assert runner("report", "drift", "--date", "2025-10-01", "--out", str(out)).exit_code == 0
    assert f"{token},TWr,reason,family moved abroad" in out.read_text()


def test_the_web_close_form_asks_for_the_reason(client_for, store, team, family):
    """The tile page's close form: two views and no reason is refused with the policy's
    words; with a reason the case closes."""
    token = family("MOl")["token"]
    client = client_for("manager")
    page = text(client.get(f"/t/{token}"))
    assert "all three" in page and "required when a view could not be had" in page
    two = {"closed_as": "closed", "views": ["child", "family"], "scaling": "6"}
    refused = client.form(f"/t/{token}/close", two, follow_redirects=True)
    assert "network view" in text(refused)
    assert get_family_row(store, token, team)["closed"] is None
    client.form(f"/t/{token}/close", {**two, "reason": "no professionals involved"})
    assert get_family_row(store, token, team)["closed_reason"] == "no professionals involved"


def test_a_rereferral_to_another_team_stays_in_the_report_for_its_day(runner, other_team):
    """ "Cases that are re-referred or re-opened over this period should be reviewed"
    (Kent Case Progression Policy §11): a closed case referred again to another team is
    in the closing team's report, and reopening it later does not take it out of the
    report for an earlier day (docs/contract.md §12)."""
    old = runner("family", "add", "--team", "Team", "--initials", "REf", "--stage", "2",
                 "--review", "2025-03-03", "--opened", "2025-01-06",
                 "--ref", "CS-1001").output.strip()  # fmt: skip
    assert runner("family", "close", old, "--date", "2025-06-02", "--as", "closed",
                  "--views", "child,family,network", "--scaling", "8").exit_code == 0  # fmt: skip
    made = runner("family", "add", "--team", other_team["name"], "--initials", "REf",
                  "--stage", "1", "--review", "2025-09-01", "--opened", "2025-08-04",
                  "--ref", "CS-1001")  # fmt: skip
    assert made.exit_code == 0, made.output

    def elsewhere(on):
        report = runner.json("report", "drift", "--team", "Team", "--date", on)
        return report["rereferrals_elsewhere"]

    before = elsewhere("2025-09-01")
    keys = ("token", "to_team", "closed", "referred_on", "days_closed")
    found = [tuple(r[k] for k in keys) for r in before]
    assert found == [(old, other_team["name"], "2025-06-02", "2025-08-04", 63)]
    assert runner("family", "reopen", old, "--date", "2025-10-06",
                  "--review", "2025-11-03").exit_code == 0  # fmt: skip
    assert elsewhere("2025-09-01") == before
