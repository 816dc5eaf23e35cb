"""Schema of the rules area, versioned as its own sqlite-utils migration set.

Add migration functions at the end; never edit one that has shipped.
"""

from sqlite_utils import Migrations

migrations = Migrations("caseboard.rules")


@migrations()
def m001_rules(db):
    # A team's rules: triggers, review intervals and report limits (seeded lazily).
    db["review_rules"].create(
        {
            "id": int,
            "team_id": int,
            "key": str,
            "kind": str,
            "role": str,
            "params": str,  # JSON
            "policy": str,  # where the rule comes from
            "active": int,
            "updated_at": str,
        },
        pk="id",
        foreign_keys=[("team_id", "teams", "id")],
        not_null={"team_id", "key", "kind", "params"},
        defaults={"active": 1, "params": "{}"},
    )
    db["review_rules"].create_index(["team_id", "key"], unique=True)
    # A follow-up closes the open alert of one series (family + alert key).
    db["follow_ups"].create(
        {
            "id": int,
            "team_id": int,
            "family_id": int,
            "alert_key": str,
            "followed_on": str,  # ISO date
            "note": str,
            "user_id": int,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("team_id", "teams", "id"), ("family_id", "families", "id")],
        not_null={"team_id", "family_id", "alert_key", "followed_on"},
    )
    db["follow_ups"].create_index(["family_id", "alert_key"])
    db["manager_alerts"].create(
        {
            "id": int,
            "team_id": int,
            "family_id": int,
            "due_on": str,
            "action": str,
            "timescale": str,
            "role": str,
            "user_id": int,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("team_id", "teams", "id"), ("family_id", "families", "id")],
        not_null={"team_id", "family_id", "due_on", "action"},
    )
    db["manager_alerts"].create_index(["team_id", "due_on"])
    db["discussions"].create(
        {
            "id": int,
            "team_id": int,
            "family_id": int,
            "on_date": str,
            "kind": str,
            "who": str,
            "significant": int,
            "recorded_on": str,  # when the record was written; NULL until it is
            "note": str,
            "user_id": int,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("team_id", "teams", "id"), ("family_id", "families", "id")],
        not_null={"team_id", "family_id", "on_date", "kind"},
        defaults={"significant": 0},
    )
    db["discussions"].create_index(["team_id", "on_date"])
    db["discussions"].create_index(["family_id", "on_date"])
    db["clinic_requests"].create(
        {
            "id": int,
            "team_id": int,
            "family_id": int,
            "purpose": str,  # lpm | pre-proceedings
            "requested_on": str,
            "user_id": int,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("team_id", "teams", "id"), ("family_id", "families", "id")],
        not_null={"team_id", "family_id", "purpose", "requested_on"},
    )
    db["clinic_bookings"].create(
        {
            "id": int,
            "team_id": int,
            "family_id": int,
            "request_id": int,
            "purpose": str,
            "day": str,  # a Thursday
            "start": str,  # HH:MM
            "minutes": int,
            "user_id": int,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[
            ("team_id", "teams", "id"),
            ("family_id", "families", "id"),
            ("request_id", "clinic_requests", "id"),
        ],
        not_null={"team_id", "family_id", "purpose", "day", "start", "minutes"},
    )
    db["clinic_bookings"].create_index(["team_id", "day"])
    db["clinic_actions"].create(
        {
            "id": int,
            "booking_id": int,
            "text": str,
            "owner": str,
            "due_on": str,
            "done_on": str,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("booking_id", "clinic_bookings", "id")],
        not_null={"booking_id", "text", "owner", "due_on"},
    )
    db["clinic_actions"].create_index(["booking_id"])
    db["qa_audits"].create(
        {
            "id": int,
            "team_id": int,
            "audited_on": str,
            "auditor": str,
            "note": str,
            "user_id": int,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("team_id", "teams", "id")],
        not_null={"team_id", "audited_on"},
    )
    db["qa_audits"].create_index(["team_id", "audited_on"])
