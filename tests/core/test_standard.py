"""The physical standard (docs/contract.md §1): marker ids, board corners and zones."""

import pytest

from tilegen import payload
from tilegen.standard import STAGES, BoardGeometry, marker_id, marker_role


def test_six_stages_in_order():
    assert list(STAGES) == [1, 2, 3, 4, 5, 6]
    assert STAGES[1] == "Assessment"
    assert STAGES[6] == "Closing / transferring"


def test_marker_ids_follow_the_formula():
    assert [marker_id(1, c) for c in range(4)] == [0, 1, 2, 3]
    assert marker_id(6, 3) == 23
    assert marker_id(2, 1, base=100) == 100 + 4 + 1
    for stage in STAGES:
        for corner in range(4):
            assert marker_role(marker_id(stage, corner, 40), 40) == (stage, corner)
    assert marker_role(24) is None
    assert marker_role(3, base=10) is None
    with pytest.raises(ValueError):
        marker_id(7, 0)


def test_marker_outer_corners_are_the_board_corners():
    board = BoardGeometry(1)
    assert board.marker_corners_mm(0)[0] == (0, 0)
    assert board.marker_corners_mm(1)[1] == (1200, 0)
    assert board.marker_corners_mm(2)[2] == (1200, 900)
    assert board.marker_corners_mm(3)[3] == (0, 900)
    assert board.marker_corners_mm(2)[0] == (1140, 840)


@pytest.mark.parametrize(
    ("x", "y", "zone"),
    [
        (600, 100, "main"),
        (599.9, 674.9, "main"),
        (600, 675, "red"),
        (599.9, 675, "amber"),
        (0, 900, "amber"),
        (1200, 900, "red"),
        (1201, 500, None),
        (-1, 500, None),
    ],
)
def test_default_zones(x, y, zone):
    assert BoardGeometry(1).zone_at(x, y) == zone


def test_tokens_are_long_unambiguous_and_unique():
    tokens = {payload.new_token() for _ in range(2000)}
    assert len(tokens) == 2000
    assert payload.TOKEN_BITS >= 40
    for token in tokens:
        assert payload.is_token(token)
        assert not set(token) & set("ILOU")


def test_payload_round_trip_and_rejections():
    token = payload.new_token()
    url = payload.tile_url("https://cb.example.org/", token)
    assert url == f"https://cb.example.org/t/{token}"
    assert payload.parse_tile_url(url) == token
    assert payload.parse_tile_url(url.upper()) == token
    assert payload.parse_tile_url(url, base_url="https://cb.example.org") == token
    assert payload.parse_tile_url(url, base_url="https://other.example.org") is None
    assert payload.parse_tile_url("https://example.org/t/short") is None
    assert payload.parse_tile_url("hello world") is None
