"""A team's families as an import compares against them: read once, looked up by key.

One query reads the team's families and one its flags; every row of the export is then
a dictionary lookup, never a query, so an import costs time in proportion to its rows
(docs/contract.md §15). References are compared by :func:`.refs.ref_key`; families
without a reference by their board codes.
"""

from __future__ import annotations

from datetime import date

from webapp.cases.families import rereferral_months, team_flags
from webapp.cases.imports.columns import header_key
from webapp.cases.imports.refs import ref_key
from webapp.errors import BadInput, NotFound
from webapp.values.workdays import add_months


class Teams:
    """Each row's team, matched by name whatever its case; on the admin page only the
    admin's own team."""

    def __init__(self, db, default_team: str | None, only_team: dict | None):
        self.db, self.default, self.only = db, default_team, only_team
        self.by_key: dict[str, dict] | None = None

    def _all(self) -> dict[str, dict]:
        if self.by_key is None:
            rows = self.db.query("select * from teams order by id")
            self.by_key = {header_key(r["name"]): r for r in rows}
        return self.by_key

    def get(self, name: str | None) -> dict:
        if self.only is not None:
            if name and header_key(name) != header_key(self.only["name"]):
                raise BadInput(f"team {name!r} is not your team")
            return self.only
        name = name or self.default
        teams = self._all()
        if name is None:
            if not teams:
                raise NotFound("the store has no team yet: run `caseboard init --team NAME`")
            if len(teams) > 1:
                raise BadInput("the store has several teams: say which with --team")
            return next(iter(teams.values()))
        if header_key(name) not in teams:
            raise NotFound(f"no team called {name!r}")
        return teams[header_key(name)]


def find_team(db, name: str | None) -> dict:
    """The team called ``name`` whatever its case, or the only team."""
    return Teams(db, name, None).get(None)


def codes_key(initials: str) -> tuple[str, ...]:
    return tuple(sorted(initials.split()))


class Stored:
    """One team's families, open and closed, keyed for the import's lookups."""

    def __init__(self, db, team: dict):
        self.team = team
        self.open_by_ref: dict[str, dict] = {}
        self.refless: dict[tuple, list[dict]] = {}
        self.closed_by_ref: dict[str, list[dict]] = {}
        self.seen: set[str] = set()
        self.file_refless: dict[tuple, int] = {}  # codes -> first row in this file
        rows = db.query("select * from families where team_id = ? order by id", [team["id"]])
        for row in rows:
            key = ref_key(row["ref"])
            if row["closed"]:
                if key:
                    self.closed_by_ref.setdefault(key, []).append(row)
            elif key:
                self.open_by_ref.setdefault(key, row)
            else:
                self.refless.setdefault(codes_key(row["initials"]), []).append(row)
        self.flags = team_flags(db, team)
        self.fingerprint = fingerprint(db, team["id"])

    def refless_match(self, group, check) -> dict | None | bool:
        """The open family without a reference that ``group`` (also without one) is, None
        for a new one, or False after refusing the group as ambiguous."""
        key = tuple(sorted(group.codes))
        if not key:
            return None  # its problem is already reported
        if key in self.file_refless:
            check.refuse(group, "ref", f"no reference, and row {self.file_refless[key]} has "
                         f"the same codes ({' '.join(key)}) without one either: add the "
                         "references, so the two are not taken for one family")  # fmt: skip
            return False
        self.file_refless[key] = group.rows[0]
        found = self.refless.get(key, [])
        if len(found) > 1:
            tokens = ", ".join(r["token"] for r in found)
            check.refuse(group, "ref", f"no reference, and {len(found)} families on the wall "
                         f"have these codes ({tokens}): add the reference")  # fmt: skip
            return False
        return found[0] if found else None

    def closed_with_ref(self, ref: str | None) -> dict | None:
        """The latest closed family with this reference: the import makes a new tile, and
        the preview says so, in case the old one should be reopened instead."""
        rows = self.closed_by_ref.get(ref_key(ref) or "", [])
        if not rows:
            return None
        latest = max(rows, key=lambda r: (r["closed"], r["id"]))
        return {"token": latest["token"], "closed": latest["closed"]}

    def rereferral_of(self, ref: str | None, opened: str) -> dict | None:
        """The family with this reference closed within the team's re-referral window
        before ``opened``: the new family is a re-referral of it."""
        closed = self.closed_by_ref.get(ref_key(ref) or "", [])
        if not closed:
            return None
        on = date.fromisoformat(opened)
        since = add_months(on, -rereferral_months(self.team)).isoformat()
        rows = [r for r in closed if since <= r["closed"] <= on.isoformat()]
        return max(rows, key=lambda r: (r["closed"], r["id"])) if rows else None

    def not_seen(self) -> list[dict]:
        return [
            {
                "token": row["token"],
                "ref": row["ref"],
                "team": self.team["name"],
                "initials": row["initials"],
                "stage": row["stage"],
                "next_review": row["next_review"],
            }  # fmt: skip
            for key, row in sorted(self.open_by_ref.items())
            if key not in self.seen
        ]


def fingerprint(db, team_id: int) -> tuple:
    """What changes whenever any family of the team changes: every change records an
    event, and every new family adds a row."""
    row = db.execute(
        """select (select coalesce(max(id), 0) from events where team_id = ?),
                  (select count(*) from families where team_id = ?)""",
        [team_id, team_id],
    ).fetchone()
    return tuple(row)
