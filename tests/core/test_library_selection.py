"""The library functions the pages and the CLI share: choosing tiles and stickers to print,
the team's printer, failed log-ins and recent scans; and the page and the command line
answering an unknown token with the same message."""

from __future__ import annotations

from html import escape

import pytest

from webapp.cases import logins
from webapp.cases.families import close_family, get_family_row
from webapp.cases.sync import previews, records
from webapp.errors import BadInput, NotFound
from webapp.printing import queues
from webapp.printing.board_kit import label_templates, printer_for

# -- tiles ---------------------------------------------------------------------------------


def test_tiles_by_token_keep_their_order_and_all_or_unprinted_follow_the_boards(
    store, team, family
):
    late, early = family("ZZz", stage=4), family("AAa", stage=1)
    chosen = queues.tiles_to_print(store, team, [late["token"].lower(), early["token"]])
    assert [t["token"] for t in chosen] == [late["token"], early["token"]]
    assert [t["initials"] for t in queues.tiles_to_print(store, team, which="all")] == [
        "AAa",
        "ZZz",
    ]
    queues.mark_tiles_printed(store, team, [early["token"]])
    assert [t["token"] for t in queues.tiles_to_print(store, team, which="unprinted")] == [
        late["token"]
    ]


@pytest.mark.parametrize(
    ("tokens", "which", "message"),
    [
        ((), None, "choose tiles"),
        (("TOKEN",), "all", "choose tiles"),
        ((), "some", "choose all or unprinted"),
    ],
)
def test_tile_choice_is_exactly_one_way(store, team, family, tokens, which, message):
    family()
    with pytest.raises(BadInput, match=message):
        queues.tiles_to_print(store, team, tokens, which)


def test_unknown_tile_token_is_not_found_and_names_it(store, team, family):
    known = family()
    with pytest.raises(NotFound, match="NOSUCHTOKEN"):
        queues.tiles_to_print(store, team, [known["token"], "nosuchtoken"])


def test_no_tiles_to_print_is_bad_input(store, team, family):
    with pytest.raises(BadInput, match="no open families"):
        queues.tiles_to_print(store, team, which="all")
    view = family()
    queues.mark_tiles_printed(store, team, [view["token"]])
    with pytest.raises(BadInput, match="every tile is printed"):
        queues.tiles_to_print(store, team, which="unprinted")
    assert queues.open_tiles(store, team, unprinted=True) == []
    assert [r["token"] for r in queues.open_tiles(store, team)] == [view["token"]]


# -- date stickers -------------------------------------------------------------------------


def test_stickers_pending_or_by_token(store, team, family):
    due, later = family("DUe", due=-2), family("LAt", stage=2, due=40)
    queues.mark_stickers_printed(store, team, [later["token"]])
    assert [v["token"] for v in queues.stickers_to_print(store, team, pending=True)] == [
        due["token"]
    ]
    both = queues.stickers_to_print(store, team, [later["token"], due["token"]])
    assert [v["token"] for v in both] == [due["token"], later["token"]]  # board order


def test_sticker_choice_errors(store, team, family):
    view = family()
    with pytest.raises(BadInput, match="choose stickers"):
        queues.stickers_to_print(store, team)
    with pytest.raises(BadInput, match="choose stickers"):
        queues.stickers_to_print(store, team, [view["token"]], pending=True)
    with pytest.raises(NotFound, match="NOSUCHTOKEN"):
        queues.stickers_to_print(store, team, ["NOSUCHTOKEN"])
    queues.mark_stickers_printed(store, team, [view["token"]])
    with pytest.raises(BadInput, match="every sticker is up to date"):
        queues.stickers_to_print(store, team, pending=True)
    close_family(store, get_family_row(store, view["token"]), team)
    with pytest.raises(BadInput, match="closed case"):
        queues.stickers_to_print(store, team, [view["token"]])


# -- the team's printer --------------------------------------------------------------------


def test_printer_settings_for_a_team(team):
    printer = printer_for(team)
    assert printer == {"paper": "A4", "offset_mm": (0.0, 0.0), "template": None}
    assert printer_for(team, "letter", "l7163") == {
        **printer,
        "paper": "Letter",
        "template": "L7163",
    }
    with pytest.raises(BadInput, match="unknown paper"):
        printer_for(team, "A3")
    with pytest.raises(BadInput, match="unknown template 'NOPE'"):
        printer_for(team, template="NOPE")
    templates = label_templates("A4")
    assert "L7163" in {t.name for t in templates["tile"]}
    assert "L7651" in {t.name for t in templates["sticker"]}
    assert all(t.paper == "A4" for kind in templates.values() for t in kind)


# -- failed log-ins ------------------------------------------------------------------------


def test_failed_logins_are_counted_per_name_and_address_within_the_window(store):
    for second in range(3):
        logins.record_login_failure(store, "Mia", "10.0.0.1", 300, now=1000.0 + second)
    limit = {"attempts": 3, "window": 300}
    assert logins.login_retry_after(store, "mia", "10.0.0.1", now=1010.0, **limit) == 290.0
    assert logins.login_retry_after(store, "mia", "10.0.0.2", now=1010.0, **limit) == 0
    assert logins.login_retry_after(store, "sam", "10.0.0.1", now=1010.0, **limit) == 0
    assert logins.login_retry_after(store, "mia", "10.0.0.1", now=1300.5, **limit) == 0
    logins.clear_login_failures(store, "MIA", "10.0.0.1")
    assert logins.login_retry_after(store, "mia", "10.0.0.1", now=1010.0, **limit) == 0


def test_old_failures_are_forgotten_when_a_new_one_is_recorded(store):
    logins.record_login_failure(store, "mia", "10.0.0.1", 300, now=1000.0)
    logins.record_login_failure(store, "sam", "10.0.0.9", 300, now=2000.0)
    assert [r["username"] for r in store["login_failures"].rows] == ["sam"]


# -- recent scans --------------------------------------------------------------------------


def test_recent_scans_newest_first_with_who_sent_them(store, team, other_team, users):
    manager = users["manager"]["id"]
    made = [previews.preview_scan(store, team, {"tiles": []}, manager)["id"] for _ in range(3)]
    previews.preview_scan(store, other_team, {"tiles": []}, manager)
    recent = records.recent_scans(store, team, limit=2)
    assert [s["id"] for s in recent] == made[::-1][:2]
    assert recent[0]["username"] == "manager" and recent[0]["status"] == "preview"


# -- the page and the command line agree -------------------------------------------------


@pytest.mark.parametrize(
    ("command", "url", "select"),
    [
        ("tiles", "/printing/tiles.pdf", queues.tiles_to_print),
        ("stickers", "/printing/stickers.pdf", queues.stickers_to_print),
    ],
)
def test_unknown_token_same_message_on_the_page_and_the_command_line(
    store, team, family, runner, client_for, tmp_path, command, url, select
):
    known = family()
    with pytest.raises(NotFound) as raised:
        select(store, team, [known["token"], "NOSUCHTOKEN"])
    message = str(raised.value)
    assert "NOSUCHTOKEN" in message

    out = tmp_path / "out.pdf"
    args = (command, known["token"], "NOSUCHTOKEN", "--team", team["name"], "--out", str(out))
    result = runner("print", *args)
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"Error: {message}"]
    assert not out.exists()

    page = client_for("manager").get(f"{url}?token={known['token']}&token=NOSUCHTOKEN")
    assert page.status_code == 404
    assert escape(message) in page.get_data(as_text=True)


def test_every_command_closes_the_store_it_opened(runner, monkeypatch):
    from webapp.cli import common

    closed, opened, open_store = [], [], common.open_store

    def open_and_watch(path, *, create=False):
        db = open_store(path, create=create)
        real_close = db.close
        db.close = lambda: (closed.append(path), real_close())
        opened.append(path)
        return db

    monkeypatch.setattr(common, "open_store", open_and_watch)
    assert runner("family", "list").exit_code == 0
    assert runner("print", "tiles", "NOSUCHTOKEN", "--out", "x.pdf").exit_code == 2
    assert len(opened) == 2 and closed == opened
