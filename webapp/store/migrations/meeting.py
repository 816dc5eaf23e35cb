"""Schema of the meeting area, versioned as its own sqlite-utils migration set.

Add migration functions at the end; never edit one that has shipped.
"""

from sqlite_utils import Migrations

migrations = Migrations("caseboard.meeting")


@migrations()
def m001_meetings_and_requests(db):
    """Held weekly meetings, and practitioners' requests to discuss a family."""
    db["meetings"].create(
        {
            "id": int,
            "team_id": int,
            "meeting_date": str,  # ISO date, team-local
            "started_at": str,  # UTC ISO timestamp
            "chaired_by": int,
            "closed_at": str,  # UTC ISO timestamp, NULL while the meeting is open
            "closed_by": int,
        },
        pk="id",
        foreign_keys=[
            ("team_id", "teams", "id"),
            ("chaired_by", "users", "id"),
            ("closed_by", "users", "id"),
        ],
        not_null={"team_id", "meeting_date", "started_at"},
    )
    db["meetings"].create_index(["team_id", "meeting_date"], unique=True)
    db["agenda_requests"].create(
        {
            "id": int,
            "team_id": int,
            "family_id": int,
            "requested_by": int,
            "requested_at": str,  # UTC ISO timestamp
            "requested_on": str,  # team-local ISO date
            "note": str,
            "meeting_date": str,  # the meeting it was asked for
            "resolved_at": str,  # NULL while open
            "resolved_by": int,
        },
        pk="id",
        foreign_keys=[
            ("team_id", "teams", "id"),
            ("family_id", "families", "id"),
            ("requested_by", "users", "id"),
            ("resolved_by", "users", "id"),
        ],
        not_null={"team_id", "family_id", "requested_at", "requested_on"},
    )
    db["agenda_requests"].create_index(["team_id", "resolved_at"])
    db["agenda_requests"].create_index(["family_id"])
