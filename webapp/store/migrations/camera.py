"""Schema of wall cameras and watched folders (docs/contract.md §11): its own migration set.

Add migration functions at the end; never edit one that has shipped.
"""

from sqlite_utils import Migrations

migrations = Migrations("caseboard.camera")


@migrations()
def m001_camera_runs_and_watched_photos(db):
    """Each capture or watched-folder batch and what became of it; each photo a watched
    folder has scanned, by content, so no photo is scanned twice."""
    db["camera_runs"].create(
        {
            "id": int,
            "team_id": int,
            "at": str,  # UTC ISO timestamp
            "trigger": str,  # schedule | request | cli | watch
            "slot": str,  # the scheduled time it ran for (UTC ISO), NULL when not scheduled
            "scan_id": int,  # the preview it made, NULL when nothing could be scanned
            "applied": int,  # 1 when --apply-if-clean applied it
            "not_clean": str,  # JSON list of reasons it was left as a preview
            "error": str,  # why nothing was scanned
            "capture": str,  # JSON: frames read and used, method, size (no pixels)
        },
        pk="id",
        foreign_keys=[("team_id", "teams", "id"), ("scan_id", "scans", "id")],
        not_null={"team_id", "at", "trigger"},
    )
    db["camera_runs"].create_index(["team_id", "slot"])
    db["watched_photos"].create(
        {
            "id": int,
            "team_id": int,
            "sha256": str,
            "name": str,
            "at": str,  # UTC ISO timestamp
            "scan_id": int,
            "outcome": str,  # done | failed
            "reason": str,
        },
        pk="id",
        foreign_keys=[("team_id", "teams", "id")],
        not_null={"team_id", "sha256", "at", "outcome"},
    )
    db["watched_photos"].create_index(["team_id", "sha256"])
