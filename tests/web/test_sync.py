"""The sync library on scan JSON: preview changes nothing, apply once, in one transaction."""

from __future__ import annotations

import json

import pytest

from webapp.cases.families import get_family_row, set_review
from webapp.errors import BadInput, NotFound
from webapp.scans import applying, previews, records, uploads
from webapp.store import events
from webapp.values.actor import Actor


def tile(fam, code, stage, zone, x=300.0, y=200.0, photo="p1.jpg"):
    token = fam[code]["token"]
    return {"payload": f"http://127.0.0.1:5000/t/{token}", "token": token, "stage": stage,
            "zone": zone, "x_mm": x, "y_mm": y, "photo": photo}  # fmt: skip


@pytest.fixture
def scan(fam):
    """Board 1 photographed: TWr (amber) and AKh (red) in main, MOl fine, JBa moved from 2."""
    return {
        "tiles": [
            tile(fam, "TWr", 1, "main"),
            tile(fam, "AKh", 1, "main", 500),
            tile(fam, "MOl", 1, "main", 700),
            tile(fam, "JBa", 1, "main", 900),
        ],
        "boards": [{"stage": 1, "photo": "p1.jpg", "markers": 4}],
        "unknown": ["https://example.org/poster"],
    }


@pytest.fixture
def manager(users):
    return users["manager"]["id"]


def snapshot(store):
    return (
        [tuple(r.values()) for r in store.query("select * from families order by id")],
        store["events"].count,
    )


def test_preview_finds_moves_wrong_sections_missing_and_unknown(store, team, fam, scan, manager):
    before = snapshot(store)
    preview = previews.preview_scan(store, team, scan, actor=Actor.web(manager))
    assert snapshot(store) == before  # the preview changes nothing
    assert [(m["initials"], m["from"], m["to"]) for m in preview["moves"]] == [("JBa", 2, 1)]
    wrong = {w["initials"]: (w["zone"], w["expected_zone"]) for w in preview["wrong_zone"]}
    assert wrong == {"TWr": ("main", "amber"), "AKh": ("main", "red")}
    assert [m["initials"] for m in preview["missing"]] == ["RSm"]
    assert preview["unknown"] == [
        {"text": "https://example.org/poster", "reason": "not a tile code"}
    ]
    assert preview["status"] == "preview"


def test_other_teams_tiles_are_unknown_not_revealed(store, team, other_family, scan, manager):
    scan["tiles"].append({"payload": f"http://x/t/{other_family['token']}", "stage": 1,
                          "zone": "red", "x_mm": 1.0, "y_mm": 1.0})  # fmt: skip
    preview = previews.preview_scan(store, team, scan, actor=Actor.web(manager))
    assert {
        "text": f"http://x/t/{other_family['token']}",
        "reason": "not one of this team's tiles",
    } in preview["unknown"]


def test_apply_writes_places_moves_and_events_once(store, team, fam, scan, manager):
    preview = previews.preview_scan(store, team, scan, actor=Actor.web(manager))
    summary = applying.apply_scan(store, team, preview["id"], actor=Actor.web(manager))
    assert summary["applied"] and [m["token"] for m in summary["moved"]] == [fam["JBa"]["token"]]
    jba = get_family_row(store, fam["JBa"]["token"], team)
    assert (jba["stage"], jba["last_stage"], jba["last_zone"]) == (1, 1, "main")
    assert jba["last_x_mm"] == 900.0 and jba["last_seen_at"] == preview["created_at"]
    kinds = [e["kind"] for e in events.family_history(store, jba["id"])]
    assert kinds[:2] in (["zone_seen", "stage_moved"], ["stage_moved", "zone_seen"])
    after = snapshot(store)
    again = applying.apply_scan(store, team, preview["id"], actor=Actor.web(manager))
    assert not again["applied"] and "already applied" in again["note"]
    assert snapshot(store) == after
    assert records.get_scan(store, team, preview["id"])["status"] == "applied"


def test_the_same_scan_uploaded_again_changes_nothing(store, team, scan, manager):
    meta = [{"name": "a.jpg", "sha256": "ab" * 32, "bytes": 10}]
    first = previews.preview_scan(store, team, scan, photos_meta=meta, actor=Actor.web(manager))
    applying.apply_scan(store, team, first["id"], actor=Actor.web(manager))
    after = snapshot(store)
    renamed = [{**meta[0], "name": "IMG_0001.jpg"}]
    second = previews.preview_scan(store, team, scan, photos_meta=renamed, actor=Actor.web(manager))
    assert second["already_applied"] == first["id"] and second["moves"] == []
    summary = applying.apply_scan(store, team, second["id"], actor=Actor.web(manager))
    assert "nothing to change" in summary["note"]
    assert snapshot(store) == after


def test_a_new_photo_of_an_unchanged_wall_adds_no_events(store, team, scan, manager):
    applying.apply_scan(
        store,
        team,
        previews.preview_scan(store, team, scan, actor=Actor.web(manager))["id"],
        actor=Actor.web(manager),
    )
    count = store["events"].count
    scan["unknown"] = ["another poster"]  # a different photo, same tiles in the same places
    summary = applying.apply_scan(
        store,
        team,
        previews.preview_scan(store, team, scan, actor=Actor.web(manager))["id"],
        actor=Actor.web(manager),
    )
    assert summary["applied"] and summary["moved"] == [] and summary["placed"] == []
    assert store["events"].count == count


def test_apply_respects_changes_made_since_the_preview(store, team, fam, scan, manager):
    preview = previews.preview_scan(store, team, scan, actor=Actor.web(manager))
    row = get_family_row(store, fam["TWr"]["token"], team)
    set_review(store, row, team, "2040-01-01", actor=Actor.cli())
    applying.apply_scan(store, team, preview["id"], actor=Actor.web(manager))
    assert get_family_row(store, fam["TWr"]["token"], team)["next_review"] == "2040-01-01"


def test_an_older_preview_does_not_overwrite_a_newer_sighting(store, team, fam, scan, manager):
    old = previews.preview_scan(store, team, scan, actor=Actor.web(manager))
    store["scans"].update(old["id"], {"created_at": "2000-01-01T00:00:00+00:00"})
    newer = json.loads(json.dumps(scan))
    newer["tiles"][0]["zone"] = "amber"
    applying.apply_scan(
        store,
        team,
        previews.preview_scan(store, team, newer, actor=Actor.web(manager))["id"],
        actor=Actor.web(manager),
    )
    summary = applying.apply_scan(store, team, old["id"], actor=Actor.web(manager))
    assert "newer photo" in summary["note"]
    assert get_family_row(store, fam["TWr"]["token"], team)["last_zone"] == "amber"


def test_a_failure_halfway_through_apply_leaves_the_store_untouched(
    store, team, scan, manager, monkeypatch
):
    preview = previews.preview_scan(store, team, scan, actor=Actor.web(manager))
    before = snapshot(store)
    calls = []

    def flaky(*args, **kwargs):
        calls.append(args)
        if len(calls) == 3:
            raise RuntimeError("disk unplugged")
        return real(*args, **kwargs)

    real = events.record_event
    monkeypatch.setattr(events, "record_event", flaky)
    with pytest.raises(RuntimeError):
        applying.apply_scan(store, team, preview["id"], actor=Actor.web(manager))
    assert snapshot(store) == before
    assert records.get_scan(store, team, preview["id"])["status"] == "preview"
    monkeypatch.setattr(events, "record_event", real)
    assert applying.apply_scan(store, team, preview["id"], actor=Actor.web(manager))["applied"]


def test_duplicates_unplaced_and_closed_tiles_are_reported(store, team, fam, scan, manager):
    scan["tiles"][0].update(stage=None, zone=None, x_mm=None, y_mm=None, duplicate=True)
    scan["duplicates"] = [{"token": fam["TWr"]["token"], "places": [{"stage": 1}, {"stage": 2}]}]
    scan["tiles"][1].update(zone=None)
    preview = previews.preview_scan(store, team, scan, actor=Actor.web(manager))
    assert [d["initials"] for d in preview["duplicates"]] == ["TWr"]
    assert [u["initials"] for u in preview["unplaced"]] == ["AKh"]
    assert "TWr" not in [m["initials"] for m in preview["missing"]]


def test_scans_are_team_scoped(store, team, scan, manager):
    from webapp.accounts.teams import ensure_team

    preview = previews.preview_scan(store, team, scan, actor=Actor.web(manager))
    with pytest.raises(NotFound):
        records.get_scan(store, ensure_team(store, "Elsewhere"), preview["id"])
    with pytest.raises(NotFound):
        applying.apply_scan(
            store, ensure_team(store, "Elsewhere"), preview["id"], actor=Actor.web(manager)
        )


@pytest.mark.parametrize(
    "bad, message",
    [
        ([], "JSON object"),
        ({"tiles": "x"}, "tiles"),
        ({"tiles": [{"payload": "u", "stage": 9}]}, "stage must be 1 to 6"),
        ({"tiles": [{"payload": "u", "zone": "blue"}]}, "zone must be"),
        ({"tiles": [{"stage": 1}]}, "payload or a token"),
        ({"tiles": [], "boards": [{"stage": 0}]}, "boards"),
        ({"tiles": [], "unknown": [1]}, "unknown"),
    ],
)
def test_malformed_scan_json_is_bad_input(store, team, manager, bad, message):
    with pytest.raises(BadInput, match=message):
        previews.preview_scan(store, team, bad, actor=Actor.web(manager))


def test_expected_hints_list_each_boards_tokens(store, team, fam):
    hints = uploads.expected_hints(store, team)
    assert set(hints[1]) == {fam[c]["token"] for c in ("TWr", "AKh", "MOl", "RSm")}
    assert hints[2] == [fam["JBa"]["token"]] and hints[4] == [fam["ENg"]["token"]]


def test_photo_size_check_refuses_huge_images(tmp_path):
    from io import BytesIO

    from PIL import Image

    buf = BytesIO()
    Image.new("1", (10000, 6000)).save(buf, "PNG")
    with pytest.raises(BadInput, match="60 MP"):
        uploads.check_photo_size("bomb.png", buf.getvalue())
    with pytest.raises(BadInput, match="empty"):
        uploads.check_photo_size("empty.jpg", b"")
    uploads.check_photo_size("not-an-image.txt", b"hello")  # left for the scanner to name
