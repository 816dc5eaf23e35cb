"""Schema of the web area, versioned as its own sqlite-utils migration set.

Add migration functions at the end; never edit one that has shipped.
"""

from sqlite_utils import Migrations

migrations = Migrations("caseboard.web")


@migrations()
def m001_scans_audit_logins(db):
    """Scan previews (applied once), their annotated photos, the audit log, failed logins."""
    db["scans"].create(
        {
            "id": int,
            "team_id": int,
            "user_id": int,
            "created_at": str,  # UTC ISO timestamp of the upload: when the tiles were seen
            "source": str,  # web, api, cli
            "content_hash": str,  # SHA-256 of the photos (or scan JSON): same photo, same hash
            "photos": str,  # JSON: [{name, sha256, bytes}]
            "result": str,  # JSON: the scanner's output (docs/contract.md §3 shape plus extras)
            "preview": str,  # JSON: moves, wrong_zone, missing, unknown, duplicates, advice
            "status": str,  # preview | applied
            "applied_at": str,
            "applied_by": int,
            "applied": str,  # JSON: what apply actually changed
        },
        pk="id",
        foreign_keys=[("team_id", "teams", "id"), ("user_id", "users", "id")],
        not_null={"team_id", "created_at", "content_hash", "result", "preview", "status"},
        defaults={"status": "preview"},
    )
    db["scans"].create_index(["team_id", "content_hash"])
    db["scan_images"].create(
        {"id": int, "scan_id": int, "position": int, "name": str, "jpeg": bytes},
        pk="id",
        foreign_keys=[("scan_id", "scans", "id")],
        not_null={"scan_id", "position", "jpeg"},
    )
    db["scan_images"].create_index(["scan_id", "position"], unique=True)
    db["audit"].create(
        {
            "id": int,
            "team_id": int,
            "user_id": int,
            "at": str,  # UTC ISO timestamp
            "action": str,  # tile.view, scan.preview, scan.apply, review.set, stage.move, ...
            "target": str,  # a tile token or scan id
            "detail": str,  # JSON
            "source": str,  # web, api, cli
            "ip": str,
        },
        pk="id",
        foreign_keys=[("team_id", "teams", "id"), ("user_id", "users", "id")],
        not_null={"team_id", "at", "action"},
    )
    db["audit"].create_index(["team_id", "at"])
    db["login_failures"].create(
        {"id": int, "username": str, "ip": str, "at": float},
        pk="id",
        not_null={"username", "at"},
    )
    db["login_failures"].create_index(["username", "ip", "at"])
