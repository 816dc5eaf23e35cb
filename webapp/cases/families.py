"""Family groups: one per tile. Registering, listing, and the changes a manager makes.

Every function takes plain values, checks them, and raises :class:`BadInput`
or :class:`NotFound`; the CLI and the web pages only translate those.
"""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database

from tilegen import domain
from tilegen.payload import new_token
from tilegen.standard import STAGES
from webapp.accounts.teams import team_by_id, team_settings, team_today
from webapp.errors import BadInput, NotFound
from webapp.store import events
from webapp.store.connection import utcnow
from webapp.values.actor import Actor
from webapp.values.bounds import check_text
from webapp.values.dates import parse_date
from webapp.values.workdays import add_months

#: The re-referral window when a team has not set one: our default, not a policy figure.
DEFAULT_REREFERRAL_MONTHS = 12


# -- checking input ---------------------------------------------------------


def parse_stage(value: str | int) -> int:
    try:
        stage = int(str(value).strip())
    except ValueError:
        stage = None
    if stage not in STAGES:
        raise BadInput(f"stage must be a number from 1 to 6, not {value!r}")
    return stage


def canonical_name(value: str, allowed: list[str], what: str) -> str:
    """Match ``value`` case-insensitively against the team's configured names."""
    for name in allowed:
        if name.lower() == value.strip().lower():
            return name
    raise BadInput(f"unknown {what} {value!r}; this team uses: {', '.join(allowed)}")


def clean_family(fields: dict, team: dict, today: date) -> dict:
    """Check one family's fields against the team's settings; return the row to store."""
    try:
        initials = " ".join(domain.board_codes(fields.get("initials") or ""))
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    settings = team_settings(team)
    case_type = fields.get("case_type")
    flags = [f for f in (fields.get("flags") or []) if f.strip()]
    opened = parse_date(fields["opened"], "opened") if fields.get("opened") else today
    case_dates = {}  # only when given: a store made before contract §6 has no such columns
    for column, what in (("proceedings_start", "proceedings start"), ("s47", "s.47 referral")):
        if fields.get(column):
            day = parse_date(fields[column], what)
            # A court clock may have started before the case came to the team (§12).
            if day < opened and column != "proceedings_start":
                raise BadInput(f"the {what} {day} is before the case opened on {opened}")
            case_dates[column] = day.isoformat()
    return {
        "team_id": team["id"],
        "initials": initials,
        "stage": parse_stage(fields.get("stage")),
        "next_review": parse_date(fields.get("review"), "review").isoformat(),
        "opened": opened.isoformat(),
        "ref": check_text(fields.get("ref") or "", "ref") or None,
        "worker": check_text(fields.get("worker") or "", "worker") or None,
        "case_type": canonical_name(case_type, settings["case_types"], "case type")
        if case_type
        else None,
        "flags": sorted({canonical_name(f, settings["flags"], "flag") for f in flags}),
        **case_dates,
    }


# -- writing ------------------------------------------------------------------


def _unused_token(db: Database) -> str:
    """A random token no family has yet (the unique index is the final guard)."""
    while True:
        token = new_token()
        if not db["families"].count_where("token = ?", [token]):
            return token


def _insert(db: Database, team: dict, row: dict, *, actor: Actor) -> dict:
    """Insert one checked row of ``team`` inside the caller's transaction."""
    flags = row.pop("flags")
    now = utcnow()
    earlier = closed_case_with_ref(
        db, row["team_id"], row["ref"], date.fromisoformat(row["opened"])
    )
    row = {**row, "token": _unused_token(db), "created_at": now, "updated_at": now}
    if earlier:
        row["rereferral_of"] = earlier["id"]
    family_id = db["families"].insert(row).last_pk
    for flag in flags:
        db["flags"].insert({"family_id": family_id, "name": flag, "added_on": row["opened"]})
    # The state it was registered in, for replaying its history (webapp.cases.history).
    kept = ("stage", "next_review", "initials", "opened", "team_id", "case_type", "worker")
    detail = {k: row.get(k) for k in kept}
    detail.update({k: row[k] for k in ("proceedings_start", "s47") if row.get(k)})
    if earlier:
        detail["rereferral_of"] = earlier["token"]
        detail["closed_on"] = earlier["closed"]
        detail["closed_as"] = earlier["closed_as"]
    events.record_event(db, team, family_id, events.CREATED, detail, actor=actor)
    return db["families"].get(family_id)


def add_family(
    db: Database,
    team: dict,
    *,
    actor: Actor,
    **fields,
) -> dict:
    """Register one family group; returns its view (with the new ``token``)."""
    today = team_today(team)
    row = clean_family(fields, team, today)
    with db.atomic():
        stored = _insert(db, team, row, actor=actor)
    return family_view(db, stored, team, today)


# -- re-referrals ---------------------------------------------------------------


def rereferral_months(team: dict) -> int:
    """The team's re-referral window in months (a team setting; 12 is our default, not
    a figure from the policy documents)."""
    return int(team_settings(team).get("rereferral_months") or DEFAULT_REREFERRAL_MONTHS)


def closed_case_with_ref(db: Database, team_id: int, ref: str | None, on: date) -> dict | None:
    """The team's case with reference ``ref`` closed within the team's re-referral window
    before ``on`` (the latest, if several), or None: a new family with that reference is a
    re-referral of it."""
    if not ref:
        return None
    since = add_months(on, -rereferral_months(team_by_id(db, team_id))).isoformat()
    rows = db["families"].rows_where(
        "team_id = ? and ref = ? and closed is not null and closed between ? and ?",
        [team_id, ref, since, on.isoformat()],
        order_by="closed desc, id desc",
        limit=1,
    )
    return next(iter(rows), None)


# -- reading ------------------------------------------------------------------


def flags_of(db: Database, family_id: int) -> list[str]:
    return [
        r["name"]
        for r in db.query(
            "select name from flags where family_id = ? and removed_on is null order by name",
            [family_id],
        )
    ]


def team_flags(db: Database, team: dict) -> dict[int, list[str]]:
    """Family id -> its current flags, for a whole team in one query."""
    found: dict[int, list[str]] = {}
    for r in db.query(
        """select f.family_id, f.name from flags f join families fa on fa.id = f.family_id
           where fa.team_id = ? and f.removed_on is null order by f.name""",
        [team["id"]],
    ):
        found.setdefault(r["family_id"], []).append(r["name"])
    return found


def family_view(
    db: Database,
    row: dict,
    team: dict,
    today: date | None = None,
    flags: list[str] | None = None,
) -> dict:
    """A family as the CLI, API and pages show it: the stored row plus status and zone."""
    today = today or team_today(team)
    next_review = date.fromisoformat(row["next_review"]) if row["next_review"] else None
    status = domain.review_status(next_review, today, team["amber_days"], bool(row["closed"]))
    return {
        "token": row["token"],
        "initials": row["initials"],
        "codes": row["initials"].split(),
        "stage": row["stage"],
        "zone": row["last_zone"],
        "next_review": row["next_review"],
        "status": status,
        "expected_zone": domain.expected_zone(status),
        "should_move": domain.should_move(row["last_zone"], status),
        "wrong_board": row["last_stage"] is not None
        and row["last_stage"] != row["stage"]
        and not row["closed"],
        "due": domain.describe_due(next_review, today),
        "team": team["name"],
        "ref": row["ref"],
        "worker": row["worker"],
        "opened": row["opened"],
        "closed": row["closed"],
        "closed_as": row.get("closed_as"),
        "case_type": row["case_type"],
        "proceedings_start": row.get("proceedings_start"),
        "s47": row.get("s47"),
        "assessment_done": row.get("assessment_done"),
        "flags": flags_of(db, row["id"]) if flags is None else flags,
        "last_stage": row["last_stage"],
        "last_seen_at": row["last_seen_at"],
        "x_mm": row["last_x_mm"],
        "y_mm": row["last_y_mm"],
        "id": row["id"],
        "team_id": row["team_id"],
    }


def list_families(
    db: Database,
    team: dict,
    *,
    include_closed: bool = False,
    today: date | None = None,
    worker: str | None = None,
) -> list[dict]:
    """The team's families in board order (stage, then board code)."""
    where, params = "team_id = ?", [team["id"]]
    if not include_closed:
        where += " and closed is null"
    if worker:
        where += " and worker = ?"
        params.append(worker)
    today = today or team_today(team)
    rows = db["families"].rows_where(where, params, order_by="stage, initials, id")
    flags = team_flags(db, team)
    return [family_view(db, row, team, today, flags.get(row["id"], [])) for row in rows]


def open_rows(db: Database, team: dict) -> list[dict]:
    """The team's open families as stored, in board order (for pickers)."""
    return list(
        db["families"].rows_where(
            "team_id = ? and closed is null", [team["id"]], order_by="stage, initials"
        )
    )


def team_workers(db: Database, team: dict) -> list[str]:
    """The workers allocated to the team's open families, in name order (for filters)."""
    return [
        r["worker"]
        for r in db.query(
            """select distinct worker from families
               where team_id = ? and closed is null and worker is not null order by worker""",
            [team["id"]],
        )
    ]


def unknown_tokens(tokens: list[str]) -> NotFound:
    """The one answer, on the pages, the API and the command line, to tokens that name no
    family (of the team asked about): ``no family with token K7M2Q9XH3A``.

    It never names a team, so another team's token reads exactly like a made-up one.
    Tokens are shown as printed (upper case); an empty or unprintable one is quoted, so
    the message stays one line.
    """
    shown = [t if t and t.isprintable() else repr(t) for t in tokens]
    noun = "token" if len(shown) == 1 else "tokens"
    return NotFound(f"no family with {noun} {', '.join(shown)}")


def get_family_row(db: Database, token: str, team: dict | None = None) -> dict:
    """The stored row for ``token``; another team's token is simply not found."""
    token = token.strip().upper()
    where, params = "token = ?", [token]
    if team is not None:
        where += " and team_id = ?"
        params.append(team["id"])
    rows = list(db["families"].rows_where(where, params))
    if not rows:
        raise unknown_tokens([token])
    return rows[0]


# -- changes ------------------------------------------------------------------


def change_family(db, row, team, kind, changes, detail, *, actor: Actor) -> dict:
    """Update a family's row with ``changes`` and append its ``kind`` event, in one
    transaction (or the caller's); returns the updated row."""
    with db.atomic():
        db["families"].update(row["id"], {**changes, "updated_at": utcnow()})
        events.record_event(db, team, row["id"], kind, detail, actor=actor)
    return db["families"].get(row["id"])


def set_review(db, row, team, review, *, actor: Actor) -> dict:
    """Set the next review date; the history keeps the old one."""
    new = parse_date(review, "review").isoformat()
    if new == row["next_review"]:
        return row
    detail = {"from": row["next_review"], "to": new}
    return change_family(
        db, row, team, events.REVIEW_SET, {"next_review": new}, detail, actor=actor
    )


def move_stage(db, row, team, stage, *, review=None, actor: Actor) -> dict:
    """Move a family to another stage board (stages may be skipped or go backwards) and,
    when ``review`` is given, set the review date agreed with the move: both or neither,
    in one transaction (or the caller's). Returns the updated row."""
    new = parse_stage(stage)
    new_review = parse_date(review, "review") if review else None
    with db.atomic():
        if new != row["stage"]:
            detail = {"from": row["stage"], "to": new}
            changes = {"stage": new}
            row = change_family(db, row, team, events.STAGE_MOVED, changes, detail, actor=actor)
        if new_review:
            row = set_review(db, row, team, new_review, actor=actor)
    return row
