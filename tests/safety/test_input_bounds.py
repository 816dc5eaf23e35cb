"""Every bad input of the attack report gets a 4xx or exit 2 with a clear message, and
nothing changes: ids past 2^63, dates outside 2000-2100, rule parameters out of range,
over-long text, markup in PDF text, odd images, CR/LF in ``next``."""

from __future__ import annotations

import io
import struct
import zlib

import pypdfium2 as pdfium
import pytest
from PIL import Image

from tests.helpers.web import bearer

BIG = 2**63


def snapshot(store) -> dict:
    """What a refused input must leave as it was."""
    tables = ("families", "events", "review_rules", "scans", "qa_audits", "users", "flags")
    counts = {t: store[t].count for t in tables}
    counts["rows"] = [tuple(r.values()) for r in store["families"].rows]
    counts["rules"] = [r["params"] for r in store["review_rules"].rows]
    return counts


def png_header(width: int, height: int, depth: int = 8, colour: int = 2) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` (its pixel data is a stub): the
    checks must refuse it from the header, before decoding anything."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("L", (width, height), 255).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def seeded(store, team, family, users):
    made = family("TWr", stage=2, due=20, worker="Sam")
    from webapp.rules.team_rules import team_rules

    team_rules(store, team)  # seed the rules
    return made


@pytest.mark.parametrize(
    "url",
    [
        "/agenda?date=9999-12-31",
        "/agenda?date=0001-01-01",
        "/agenda.pdf?date=9999-12-31",
        "/agenda/print?date=0001-01-01",
        "/supervision?month=9999-12",
        "/supervision?date=9999-12-31",
        "/supervision?date=0001-01-01",
        "/supervision?month=0001-01",
        "/reports/drift?date=9999-12-31",
        "/reports/drift?date=0001-01-01",
        "/reports/drift.pdf?date=9999-12-31",
        "/reports/drift.csv?date=0001-01-01",
        "/alerts?date=9999-12-31",
        f"/audit?before={BIG}",
    ],
)
def test_dates_and_numbers_out_of_range_in_the_address_are_400(client_for, seeded, url):
    response = client_for("admin").get(url)
    assert response.status_code == 400, url
    assert "must be" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "method, url",
    [
        ("get", f"/scans/{BIG}"),
        ("get", f"/api/scans/{BIG}"),
        ("post", f"/api/scans/{BIG}/apply"),
        ("post", f"/admin/users/{BIG}/active"),
        ("post", f"/admin/users/{BIG}/password"),
        ("post", f"/admin/tokens/{BIG}/revoke"),
        ("post", f"/clinic/bookings/{BIG}/actions"),
        ("post", f"/clinic/actions/{BIG}/done"),
        ("post", f"/supervision/discussions/{BIG}/recorded"),
    ],
)
def test_ids_of_2_63_or_more_are_404_and_change_nothing(client_for, seeded, store, api_tokens,
                                                        method, url):  # fmt: skip
    before = snapshot(store)
    client = client_for("admin")
    response = getattr(client, method)(url, headers=bearer(api_tokens, "admin"), data={})
    assert response.status_code == 404, url
    assert snapshot(store) == before


@pytest.mark.parametrize(
    "args",
    [
        ("clinic", "action", str(BIG), "--text", "x", "--owner", "y", "--due", "2030-01-01"),
        ("clinic", "done", str(BIG)),
        ("discussion", "recorded", str(BIG)),
        ("token", "revoke", str(BIG)),
        ("agenda", "--date", "9999-12-31", "--json"),
        ("alerts", "--date", "0001-01-01", "--json"),
        ("supervision", "--month", "9999-12", "--json"),
        ("report", "drift", "--date", "0001-01-01", "--json"),
        ("family", "add", "--initials", "ABc", "--stage", "1", "--review", "9999-12-31"),
        ("family", "add", "--initials", "ABc", "--stage", "1", "--review", "0001-01-01"),
        (
            "family",
            "add",
            "--initials",
            "ABc",
            "--stage",
            "1",
            "--review",
            "2030-01-01",
            "--worker",
            "W" * 1_000_000,
        ),
        (
            "family",
            "add",
            "--initials",
            "ABc",
            "--stage",
            "1",
            "--review",
            "2030-01-01",
            "--ref",
            "R" * 41,
        ),
        ("rules", "set", "s31-sm", "first_weeks=10000000000000000000000000"),
        ("rules", "set", "review-1", "days=0"),
        ("rules", "set", "dip-sample", "size=-1"),
        ("audit", "add", "--auditor", "A" * 81),
        ("discussion", "add", "TOKEN", "--kind", "one-to-one", "--note", "N" * 501),
    ],
)
def test_the_command_line_exits_2_with_one_line_and_changes_nothing(runner, seeded, store, args):
    args = tuple(seeded["token"] if a == "TOKEN" else a for a in args)
    before = snapshot(store)
    result = runner(*args)
    assert result.exit_code == 2, (args[:3], result.output[-300:])
    message = result.output.strip().splitlines()
    assert len(message) == 1 and message[0].startswith("Error: ") and len(message[0]) < 300
    assert snapshot(store) == before


def test_forms_refuse_out_of_range_values_and_change_nothing(client_for, seeded, store):
    admin, token = client_for("admin"), seeded["token"]
    before = snapshot(store)
    for review in ("9999-12-31", "0001-01-01"):
        page = admin.post(f"/t/{token}/review", data={"review": review}, follow_redirects=True)
        assert "between 2000-01-01 and 2100-12-31" in page.get_data(as_text=True)
    rule = admin.post("/rules/s31-sm", data={"param_first_weeks": str(10**25), "active": "1"})
    assert rule.status_code == 400 and "between 1 and 520" in rule.get_data(as_text=True)
    form = {"initials": "ABc", "stage": "1", "review": "2030-01-01", "worker": "W" * 81}
    added = admin.post("/admin/families", data=form, follow_redirects=True)
    assert "worker must be at most 80 characters" in added.get_data(as_text=True)
    outcome = admin.post(f"/agenda/outcome/{token}", data={"note": "N" * 501, "review": ""},
                         headers={"Accept": "application/json"})  # fmt: skip
    assert outcome.status_code == 400 and "at most 500" in outcome.json["error"]
    assert snapshot(store) == before
    assert admin.get(f"/t/{token}").status_code == 200  # and every page still works


def test_markup_in_a_name_prints_as_typed_in_the_drift_pdf(
    client_for, runner, seeded, tmp_path, today
):
    for auditor in ('<img src="/etc/passwd"/>', '<b onerror="x">Ann</b>'):
        on = today.isoformat()
        added = runner("audit", "add", "--auditor", auditor, "--date", on, "--team", "Team")
        assert added.exit_code == 0, added.output
        response = client_for("manager").get("/reports/drift.pdf")
        assert response.status_code == 200 and response.data.startswith(b"%PDF")
        pdf = pdfium.PdfDocument(response.data)
        text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
        assert auditor in text.replace("\r\n", "").replace("\n", "")
    out = tmp_path / "drift.pdf"
    assert runner("report", "drift", "--out", str(out), "--team", "Team").exit_code == 0


@pytest.mark.parametrize(
    "data, words",
    [
        (png_header(1, 50_000_000), "at least 64 px"),
        (png_header(50_000_000, 1), "at least 64 px"),
        (png(1, 1), "at least 64 px"),
        (png(3, 200), "at least 64 px"),
        (png(64, 900), "too long and thin"),
        (png_header(7000, 7000, depth=16), "deep colour"),
        (png_header(9000, 9000), "MP"),
    ],
)
def test_odd_images_are_refused_before_decoding(client, seeded, store, api_tokens, data, words):
    before = snapshot(store)
    response = client.post(
        "/api/scans",
        data={"photo": (io.BytesIO(data), "board.png")},
        headers=bearer(api_tokens),
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert words in response.json["error"]
    assert snapshot(store) == before


def test_cr_lf_in_next_never_reaches_a_header(client, auth, seeded):
    for evil in ("/\r\nSet-Cookie: x=1", "/%0d%0aLocation:%20//evil.example", "\r\n"):
        response = auth.login("manager", next=evil)
        assert response.status_code == 302 and response.location == "/"
        assert "x=1" not in str(response.headers) and "evil" not in str(response.headers)
        page = client.get("/login", query_string={"next": evil})
        assert page.status_code in (200, 302)
        asked = client.post(f"/t/{seeded['token']}/agenda-request", data={"next": evil})
        assert asked.status_code == 302 and asked.location == f"/t/{seeded['token']}"
        client.post("/logout")
