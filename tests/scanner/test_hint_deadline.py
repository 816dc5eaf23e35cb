"""The hint search (windows over a board while expected tokens are missing) stops at the
photo's deadline, so a hint for a tile that is not there cannot make a scan slow."""

import pytest

import scanner.scan as scan_module
from scanner import decode, scan_photos

ABSENT = "ZZZZZZZZZZ"  # a well-formed token that is on no tile


@pytest.fixture
def windows(monkeypatch) -> list:
    """Every board window the scanner rectifies, in any pass."""
    calls = []
    real = decode.warp_board_window

    def counting(*args, **kwargs):
        calls.append(args[2:6])
        return real(*args, **kwargs)

    monkeypatch.setattr(decode, "warp_board_window", counting)
    return calls


def scan_count(photo, windows, hints) -> tuple[int, set[str]]:
    windows.clear()
    result = scan_photos([photo.image], hints=hints).to_json()
    return len(windows), {t["token"] for t in result["tiles"]}


def test_hint_search_stops_at_the_deadline(monkeypatch, windows, plain_photo):
    truth = {t.token for t in plain_photo.visible}
    unhinted, found = scan_count(plain_photo, windows, None)
    assert truth <= found
    hinted, found = scan_count(plain_photo, windows, {4: [ABSENT]})
    assert hinted > unhinted, "a hinted token was missing, so the board was searched"
    assert truth <= found

    monkeypatch.setattr(scan_module, "HINT_DEADLINE_S", 0.0)
    cut_short, found = scan_count(plain_photo, windows, {4: [ABSENT]})
    assert cut_short == unhinted, "past the deadline the hint search adds no window"
    assert truth <= found
