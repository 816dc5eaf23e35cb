"""Indexes the per-team pages need once a store holds a county (CONTRACT §15): its own
migration set. Each index is named for the query it serves; tests/web/test_query_plans.py
reads every hot page's query plans and fails on a full scan of a big table.

Add migration functions at the end; never edit one that has shipped.
"""

from sqlite_utils import Migrations

migrations = Migrations("caseboard.scale")


@migrations()
def m001_per_team_indexes(db):
    # alerts page, agenda, drift report, notify: a team's follow-ups
    db["follow_ups"].create_index(["team_id", "family_id"], if_not_exists=True)
    # notify's weekly lists and sticker mail, team user lists: a team's users by role
    db["users"].create_index(["team_id", "role"], if_not_exists=True)
    # /audit by keyset: a team's entries newest first, without sorting its whole log
    db["audit"].create_index(["team_id", "id"], if_not_exists=True)
    # alerts and agenda: a team's last interim assessment per family
    db["interim_assessments"].create_index(["team_id", "family_id", "on_date"], if_not_exists=True)
    # a team's alert recipients among service managers (members of several teams)
    db["team_members"].create_index(["team_id"], if_not_exists=True)
    # the clinic page: a team's open requests
    db["clinic_requests"].create_index(["team_id", "family_id"], if_not_exists=True)
    db["clinic_bookings"].create_index(["request_id"], if_not_exists=True)
    # the admin page: the team's API tokens, through their users
    db["api_tokens"].create_index(["user_id"], if_not_exists=True)


@migrations()
def m002_cross_team_indexes(db):
    # the drift report's re-referrals to another team join families on their reference
    # across teams, and the clinic's quarterly check reads each s.31 case's legal steps
    db["families"].create_index(["ref"], if_not_exists=True)
    db["legal_steps"].create_index(["family_id", "kind"], if_not_exists=True)
