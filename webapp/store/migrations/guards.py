"""Schema of the second security round's guards (docs/contract.md §17): the addresses and
devices each user has logged in from, so that failed log-ins by others cannot lock the
real user out of a client they have used before, and the scans running now, so that
one person's parallel scans are limited. Its own migration set.

Add migration functions at the end; never edit one that has shipped.
"""

from sqlite_utils import Migrations

migrations = Migrations("caseboard.guards")


@migrations()
def m001_known_clients(db):
    # kind: "address" (an IP address) or "device" (the SHA-256 of a device cookie);
    # only the digest of a device cookie is kept, as for API tokens.
    db["login_clients"].create(
        {"user_id": int, "kind": str, "digest": str, "last_at": float},
        pk=("user_id", "kind", "digest"),
        not_null={"user_id", "kind", "digest", "last_at"},
    )
    db["login_clients"].create_index(["last_at"])


@migrations()
def m002_scan_slots(db):
    # Scans running now, one row each, so that one person's parallel scans are counted
    # across the server's worker processes (webapp.scans.limits).
    db["scan_slots"].create(
        {"id": int, "user_id": int, "started": float}, pk="id", not_null={"user_id", "started"}
    )
    db["scan_slots"].create_index(["user_id"])
