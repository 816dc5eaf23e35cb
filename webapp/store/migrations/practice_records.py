"""Schema for the records the policy rules read (docs/contract.md §7): which firing a
follow-up answers, interim assessments, practitioners and their leave, the clinic's items,
legal steps and the meeting record.

Add migration functions at the end; never edit one that has shipped.
"""

from sqlite_utils import Migrations

#: Recorded in every store as "caseboard.rules2": the set keeps that name so stores
#: migrated before the module was named for what it holds do not run it again.
migrations = Migrations("caseboard.rules2")


@migrations()
def m001_rules_record(db):
    # A follow-up answers one firing of an alert series: its key and the date it fired.
    # Follow-ups recorded before this column (NULL) answer every firing up to their date.
    db["follow_ups"].add_column("due_on", str)
    # The core-assessment rule now counts from the s.47 date at any stage (Kent audit §4.1).
    db.execute(
        """update review_rules set params = json_remove(params, '$.stage'), policy = ?
           where key = 'core-assessment'""",
        [
            "Kent Extended Case File Audit (2009) §4.1 and §10.1: core assessment within 42 "
            "working days of the referral that led to s.47 enquiries (an interim assessment "
            "may be recorded)"
        ],
    )
    # An interim core assessment (Kent audit §10.1): recorded, shown, never closes the alert.
    db["interim_assessments"].create(
        {
            "id": int,
            "team_id": int,
            "family_id": int,
            "on_date": str,
            "note": str,
            "user_id": int,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("team_id", "teams", "id"), ("family_id", "families", "id")],
        not_null={"team_id", "family_id", "on_date"},
    )
    db["interim_assessments"].create_index(["family_id"])
    # Practitioners as supervision knows them (by the name on their cases): how often
    # they need formal one-to-one supervision, and the months they were on leave.
    db["practitioners"].create(
        {"id": int, "team_id": int, "name": str, "frequency": str, "note": str},
        pk="id",
        foreign_keys=[("team_id", "teams", "id")],
        not_null={"team_id", "name", "frequency"},
        defaults={"frequency": "monthly"},
    )
    db["practitioners"].create_index(["team_id", "name"], unique=True)
    db["practitioner_leave"].create(
        {"id": int, "team_id": int, "name": str, "month": str, "reason": str},
        pk="id",
        foreign_keys=[("team_id", "teams", "id")],
        not_null={"team_id", "name", "month"},
    )
    db["practitioner_leave"].create_index(["team_id", "name", "month"], unique=True)
    # The clinic's record (Clinic ToR §4, §5): documents ready and who got the case note.
    db["clinic_items"].create(
        {
            "id": int,
            "booking_id": int,
            "kind": str,  # document | note
            "item": str,
            "done_on": str,
            "user_id": int,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("booking_id", "clinic_bookings", "id")],
        not_null={"booking_id", "kind", "item", "done_on"},
    )
    db["clinic_items"].create_index(["booking_id", "kind", "item"], unique=True)
    db["clinic_bookings"].create_index(["day"])
    # When a case went to a Legal Planning Meeting or into pre-proceedings (ToR §2).
    db["legal_steps"].create(
        {
            "id": int,
            "team_id": int,
            "family_id": int,
            "kind": str,  # lpm | pre-proceedings
            "on_date": str,
            "user_id": int,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("team_id", "teams", "id"), ("family_id", "families", "id")],
        not_null={"team_id", "family_id", "kind", "on_date"},
    )
    db["legal_steps"].create_index(["team_id", "on_date"])
    # The meeting record (Kent policy §6, §8, §9).
    db["meetings"].add_column("facilitator", str)
    db["meetings"].add_column("administrator", str)
    db["meetings"].add_column("authorised_by", int)
    db["meetings"].add_column("authorised_at", str)
    db["meeting_people"].create(
        {"id": int, "meeting_id": int, "name": str, "status": str},  # attended | agreed-absence
        pk="id",
        foreign_keys=[("meeting_id", "meetings", "id")],
        not_null={"meeting_id", "name", "status"},
    )
    db["meeting_people"].create_index(["meeting_id", "name"], unique=True)
