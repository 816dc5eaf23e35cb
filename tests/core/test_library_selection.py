"""The library functions the pages and the CLI share: choosing tiles and stickers to print,
the team's printer, failed log-ins, recent scans, the team's workers and users, moving a
stage with its review date; and the pages and the command line answering an unknown token
with the same message."""

from __future__ import annotations

import json
from html import unescape

import pytest

from tilegen.payload import new_token
from webapp.accounts import logins
from webapp.accounts.teams import team_count
from webapp.accounts.users import team_users
from webapp.cases import families
from webapp.cases.families import (
    add_family,
    get_family_row,
    move_stage,
    team_workers,
)
from webapp.cases.lifecycle import close_case
from webapp.errors import BadInput, NotFound
from webapp.printing import queues
from webapp.printing.team_kit import label_templates, printer_for
from webapp.scans import previews, records
from webapp.store.events import family_history
from webapp.values.actor import Actor

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
    queues.mark_tiles_printed(store, team, [early["token"]], actor=Actor.cli())
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
    queues.mark_tiles_printed(store, team, [view["token"]], actor=Actor.cli())
    with pytest.raises(BadInput, match="every tile is printed"):
        queues.tiles_to_print(store, team, which="unprinted")
    assert queues.open_tiles(store, team, unprinted=True) == []
    assert [r["token"] for r in queues.open_tiles(store, team)] == [view["token"]]


# -- date stickers -------------------------------------------------------------------------


def test_stickers_pending_or_by_token(store, team, family):
    due, later = family("DUe", due=-2), family("LAt", stage=2, due=40)
    queues.mark_stickers_printed(store, team, [later["token"]], actor=Actor.cli())
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
    queues.mark_stickers_printed(store, team, [view["token"]], actor=Actor.cli())
    with pytest.raises(BadInput, match="every sticker is up to date"):
        queues.stickers_to_print(store, team, pending=True)
    close_case(
        store,
        get_family_row(store, view["token"]),
        team,
        views="child,family,network",
        scaling=5,
        actor=Actor.cli(),
    )
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
    limits = logins.Limits(window=300, pair=3)
    for second in range(3):
        assert logins.reserve_attempt(store, "Mia", "10.0.0.1", limits, now=1000.0 + second).place
    assert logins.reserve_attempt(store, "mia", "10.0.0.1", limits, now=1010.0).wait == 290.0
    assert logins.reserve_attempt(store, "mia", "10.0.0.2", limits, now=1011.0).wait == 0
    assert logins.reserve_attempt(store, "sam", "10.0.0.1", limits, now=1012.0).wait == 0
    assert logins.reserve_attempt(store, "mia", "10.0.0.1", limits, now=1300.5).wait == 0


def test_old_failures_are_forgotten_when_a_new_attempt_comes(store):
    limits = logins.Limits(window=300)
    logins.reserve_attempt(store, "mia", "10.0.0.1", limits, now=1000.0)
    logins.reserve_attempt(store, "sam", "10.0.0.9", limits, now=2000.0)
    assert [r["username"] for r in store["login_failures"].rows] == ["sam"]


# -- recent scans --------------------------------------------------------------------------


def test_recent_scans_newest_first_with_who_sent_them(store, team, other_team, users):
    manager = users["manager"]["id"]
    made = [
        previews.preview_scan(store, team, {"tiles": []}, actor=Actor.web(manager))["id"]
        for _ in range(3)
    ]
    previews.preview_scan(store, other_team, {"tiles": []}, actor=Actor.web(manager))
    recent = records.recent_scans(store, team, limit=2)
    assert [s["id"] for s in recent] == made[::-1][:2]
    assert recent[0]["username"] == "manager" and recent[0]["status"] == "preview"


# -- what the pages and the commands read and change ---------------------------------------


def test_the_teams_workers_users_and_how_many_teams(store, team, other_team, users, family):
    for initials, worker in (("AAa", "Sam"), ("BBb", "Jo"), ("CCc", "Sam"), ("DDd", None)):
        family(initials, worker=worker)
    gone = family("EEe", worker="Old")
    close_case(
        store,
        get_family_row(store, gone["token"]),
        team,
        views="child,family,network",
        scaling=5,
        actor=Actor.cli(),
    )
    add_family(
        store,
        other_team,
        initials="ZZz",
        stage=1,
        review="2030-01-01",
        worker="Zed",
        actor=Actor.cli(),
    )
    assert team_workers(store, team) == ["Jo", "Sam"]  # open families only, this team only
    assert [u["username"] for u in team_users(store, team)] == ["admin", "manager", "practitioner"]
    assert team_count(store) == 2


def test_moving_the_stage_with_its_review_date_is_both_or_neither(store, team, family, monkeypatch):
    token = family("MOl", stage=1, due=40)["token"]
    row = get_family_row(store, token)
    with pytest.raises(BadInput, match="review must be a real date"):
        move_stage(store, row, team, 4, review="2031-02-30", actor=Actor.cli())

    def broken_review(*args, **kwargs):
        raise RuntimeError("the disk is full")

    with monkeypatch.context() as patch:  # the review fails after the stage has moved
        patch.setattr(families, "set_review", broken_review)
        with pytest.raises(RuntimeError):
            move_stage(store, row, team, 4, review="2031-02-03", actor=Actor.cli())
    assert get_family_row(store, token) == row
    assert [e["kind"] for e in family_history(store, row["id"])] == ["created"]

    moved = move_stage(store, row, team, 4, review="2031-02-03", actor=Actor.cli())
    assert (moved["stage"], moved["next_review"]) == (4, "2031-02-03")
    kinds = [e["kind"] for e in family_history(store, row["id"])]
    assert kinds == ["review_set", "stage_moved", "created"]
    assert (
        move_stage(store, moved, team, 4, actor=Actor.cli())["updated_at"] == moved["updated_at"]
    )  # no change


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
    assert page.status_code == 404  # the page names the same token, in a page's words
    words = "No tile with the code NOSUCHTOKEN is on your team's boards."
    assert words in unescape(page.get_data(as_text=True))


def test_an_unknown_token_reads_the_same_everywhere_and_another_teams_like_a_made_up_one(
    store, team, other_team, family, runner, client_for, api_tokens, tmp_path
):
    """The tile page, a form, the API, `family close` and `print tiles` answer an unknown
    token with one sentence; another team's token gets exactly that answer too."""
    ours = family()["token"]
    theirs = add_family(
        store, other_team, initials="ZZz", stage=1, review="2030-01-01", actor=Actor.cli()
    )["token"]
    made_up = new_token({ours, theirs})
    client = client_for("manager")
    api = {"Authorization": f"Bearer {api_tokens['manager']}"}

    def answers(token: str) -> dict:
        """Every answer to ``token``, with the token itself written as <TOKEN>."""
        tile = client.get(f"/t/{token}")
        form = client.form("/alerts/follow-up", {"token": token, "key": "s31-sm"})
        api_answer = client.get(f"/api/tiles/{token}", headers=api)
        out = tmp_path / "tiles.pdf"
        printed = runner("print", "tiles", token, "--team", team["name"], "--out", str(out))
        assert not out.exists()
        found = {
            "tile page": (tile.status_code, error_card(tile)),
            "form": (form.status_code, error_card(form)),
            "api": (api_answer.status_code, api_answer.json),
            "print tiles": (printed.exit_code, printed.output),
        }
        return json.loads(json.dumps(found).replace(token, "<TOKEN>"))

    sentence = "no family with token <TOKEN>"
    made_up_answers = answers(made_up)
    (tile_status, tile_card), (form_status, form_card) = (
        made_up_answers["tile page"],
        made_up_answers["form"],
    )
    assert tile_status == form_status == 404
    assert "We can't find that tile" in tile_card and "We can't find that page" in form_card
    page_sentence = "No tile with the code <TOKEN> is on your team's boards."
    for card in (tile_card, form_card):  # a page speaks of tiles, not the store's families
        assert f'<p class="flash flash-error">{page_sentence}</p>' in card
        assert "no family with token" not in card
    assert made_up_answers["api"] == [404, {"error": sentence}]
    assert made_up_answers["print tiles"] == [2, f"Error: {sentence}\n"]  # exit 2, one line
    # another team's token: not one character of any answer differs
    assert answers(theirs) == made_up_answers
    assert "Elsewhere" not in json.dumps(made_up_answers)

    closed = runner("family", "reopen", made_up)  # the command line spans every team
    assert (closed.exit_code, closed.output) == (2, f"Error: no family with token {made_up}\n")
    typed = runner("family", "reopen", f" {made_up.lower()} ")
    assert typed.output == closed.output
    # a path that cannot even be a token gets the same sentence on the tile page
    odd = client.get("/t/not-a-token")
    assert odd.status_code == 404
    assert "No tile with the code NOT-A-TOKEN is on your team's boards." in error_card(odd)


def error_card(response) -> str:
    """The error page's card, unescaped (the navigation around it is on every page)."""
    page = unescape(response.get_data(as_text=True))
    start = page.index('<section class="card error-page"')
    return page[start : page.index("</section>", start)]


def test_every_command_closes_the_store_it_opened(runner, monkeypatch):
    from webapp.store import connection

    closed, opened, open_store = [], [], connection.open_store

    def open_and_watch(path, *, create=False):
        db = open_store(path, create=create)
        real_close = db.close
        db.close = lambda: (closed.append(path), real_close())
        opened.append(path)
        return db

    monkeypatch.setattr(connection, "open_store", open_and_watch)
    assert runner("family", "list").exit_code == 0
    assert runner("print", "tiles", "NOSUCHTOKEN", "--out", "x.pdf").exit_code == 2
    assert len(opened) == 2 and closed == opened
