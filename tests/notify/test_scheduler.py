"""The server's scheduler: notify each morning at a set time, other jobs at intervals."""

from __future__ import annotations

import subprocess
import sys
import time as clock
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.helpers.mail_server import free_port
from webapp.cli.serve import server_scheduler
from webapp.errors import BadInput
from webapp.scheduler import Scheduler

LONDON = ZoneInfo("Europe/London")


class FakeClock:
    """A wall clock the test moves by hand (the scheduler takes any clock)."""

    def __init__(self, start):
        self.now = start

    def __call__(self):
        return self.now


def test_a_daily_job_runs_once_a_day_at_its_time():
    wall = FakeClock(datetime(2026, 3, 2, 6, 59, tzinfo=LONDON))
    scheduler, ran = Scheduler(clock=wall), []
    scheduler.daily("notify", "07:00", lambda: ran.append(wall.now))
    assert scheduler.run_pending() == []
    wall.now += timedelta(minutes=1)
    assert scheduler.run_pending() == ["notify"]
    wall.now += timedelta(hours=3)
    assert scheduler.run_pending() == []
    wall.now = datetime(2026, 3, 3, 7, 0, 30, tzinfo=LONDON)
    assert scheduler.run_pending() == ["notify"] and len(ran) == 2


def test_a_failing_job_does_not_stop_the_others(caplog):
    wall = FakeClock(datetime(2026, 3, 2, 8, 0, tzinfo=LONDON))
    scheduler, ran = Scheduler(clock=wall), []
    scheduler.every("broken", timedelta(minutes=5), lambda: 1 / 0)
    scheduler.every("capture", timedelta(minutes=5), lambda: ran.append(1))
    wall.now += timedelta(minutes=5)
    assert scheduler.run_pending() == ["broken", "capture"] and ran == [1]
    assert "broken failed" in caplog.text
    with pytest.raises(BadInput):
        scheduler.daily("bad", "7 o'clock", print)


def test_serve_with_scheduler_sends_notify_at_its_time(app, mailbox, store, team, family,
                                                        add_person, today):  # fmt: skip
    """The job the server starts, on its own thread, against the real SMTP server."""
    add_person("sm1", "service-manager", email="sm1@council.example")
    family("TWr", stage=1, due=20, case_type="s.31",
           opened=(today - timedelta(weeks=38)).isoformat())  # fmt: skip
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=mailbox.port, SMTP_USER="caseboard",
                      SMTP_PASSWORD="mail-s3cret")  # fmt: skip
    soon = (datetime.now(LONDON) + timedelta(seconds=2)).strftime("%H:%M:%S")
    scheduler = server_scheduler(app, soon)
    scheduler.start()
    try:
        deadline = clock.monotonic() + 15
        while not mailbox.messages and clock.monotonic() < deadline:
            clock.sleep(0.2)
    finally:
        scheduler.stop()
    assert [r for r in mailbox.rcpts] == [["sm1@council.example"]]


@pytest.mark.slow
def test_caseboard_serve_with_two_workers_sends_each_message_once(
    db_path, store, mailbox, family, add_person, today
):
    """The real command, as a process with two server workers: the one scheduler (in the
    parent, not in each worker) sends the morning's mail once."""
    add_person("sm1", "service-manager", email="sm1@council.example")
    family("TWr", stage=1, due=20, case_type="s.31",
           opened=(today - timedelta(weeks=38)).isoformat())  # fmt: skip
    store.close()
    soon = (datetime.now(LONDON) + timedelta(seconds=3)).strftime("%H:%M:%S")
    cmd = [sys.executable, "-m", "webapp.cli", "serve", "--db", db_path, "--workers", "2",
           "--port", str(free_port()), "--with-scheduler", "--notify-at", soon]  # fmt: skip
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = clock.monotonic() + 20
        while not mailbox.messages and clock.monotonic() < deadline:
            clock.sleep(0.2)
        clock.sleep(1.5)  # time enough for a second worker's copy, were there one
    finally:
        server.terminate()
        assert server.wait(timeout=10) == 0
    assert [r for r in mailbox.rcpts] == [["sm1@council.example"]]


def test_serve_with_scheduler_needs_a_mail_server_and_a_time(runner, monkeypatch):
    monkeypatch.delenv("CASEBOARD_SMTP_HOST", raising=False)
    bad_time = runner("serve", "--with-scheduler", "--notify-at", "seven")
    assert bad_time.exit_code == 2 and "HH:MM" in bad_time.output
    no_mail = runner("serve", "--with-scheduler", "--workers", "1")
    assert no_mail.exit_code == 2 and "CASEBOARD_SMTP_HOST" in no_mail.output
