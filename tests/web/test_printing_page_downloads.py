"""The printing page offers the board kit and calibration page to managers."""

from __future__ import annotations


def test_board_kit_and_calibration_downloads(client_for):
    manager, practitioner = client_for("manager"), client_for("practitioner")
    page = manager.get("/printing/").get_data(as_text=True)
    assert "/printing/board-kit.pdf" in page and "/printing/calibration.pdf" in page
    for url in ("/printing/board-kit.pdf", "/printing/calibration.pdf"):
        answer = manager.get(url)
        assert answer.status_code == 200 and answer.data.startswith(b"%PDF")
        assert practitioner.get(url).status_code == 403
