"""A watched folder: a camera's upload folder, or a phone's synced camera folder.

Each pass takes the photos that have finished arriving (size and modification time
unchanged over ``settle`` seconds), scans them together into one preview exactly as
``POST /api/scans`` does (:func:`previews.preview_photos`), and moves each photo to
``done/`` or ``failed/`` (with ``NAME.reason.txt`` beside a failed one). A photo whose
content was scanned before is not scanned again. Photos in ``done/`` and ``failed/``
are deleted after ``keep_days``, so the folder never fills up.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from webapp.cases.sync import unattended
from webapp.cases.sync.previews import preview_photos
from webapp.errors import BadInput
from webapp.store.connection import utcnow

DONE, FAILED = "done", "failed"
REASON_SUFFIX = ".reason.txt"
#: Names of files still being written by common uploaders and sync tools.
PARTIAL_SUFFIXES = (".part", ".partial", ".tmp", ".crdownload", ".download", "~")
DEFAULT_SETTLE_S = 2.0
DEFAULT_KEEP_DAYS = 7


@dataclass(frozen=True)
class Arrival:
    path: Path
    size: int
    mtime_ns: int


def arrivals(folder: Path) -> dict[Path, Arrival]:
    """Files directly in ``folder`` that may be photos (not hidden, not partial)."""
    found = {}
    for entry in os.scandir(folder):
        name = entry.name
        if name.startswith(".") or name.lower().endswith(PARTIAL_SUFFIXES):
            continue
        if not entry.is_file(follow_symlinks=False):
            continue
        st = entry.stat(follow_symlinks=False)
        found[Path(entry.path)] = Arrival(Path(entry.path), st.st_size, st.st_mtime_ns)
    return found


def settled(folder: Path, settle: float, sleep=time.sleep) -> list[Path]:
    """The files whose size and modification time did not change over ``settle`` seconds
    (an upload still under way changes one of them); oldest first."""
    before = arrivals(folder)
    if not before:
        return []
    if settle > 0:
        sleep(settle)
    after = arrivals(folder)
    stable = [a for p, a in after.items() if before.get(p) == a and a.size > 0 or _empty(a, p)]
    return [a.path for a in sorted(stable, key=lambda a: (a.mtime_ns, a.path.name))]


def _empty(a: Arrival, path: Path) -> bool:
    """An empty file that has stayed empty for a minute will not become a photo."""
    return a.size == 0 and time.time() - a.mtime_ns / 1e9 > 60


def watch_once(
    db: Database,
    team: dict,
    folder: str | os.PathLike,
    *,
    apply_if_clean: bool = False,
    settle: float = DEFAULT_SETTLE_S,
    keep_days: float = DEFAULT_KEEP_DAYS,
    user_id: int | None = None,
) -> dict | None:
    """One pass over ``folder``: the preview object (docs/contract.md §11) with
    ``photos`` (``done`` and ``failed`` names), or None when nothing new was there."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BadInput(f"{folder} is not a folder")
    for sub in (DONE, FAILED):
        (folder / sub).mkdir(exist_ok=True)
    purge(folder, keep_days)
    paths = settled(folder, settle)
    if not paths:
        return None
    batch, failed = [], []
    for path in paths:
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        earlier = _scanned_before(db, team, digest)
        if earlier:
            failed.append((path, digest, f"already scanned (scan {earlier}); not scanned again"))
        else:
            batch.append((path, digest, data))
    out = None
    if batch:
        out, failed_now = _scan_batch(db, team, batch, apply_if_clean, user_id)
        failed += failed_now
    done = [b for b in batch if b[0] not in {f[0] for f in failed}]
    _file_away(db, team, folder, done, failed, out["id"] if out else None)
    if out is None:
        return None
    out["photos"] = {
        DONE: [p.name for p, *_ in done],
        FAILED: [{"name": p.name, "reason": r} for p, _, r in failed],
    }
    return out


def _scan_batch(db, team, batch, apply_if_clean, user_id) -> tuple[dict | None, list]:
    """Scan the batch into one preview; returns it and the photos that failed, with why."""
    try:
        scan = preview_photos(
            db, team, [(p.name, data) for p, _, data in batch], user_id=user_id, source="watch"
        )
    except BadInput as exc:  # not one photo could be read: each one failed
        unattended.record_run(db, team, "watch", error=str(exc))
        return None, [(p, digest, _reason(str(exc), p.name)) for p, digest, _ in batch]
    # preview_photos names the photos "1-NAME", "2-NAME"... in the order given
    numbered = {f"{i}-": (p, digest) for i, (p, digest, _) in enumerate(batch, start=1)}
    failed = []
    for error in scan.get("errors") or []:
        prefix = str(error.get("photo", "")).split("-", 1)[0] + "-"
        if prefix in numbered:
            p, digest = numbered[prefix]
            failed.append((p, digest, _reason(error["error"], p.name)))
    out = unattended.finish(
        db, team, scan, trigger="watch", apply_if_clean=apply_if_clean, user_id=user_id
    )
    return out, failed


def _reason(message: str, name: str) -> str:
    """The scanner's message about a photo, naming it by its own file name."""
    _, sep, rest = message.partition(": ")
    return f"{name}: {rest}" if sep else f"{name}: {message}"


def _scanned_before(db: Database, team: dict, digest: str) -> int | None:
    rows = list(
        db.query(
            "select scan_id from watched_photos where team_id = ? and sha256 = ? "
            "and outcome = 'done' order by id limit 1",
            [team["id"], digest],
        )
    )
    return rows[0]["scan_id"] if rows else None


def _file_away(db, team, folder: Path, done, failed, scan_id) -> None:
    """Move each photo into done/ or failed/ (a reason file beside a failed one) and
    remember its content, so the same photo is never scanned twice."""
    now = utcnow()
    with db.atomic():
        for path, digest, *_ in done:
            _move(path, folder / DONE)
            db["watched_photos"].insert(
                {
                    "team_id": team["id"],
                    "sha256": digest,
                    "name": path.name,
                    "at": now,
                    "scan_id": scan_id,
                    "outcome": DONE,
                }
            )
        for path, digest, reason in failed:
            target = _move(path, folder / FAILED)
            target.with_name(target.name + REASON_SUFFIX).write_text(reason + "\n")
            db["watched_photos"].insert(
                {
                    "team_id": team["id"],
                    "sha256": digest,
                    "name": path.name,
                    "at": now,
                    "scan_id": scan_id,
                    "outcome": FAILED,
                    "reason": reason,
                }
            )


def _move(path: Path, into: Path) -> Path:
    """Move ``path`` into ``into`` without overwriting anything; its clock restarts now,
    so the retention period counts from when it was scanned."""
    target = into / path.name
    n = 1
    while target.exists():
        n += 1
        target = into / f"{path.stem}-{n}{path.suffix}"
    os.replace(path, target)
    os.utime(target)
    return target


def purge(folder: Path, keep_days: float, now: float | None = None) -> list[str]:
    """Delete photos (and reason files) in done/ and failed/ older than ``keep_days``."""
    cutoff = (now if now is not None else time.time()) - keep_days * 86400
    gone = []
    for sub in (DONE, FAILED):
        where = folder / sub
        if not where.is_dir():
            continue
        for entry in os.scandir(where):
            if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < cutoff:
                os.unlink(entry.path)
                gone.append(f"{sub}/{entry.name}")
    return gone


def watch(
    db: Database,
    team: dict,
    folder: str | os.PathLike,
    *,
    on_batch,
    interval: float = 10.0,
    sleep=time.sleep,
    **options,
) -> None:
    """Watch ``folder`` until interrupted: a pass every ``interval`` seconds, each
    preview handed to ``on_batch``."""
    while True:
        out = watch_once(db, team, folder, **options)
        if out is not None:
            on_batch(out)
        sleep(interval)
