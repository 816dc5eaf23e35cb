"""Per-page work stays per team: a service manager's team switcher is one query whatever
the number of teams, and notify reads each team's families a fixed number of times,
whatever the number of families or recipients (CONTRACT §15). Statements are counted with
sqlite3's trace callback, on county stores built with the demo's history."""

from __future__ import annotations

import re
import shutil

import pytest

import webapp.accounts.users
from tests.helpers.county import (
    CHEAP_HASH,
    DAY,
    build_store,
    county_client,
    selects,
    traced_pages,
)
from webapp.accounts.users import add_user
from webapp.demo.build import DEMO_PASSWORD
from webapp.demo.county import team_name
from webapp.notify.due import messages_due
from webapp.store.connection import connect


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    """County stores by (teams, families per team)."""
    folder = tmp_path_factory.mktemp("counties")
    return {
        size: str(build_store(folder / f"{size[0]}-{size[1]}.db", *size, days=60))
        for size in ((2, 12), (6, 12), (2, 36))
    }


def _page_statements(db_path: str, monkeypatch, url: str) -> list[str]:
    client = county_client(db_path, "county-sm")
    assert client.get(url).status_code == 200  # once first: what a process does only once
    statements: list[str] = []
    with traced_pages(monkeypatch, statements):
        answer = client.get(url)
        assert answer.status_code == 200
    return statements


@pytest.mark.parametrize("url", ["/", "/alerts", "/agenda"])
def test_the_team_switcher_is_one_query_whatever_the_number_of_teams(stores, monkeypatch, url):
    few = _page_statements(stores[(2, 12)], monkeypatch, url)
    many = _page_statements(stores[(6, 12)], monkeypatch, url)
    assert len(many) == len(few)
    assert not [s for s in many if re.search(r'table_info\("?teams', s)]
    switcher = [s for s in selects(many, "team_members") if "union" in s]
    assert len(switcher) == 1  # the switcher's teams: home team and memberships, together


def _notify_statements(db_path: str) -> tuple[list[str], int]:
    db = connect(db_path)
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    found = messages_due(db, DAY)
    db.conn.set_trace_callback(None)
    db.close()
    return statements, len(found)


def test_notify_reads_no_family_one_at_a_time(stores):
    """Three times the families per team (24 more in all): no ``families.get``, and at most
    a few more statements (one more alert role's recipients), never one per family."""
    small, small_mail = _notify_statements(stores[(2, 12)])
    large, large_mail = _notify_statements(stores[(2, 36)])
    assert small_mail and large_mail
    assert not [s for s in large if re.search(r'from "?families"? where "?id"? =', s)]
    assert len(large) < len(small) + 24


def _team_open_reads(statements: list[str], team_id: int) -> int:
    return len([s for s in selects(statements, "families")
                if f"team_id = {team_id} and closed is null order by" in s])  # fmt: skip


def test_pending_stickers_are_worked_out_once_per_team(stores, tmp_path):
    """Four more managers taking mail in team 1: its families are read as often as before
    (pending stickers once per team, not once per recipient)."""
    path = tmp_path / "more.db"
    shutil.copy(stores[(2, 12)], path)
    before, _ = _notify_statements(str(path))
    db = connect(str(path))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(webapp.accounts.users, "generate_password_hash", CHEAP_HASH)
        for n in range(4):
            add_user(db, f"extra-{n}", "manager", DEMO_PASSWORD, team_name(1),
                     email=f"extra-{n}@county.example", judge_password=False)  # fmt: skip
    db.close()
    after, _ = _notify_statements(str(path))
    assert _team_open_reads(after, 1) == _team_open_reads(before, 1) <= 3
