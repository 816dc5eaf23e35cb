"""The printing page offers the board kit and calibration page to managers."""

from __future__ import annotations

from webapp import create_app
from webapp.cases.users import add_user


def test_board_kit_and_calibration_downloads(db_path, db, team):
    manager = add_user(db, "manager", "manager", "correct horse", "Team")
    practitioner = add_user(db, "pat", "practitioner", "correct horse", "Team")
    app = create_app({"DB": db_path, "TESTING": True, "WTF_CSRF_ENABLED": False})

    def client(user):
        c = app.test_client()
        with c.session_transaction() as session:
            session["_user_id"], session["_fresh"] = str(user["id"]), True
        return c

    page = client(manager).get("/printing/").get_data(as_text=True)
    assert "/printing/board-kit.pdf" in page and "/printing/calibration.pdf" in page
    for url in ("/printing/board-kit.pdf", "/printing/calibration.pdf"):
        answer = client(manager).get(url)
        assert answer.status_code == 200 and answer.data.startswith(b"%PDF")
        assert client(practitioner).get(url).status_code == 403
