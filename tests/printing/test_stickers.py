"""Date-sticker reprints and printed confirmations: nothing leaves a queue until confirmed."""

from __future__ import annotations

from datetime import timedelta

from tests.helpers.printed_pages import page_sizes
from webapp.accounts.teams import team_today
from webapp.cases.families import get_family_row, set_review
from webapp.cases.lifecycle import close_case
from webapp.printing.queues import mark_stickers_printed, pending_stickers
from webapp.store import events
from webapp.values.actor import Actor


def pending_tokens(store, team, today=None):
    return [v["token"] for v in pending_stickers(store, team, today or team_today(team))]


def kinds(store, row):
    return [e["kind"] for e in store["events"].rows_where("family_id = ?", [row["id"]])]


def test_pending_rule_follows_status_and_date(store, team, family):
    today = team_today(team)
    green, amber = family("TWr", due=30), family("ABc", due=5)
    assert pending_tokens(store, team) == [amber["token"], green["token"]]  # board order
    mark_stickers_printed(store, team, [green["token"], amber["token"]], actor=Actor.cli())
    assert pending_tokens(store, team) == []
    row = get_family_row(store, green["token"])
    assert (row["sticker_status"], row["sticker_review"]) == ("green", green["next_review"])
    assert events.STICKER_PRINTED in kinds(store, row)
    # Time passes: 17 days on, the green tile's review is within 14 days -> amber sticker;
    # the amber one is overdue -> red. Same dates, new colours.
    later = today + timedelta(days=17)
    assert sorted(pending_tokens(store, team, later)) == sorted([green["token"], amber["token"]])
    # A new review date needs a new sticker even when the colour stays green.
    set_review(
        store,
        get_family_row(store, green["token"]),
        team,
        today + timedelta(days=60),
        actor=Actor.cli(),
    )
    assert pending_tokens(store, team) == [green["token"]]
    # A closed case is off the boards: no sticker.
    close_case(
        store,
        get_family_row(store, green["token"]),
        team,
        views="child,family,network",
        scaling=5,
        actor=Actor.cli(),
    )
    assert pending_tokens(store, team) == []


def test_cli_prints_pending_and_marks_only_on_confirmation(runner, store, team, family, tmp_path):
    first, second = family("TWr", due=-2), family("ABc", due=40)
    out = tmp_path / "stickers.pdf"
    result = runner("print", "stickers", "--pending", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert [(round(w, 2), round(h, 2)) for w, h in page_sizes(out)] == [(595.28, 841.89)]
    # Printing (or a jammed printer) marks nothing.
    assert sorted(pending_tokens(store, team)) == sorted([first["token"], second["token"]])
    assert get_family_row(store, first["token"])["sticker_printed_at"] is None
    # The admin confirms the sheet came out.
    result = runner("print", "stickers", "--pending", "--mark-printed")
    assert result.exit_code == 0, result.output
    assert "marked 2" in result.output
    assert pending_tokens(store, team) == []
    assert get_family_row(store, first["token"])["sticker_status"] == "red"
    # Nothing pending now: a clear exit 2, and no file written.
    again = tmp_path / "again.pdf"
    result = runner("print", "stickers", "--pending", "--out", str(again))
    assert result.exit_code == 2 and "up to date" in result.output
    assert not again.exists()
    # Named tokens can always be reprinted (a sticker fell off).
    assert runner("print", "stickers", first["token"], "--out", str(again)).exit_code == 0


def test_tiles_unprinted_until_marked(runner, store, family, tmp_path):
    view = family()
    out = tmp_path / "tiles.pdf"
    assert runner("print", "tiles", "--unprinted", "--out", str(out)).exit_code == 0
    assert get_family_row(store, view["token"])["tile_printed_at"] is None
    result = runner("print", "tiles", "--unprinted", "--mark-printed")
    assert result.exit_code == 0, result.output
    row = get_family_row(store, view["token"])
    assert row["tile_printed_at"] is not None
    assert events.TILE_PRINTED in kinds(store, row)
    result = runner("print", "tiles", "--unprinted", "--out", str(tmp_path / "none.pdf"))
    assert result.exit_code == 2 and "no tiles to print" in result.output
    assert runner("print", "tiles", "--all", "--out", str(out)).exit_code == 0
