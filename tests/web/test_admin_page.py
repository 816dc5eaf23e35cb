"""The admin page: families, users and team settings (imports: tests/imports)."""

from __future__ import annotations

import re

import pytest

from webapp.accounts.teams import get_team, team_settings
from webapp.cases.families import get_family_row


def test_only_admins_see_admin(client_for):
    assert client_for("admin").get("/admin/").status_code == 200
    for role in ("manager", "practitioner"):
        assert client_for(role).get("/admin/").status_code == 403
        assert client_for(role).post("/admin/team", data={}).status_code == 403


def test_add_close_and_reopen_a_family(client_for, store):
    client = client_for("admin")
    form = {"initials": "twr", "stage": "3", "review": "2030-01-01", "flags": ["CSE", "MARAC"]}
    client.post("/admin/families", data=form)
    row = next(store["families"].rows)
    assert (row["initials"], row["stage"]) == ("TWr", 3)
    client.post(f"/admin/families/{row['token']}/close")
    assert get_family_row(store, row["token"])["closed"] is None  # no views, no scaling
    close = {
        "closed_as": "closed",
        "views": ["child", "network"],
        "scaling": "8",
        "reason": "family moved abroad",
    }
    client.post(f"/admin/families/{row['token']}/close", data=close)
    assert get_family_row(store, row["token"])["closed"] is not None
    client.post(f"/admin/families/{row['token']}/reopen")  # no review date: refused
    assert get_family_row(store, row["token"])["closed"] is not None
    client.post(f"/admin/families/{row['token']}/reopen", data={"review": "2030-02-01"})
    reopened = get_family_row(store, row["token"])
    assert (reopened["closed"], reopened["stage"], reopened["next_review"]) == (
        None,
        1,
        "2030-02-01",
    )
    bad = client.post("/admin/families", data={**form, "review": "soon"}, follow_redirects=True)
    assert "review must be a real date" in bad.get_data(as_text=True)
    assert store["families"].count == 1


def test_admin_of_another_team_gets_404(client_for, family):
    view = family("TWr")
    assert client_for("outsider").post(f"/admin/families/{view['token']}/close").status_code == 404


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"amber_days": "-1"}, "amber window must be between 0 and 90"),
        ({"amber_days": "two"}, "amber window must be a whole number"),
        ({"base_url": "caseboard.example"}, "base URL must start with http"),
        ({"timezone": "Mars/Olympus"}, "time zone must be a name like Europe/London"),
        ({"marker_base": "580"}, "marker base must be between 0 and 563"),
    ],
)
def test_team_settings_are_validated(client_for, store, change, message):
    form = {"amber_days": "14", "base_url": "", "timezone": "Europe/London", "marker_base": "0"}
    answer = client_for("admin").post("/admin/team", data={**form, **change}, follow_redirects=True)
    assert message in answer.get_data(as_text=True)
    assert get_team(store, "Team")["amber_days"] == 14


def test_team_settings_saved(client_for, store):
    form = {
        "amber_days": "10",
        "base_url": "https://cb.example.org/",
        "timezone": "Europe/London",
        "marker_base": "24",
        "meeting_day": "Tuesday",
    }
    client_for("admin").post("/admin/team", data=form)
    team = get_team(store, "Team")
    assert (team["amber_days"], team["base_url"], team["marker_base"]) == (
        10,
        "https://cb.example.org",
        24,
    )
    assert team_settings(team)["meeting_day"] == "Tuesday"


def test_boards_and_printer(client_for, store):
    client = client_for("admin")
    zones = {
        "amber_x0": "0",
        "amber_y0": "0.8",
        "amber_x1": "0.5",
        "amber_y1": "1",
        "red_x0": "0.5",
        "red_y0": "0.8",
        "red_x1": "1",
        "red_y1": "1",
    }
    board = {"name": "Assessing", "width_mm": "1500", "height_mm": "1000", "marker_mm": "60"}
    client.post("/admin/boards/1", data={**board, **zones})
    row = next(store["boards"].rows_where("stage = 1"))
    assert (row["name"], row["width_mm"]) == ("Assessing", 1500)
    assert '"y0": 0.8' in row["zones"]
    overlap = client.post(
        "/admin/boards/2", data={**board, **zones, "amber_x1": "0.7"}, follow_redirects=True
    )
    assert "must not overlap" in overlap.get_data(as_text=True)
    tiny = client.post("/admin/boards/2", data={**board, "width_mm": "100"}, follow_redirects=True)
    assert "board 2 width (mm) must be between 200 and 5000" in tiny.get_data(as_text=True)
    client.post("/admin/printer", data={"x_offset_mm": "1.5", "y_offset_mm": "-0.5", "paper": "A4"})
    printer = team_settings(get_team(store, "Team"))["printer"]
    assert (printer["x_offset_mm"], printer["y_offset_mm"]) == (1.5, -0.5)
    far = client.post(
        "/admin/printer",
        data={"x_offset_mm": "40", "y_offset_mm": "0", "paper": "A4"},
        follow_redirects=True,
    )
    assert "right shift must be between -10 and 10" in far.get_data(as_text=True)


def test_users_added_deactivated_and_reset(client_for, store, users):
    client = client_for("admin")
    client.post(
        "/admin/users",
        data={"username": "sam", "role": "manager", "password": "long enough for sam"},
    )
    sam = next(store["users"].rows_where("username = 'sam'"))
    assert sam["role"] == "manager" and sam["team_id"] == users["admin"]["team_id"]
    client.post(f"/admin/users/{sam['id']}/active", data={"active": "0"})
    assert store["users"].get(sam["id"])["active"] == 0
    short = client.post(
        f"/admin/users/{sam['id']}/password", data={"password": "short"}, follow_redirects=True
    )
    assert "at least 12 characters" in short.get_data(as_text=True)
    me = client.post(
        f"/admin/users/{users['admin']['id']}/active", data={"active": "0"}, follow_redirects=True
    )
    assert "cannot deactivate yourself" in me.get_data(as_text=True)
    outsider = users["outsider"]["id"]
    assert client.post(f"/admin/users/{outsider}/active", data={"active": "0"}).status_code == 404


def test_forms_need_the_csrf_token(csrf_client, csrf_auth, store):
    client = csrf_client
    assert csrf_auth.login("admin").status_code == 302
    form = {"amber_days": "7", "timezone": "Europe/London", "marker_base": "0"}
    assert client.post("/admin/team", data=form).status_code == 400
    page = client.get("/admin/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/admin/team", data={**form, "csrf_token": token}).status_code == 302
    assert get_team(store, "Team")["amber_days"] == 7


def test_the_admin_page_is_split_into_sections_with_their_own_pages(client_for):
    """The overview holds the deployment checks and a link to each section; each section
    is a page of its own, holding only its forms."""
    client = client_for("admin")
    overview = client.get("/admin/").get_data(as_text=True)
    assert 'id="checks"' in overview and 'id="families"' not in overview
    expected = {
        "families": ("families", "import"),
        "people": ("users", "tokens"),
        "team": ("team", "boards"),
        "printer": ("printer",),
        "camera": ("camera",),
    }
    for page, anchors in expected.items():
        assert f'href="/admin/{page}"' in overview, page
        html = client.get(f"/admin/{page}").get_data(as_text=True)
        ids = set(re.findall(r'<section class="card" id="([\w-]+)"', html))
        assert ids == set(anchors), (page, ids)
        assert 'aria-current="page"' in html
    answer = client.post(
        "/admin/printer", data={"x_offset_mm": "1", "y_offset_mm": "0", "paper": "A4"}
    )
    assert answer.location == "/admin/printer#printer"
