"""Schema of people and what reaches them (docs/contract.md §9): email addresses, team
membership for roles that span several teams, a team's own recipients for a role,
notification preferences, the mail sent (so each message goes once), calendar feed tokens.

Add migration functions at the end; never edit one that has shipped.
"""

from sqlite_utils import Migrations

migrations = Migrations("caseboard.people")


@migrations()
def m001_people_and_mail(db):
    db["users"].add_column("email", str)
    db["users"].add_column("full_name", str)  # as written in a case's worker field
    db["users"].add_column("feed_token_hash", str)  # SHA-256 of the calendar feed token
    db.execute("create unique index idx_users_email on users (email collate nocase)")
    # The teams a user reads besides their own (service managers, heads of practice).
    db["team_members"].create(
        {"user_id": int, "team_id": int},
        pk=("user_id", "team_id"),
        foreign_keys=[("user_id", "users", "id"), ("team_id", "teams", "id")],
    )
    # A team's own recipients for an alert role; when a team names none, the holders
    # of the matching user role in the team get the alert.
    db["team_recipients"].create(
        {"team_id": int, "role": str, "user_id": int},
        pk=("team_id", "role", "user_id"),
        foreign_keys=[("user_id", "users", "id"), ("team_id", "teams", "id")],
    )
    db["notify_prefs"].create(
        {"user_id": int, "kind": str, "frequency": str},  # frequency: daily | weekly | off
        pk=("user_id", "kind"),
        foreign_keys=[("user_id", "users", "id")],
    )
    db["mail_log"].create(
        {
            "id": int,
            "key": str,  # what the message is about: one key, one message
            "day": str,  # ISO date of the notify run that made it
            "kind": str,  # alert | weekly | scan | stickers
            "user_id": int,
            "team_id": int,
            "to_addr": str,
            "subject": str,
            "text": str,
            "html": str,
            "status": str,  # sent | failed
            "attempts": int,
            "error": str,
            "created_at": str,
            "sent_at": str,
        },
        pk="id",
        foreign_keys=[("user_id", "users", "id"), ("team_id", "teams", "id")],
        not_null={"key", "day", "kind", "to_addr", "status"},
        defaults={"attempts": 0},
    )
    db["mail_log"].create_index(["key"], unique=True)
    db["mail_log"].create_index(["status"])
