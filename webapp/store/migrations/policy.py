"""Schema for rules as the policies mean them (docs/contract.md §16): its own migration set.

Add migration functions at the end; never edit one that has shipped.
"""

from sqlite_utils import Migrations

migrations = Migrations("caseboard.policy")


@migrations()
def m001_policy_records(db):
    # Leave with its dates (Islington policy: a gap in supervision "must be clearly
    # recorded"; supervision "must be scheduled as a priority when the practitioner returns").
    db["practitioner_absences"].create(
        {
            "id": int,
            "team_id": int,
            "name": str,
            "starts": str,
            "ends": str,
            "reason": str,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("team_id", "teams", "id")],
        not_null={"team_id", "name", "starts", "ends"},
    )
    db["practitioner_absences"].create_index(["team_id", "starts"])
    # The team manager's own monthly supervision of deputy team managers and practice
    # supervisors (Islington policy, "Team Manager Supervision and oversight").
    db["supervisor_sessions"].create(
        {
            "id": int,
            "team_id": int,
            "name": str,
            "on_date": str,
            "note": str,
            "user_id": int,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("team_id", "teams", "id")],
        not_null={"team_id", "name", "on_date"},
    )
    db["supervisor_sessions"].create_index(["team_id", "on_date"])
    # Who came to a clinic session: "the social worker and team manager attend together"
    # (Clinic Terms of Reference §5).
    db["clinic_bookings"].add_column("social_worker_attended", int)
    db["clinic_bookings"].add_column("team_manager_attended", int)
