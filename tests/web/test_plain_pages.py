"""Plain words on the pages: one date format in the team's zone, board codes rather than
tokens, rules as sentences, zones in percent, printing defaults that match the command
line, and an error summary tied to the field."""

from __future__ import annotations

import html
import json
from datetime import datetime

from tests.helpers.web import flatten, text
from webapp.web import dates
from webapp.web.words import rule_sentence


def test_dates_are_one_format_and_times_are_in_london(app):
    with app.test_request_context():
        assert dates.longdate("2026-12-15") == "Tue 15 Dec 2026"
        assert dates.longdate(None) == "no date"
        assert dates.longdate("2026-02-30") == "2026-02-30"  # no date: shown as typed
        # a stored UTC moment, in summer (BST) and in winter (GMT)
        assert dates.when("2026-07-01T23:30:00+00:00") == "Thu 2 Jul 2026, 00:30"
        assert dates.when("2026-12-01T23:30:00+00:00") == "Tue 1 Dec 2026, 23:30"
        assert dates.longdate(datetime.fromisoformat("2026-07-01T23:30:00+00:00")) == (
            "Thu 2 Jul 2026"
        )
        assert dates.isodate("2026-07-01T23:30:00+00:00") == "2026-07-02"


def test_no_page_says_utc_and_the_audit_log_uses_words_and_codes(client_for, family):
    view = family("TWr", stage=1, due=9)
    client_for("manager").get(f"/t/{view['token']}")
    page = text(client_for("admin").get("/audit"))
    words = flatten(page)
    assert "UTC" not in words and "tile.view" not in words
    assert "Opened a tile page TWr" in words
    assert view["token"] not in words  # the token only in the link behind the code


def test_rules_are_sentences_without_internal_names(client_for):
    page = html.unescape(flatten(text(client_for("manager").get("/rules"))))
    assert "A 16.4 case: alert the service manager at 20 weeks, then every 5 weeks." in page
    assert "First alert after (weeks)" in page and "Then every (weeks)" in page
    for internal in ("first_weeks", "every_weeks", "case_type", "review_interval"):
        assert internal not in page
    assert rule_sentence({"kind": "something_new", "params": {"max_days": 3}}) == (
        "Something new: max days: 3."
    )


def test_zones_are_set_in_percent_beside_a_picture(client_for, store):
    client = client_for("admin")
    page = text(client.get("/admin/team"))
    assert 'name="amber_x0_pct"' in page and "x0" not in flatten(page)
    assert '<svg class="board-picture"' in page
    form = {"name": "Assessing", "width_mm": "1500", "height_mm": "1000", "marker_mm": "60"}
    zones = {"amber_x0_pct": "0", "amber_y0_pct": "80", "amber_x1_pct": "50",
             "amber_y1_pct": "100", "red_x0_pct": "50", "red_y0_pct": "80",
             "red_x1_pct": "100", "red_y1_pct": "100"}  # fmt: skip
    client.form("/admin/boards/1", {**form, **zones})
    stored = json.loads(next(store["boards"].rows_where("stage = 1"))["zones"])
    assert {z["name"]: (z["x1"], z["y0"]) for z in stored} == {
        "amber": (0.5, 0.8),
        "red": (1.0, 0.8),
    }
    bad = client.form("/admin/boards/1", {**form, **zones, "red_x1_pct": "120"},
                      follow_redirects=True)  # fmt: skip
    assert "the red zone's right edge (%)" in html.unescape(text(bad))


def test_printing_defaults_match_the_cli_and_an_empty_choice_is_disabled(client_for, family):
    client = client_for("manager")
    tokens = [family("TWr", stage=1, due=9)["token"], family("ABc", stage=2)["token"]]
    page = text(client.get("/printing/"))
    assert '<option value="L7651" selected>' in page  # date stickers, as the CLI
    assert '<option value="L7163" selected>' in page  # tiles, as the CLI
    assert 'value="unprinted" selected>Not yet printed (2)' in page
    assert "TWr" in page and tokens[0] not in flatten(page)  # codes, not tokens
    client.form("/printing/tiles/confirm", {"token": tokens})
    page = text(client.get("/printing/"))  # every tile printed: nothing to choose there
    assert 'value="unprinted" disabled>Not yet printed (0): every open family' in page
    assert 'value="all" selected>All open families (2)' in page


def test_a_refused_date_is_summarised_and_shown_at_its_field(client_for, family):
    view = family("TWr", stage=1, due=9)
    client = client_for("manager")
    url = f"/t/{view['token']}"
    form = {"review-day": "31", "review-month": "2", "review-year": "2027"}
    page = text(client.form(f"{url}/review", form, follow_redirects=True))
    assert 'class="error-summary"' in page and "There is a problem" in page
    assert '<a href="#review">' in page
    assert 'id="review-error"' in page and 'aria-describedby="review-hint review-error"' in page
    good = {"review-day": "3", "review-month": "2", "review-year": "2031"}
    page = text(client.form(f"{url}/review", good, follow_redirects=True))
    assert "Next review date set to Mon 3 Feb 2031." in page
    assert 'id="next-review"' in page and "Mon 3 Feb 2031</span>" in page
