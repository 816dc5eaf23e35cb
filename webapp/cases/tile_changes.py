"""A change to one tile sent as data (``PATCH /api/tiles/<token>``, docs/contract.md §8).

The body may hold ``next_review`` (YYYY-MM-DD) and ``stage`` (1-6), nothing else.
Everything is checked before anything is written; the change, its events and its
audit entry are one transaction.
"""

from __future__ import annotations

from sqlite_utils import Database

from webapp.cases.families import move_stage, parse_stage, set_review
from webapp.errors import BadInput
from webapp.store import access_log
from webapp.values.actor import Actor
from webapp.values.dates import parse_date

FIELDS = ("next_review", "stage")


def clean_tile_change(body: object) -> dict:
    """``{"next_review": date?, "stage": int?}`` from a JSON body, or :class:`BadInput`."""
    if not isinstance(body, dict):
        raise BadInput('send a JSON object such as {"next_review": "2026-01-31", "stage": 2}')
    unknown = sorted(set(body) - set(FIELDS))
    if unknown:
        raise BadInput(f"unknown field(s) {', '.join(map(repr, unknown))}: use next_review, stage")
    if not any(k in body for k in FIELDS):
        raise BadInput("send next_review (YYYY-MM-DD), stage (1-6) or both")
    change = {}
    if "next_review" in body:
        if not isinstance(body["next_review"], str):
            raise BadInput("next_review must be a date as YYYY-MM-DD")
        change["next_review"] = parse_date(body["next_review"], "next_review")
    if "stage" in body:
        stage = body["stage"]
        if isinstance(stage, bool) or not isinstance(stage, int | str):
            raise BadInput(f"stage must be a number from 1 to 6, not {stage!r}")
        change["stage"] = parse_stage(stage)
    return change


def change_tile(
    db: Database,
    row: dict,
    team: dict,
    body: object,
    *,
    actor: Actor,
) -> dict:
    """Apply a checked change to the family ``row``; returns its updated row."""
    change = clean_tile_change(body)
    review = change.get("next_review")
    with db.atomic():
        if "stage" in change:
            updated = move_stage(db, row, team, change["stage"], review=review, actor=actor)
        else:
            updated = set_review(db, row, team, review, actor=actor)
        detail = {k: (v.isoformat() if k == "next_review" else v) for k, v in change.items()}
        action = access_log.STAGE_MOVE if "stage" in change else access_log.REVIEW_SET
        access_log.record(db, team["id"], action, row["token"], detail, actor=actor)
    return updated
