"""`caseboard notify` against a real SMTP server (aiosmtpd on a free local port)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from tests.helpers import mail_server
from webapp.practice.supervision import add_discussion
from webapp.rules.alert_records import follow_up
from webapp.rules.alerts import open_alerts
from webapp.values.actor import Actor

BASE = "https://caseboard.council.example"
REF, NOTE, WORKER = "LA-2024-00421", "Mum's new partner Darren stays over", "Priya Shah"


@pytest.fixture
def s31_case(store, team, today, family, add_person):
    """An s.31 case opened 38 weeks before today, so the service-manager trigger fires
    today; it carries a reference, a worker, a risk flag and a note."""
    for name in ("sm1", "sm2"):
        add_person(name, "service-manager", email=f"{name}@council.example", teams=("Team",))
    add_person("sm-north", "service-manager", email="north@council.example", teams=("North",))
    add_person("hop", "head-of-practice", email="hop@council.example")
    add_person("nomail", "service-manager")  # no address: nothing to send to
    case = family(
        "TWr", stage=3, due=40, opened=(today - timedelta(weeks=38)).isoformat(),
        case_type="s.31", ref=REF, worker=WORKER, flags=["CSE"],
    )  # fmt: skip
    add_discussion(
        store, team, case["token"], on=today, kind="one-to-one", note=NOTE, actor=Actor.cli()
    )
    # The flag's own firings of the past 38 weeks were answered: every open firing is
    # sent however old (docs/contract.md §16), and these tests follow the s.31 one.
    for alert in open_alerts(store, team, today):
        if alert["due"] < today.isoformat():
            follow_up(
                store,
                team,
                case["token"],
                alert["key"],
                on=today,
                due=alert["due"],
                actor=Actor.cli(),
            )
    return case


def test_an_s31_firing_mails_each_service_manager_once_and_only_codes_and_links(
    runner, mailbox, s31_case, today
):
    day = today.isoformat()
    result = runner("notify", "--date", day)
    assert result.exit_code == 0, result.output
    assert sorted(r[0] for r in mailbox.rcpts) == ["sm1@council.example", "sm2@council.example"]
    assert len(result.output.splitlines()) == 2 and "sent" in result.output
    for message in mailbox.messages:
        assert message["From"] == "caseboard@council.example"
        assert message.is_multipart()
        kinds = [p.get_content_type() for p in message.iter_parts()]
        assert kinds == ["text/plain", "text/html"]
        assert "TWr" in message["Subject"]
    for body in mailbox.bodies():
        assert f"{BASE}/t/{s31_case['token']}" in body
        assert "TWr" in body
        assert f"{BASE}/me/notifications" in body  # the unsubscribe link
        for secret in (REF, NOTE, "Darren", WORKER, "CSE", "s.31"):
            assert secret not in body

    again = runner("notify", "--date", day)
    assert again.exit_code == 0 and again.output == ""
    assert len(mailbox.messages) == 2


def test_dry_run_lists_without_sending(runner, store, mailbox, s31_case, today):
    listed = runner.json("notify", "--date", today.isoformat(), "--dry-run")
    assert sorted(m["to"] for m in listed) == ["sm1@council.example", "sm2@council.example"]
    assert {m["status"] for m in listed} == {"new"}
    assert all(m["codes"] == ["TWr"] for m in listed)
    assert all(m["links"] == [f"{BASE}/t/{s31_case['token']}"] for m in listed)
    assert mailbox.messages == [] and store["mail_log"].count == 0
    assert REF not in json.dumps(listed)


def test_a_failed_send_is_shown_to_admins_and_retried_next_run(
    runner, store, mailbox, monkeypatch, s31_case, today, client_for
):
    monkeypatch.setenv("CASEBOARD_SMTP_PASSWORD", "wrong")  # the server refuses the login
    failed = runner("notify", "--date", today.isoformat())
    assert failed.exit_code == 1
    assert failed.output.count("failed") == 2 and mailbox.messages == []
    page = client_for("admin").get("/admin/mail").get_data(as_text=True)
    assert "sm1@council.example" in page and "SMTPAuthenticationError" in page
    assert client_for("practitioner").get("/admin/mail").status_code == 403

    monkeypatch.setenv("CASEBOARD_SMTP_PASSWORD", "mail-s3cret")
    retried = runner.json("notify", "--date", (today + timedelta(days=1)).isoformat())
    assert sorted(m["to"] for m in retried) == ["sm1@council.example", "sm2@council.example"]
    assert {m["status"] for m in retried} == {"sent"} and len(mailbox.messages) == 2
    assert "No messages are waiting" in client_for("admin").get("/admin/mail").get_data(
        as_text=True
    )


def test_without_a_mail_server_notify_says_so(runner, s31_case, monkeypatch):
    monkeypatch.delenv("CASEBOARD_SMTP_HOST", raising=False)
    result = runner("notify")
    assert result.exit_code == 2 and "CASEBOARD_SMTP_HOST" in result.output


def test_starttls_and_login_where_configured(runner, monkeypatch, tmp_path, s31_case, today):
    """A server that insists on STARTTLS before AUTH: notify upgrades, checks the server's
    certificate (trusted here through SSL_CERT_FILE) and logs in."""
    context, cert = mail_server.self_signed_tls(tmp_path)
    controller, inbox = mail_server.start(tls_context=context)
    settings = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(controller.port),
                "SMTP_USER": mail_server.USER, "SMTP_PASSWORD": mail_server.PASSWORD,
                "SMTP_STARTTLS": "0", "MAIL_FROM": "caseboard@council.example"}  # fmt: skip
    for name, value in settings.items():
        monkeypatch.setenv(f"CASEBOARD_{name}", value)
    monkeypatch.setenv("SSL_CERT_FILE", cert)
    try:
        refused = runner("notify", "--date", today.isoformat())  # no STARTTLS: no login
        assert refused.exit_code == 1 and inbox.messages == []
        monkeypatch.setenv("CASEBOARD_SMTP_STARTTLS", "1")
        result = runner("notify", "--date", today.isoformat())
        assert result.exit_code == 0, result.output
        assert result.output.count("sent") == 2 and len(inbox.messages) == 2
    finally:
        controller.stop()
