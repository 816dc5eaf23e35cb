"""Schema of the second security round (docs/contract.md §17): the addresses and devices
each user has logged in from, so that failed log-ins by others cannot lock the real user
out of a client they have used before. Its own migration set.

Add migration functions at the end; never edit one that has shipped.
"""

from sqlite_utils import Migrations

migrations = Migrations("caseboard.known_clients")


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
