"""Schema of the safety area (docs/contract.md §8): session generations, revocable API
tokens, login records without a team, retention. Its own migration set.

Add migration functions at the end; never edit one that has shipped.
"""

from sqlite_utils import Migrations

migrations = Migrations("caseboard.safety")


@migrations()
def m001_sessions_tokens_retention(db):
    # Bumped by logout, a password change or reset, deactivation and "sign out
    # everywhere": a session or remember cookie of an older generation is refused.
    db["users"].add_column("session_gen", int, not_null_default=0)
    db["api_tokens"].add_column("revoked_at", str)
    # The secret key moves to the instance folder (or CASEBOARD_SECRET_KEY): a copy of
    # the store must not be enough to forge a session.
    db.execute("delete from settings where key = 'secret_key'")
    # Log-ins and failures for unknown user names belong to no team.
    db["audit"].transform(not_null={"team_id": False})
    db["audit"].create_index(["team_id", "target", "at"])
    db["audit"].create_index(["at"])
    db["login_failures"].create_index(["ip", "at"])
    db["families"].add_column("anonymised_at", str)  # retention: codes and ref removed
