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
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from webapp.cases.sync import unattended
from webapp.cases.sync.previews import preview_photos
from webapp.cases.sync.uploads import numbered
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


@dataclass
class Pass:
    """What one look at the folder did: the preview (None when nothing was scanned), and
    the photos filed in done/ and failed/ (``{"name", "reason"}``)."""

    preview: dict | None = None
    done: list[str] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.preview or self.done or self.failed)


def watch_once(
    db: Database,
    team: dict,
    folder: str | os.PathLike,
    *,
    apply_if_clean: bool = False,
    settle: float = DEFAULT_SETTLE_S,
    keep_days: float = DEFAULT_KEEP_DAYS,
    user_id: int | None = None,
) -> Pass:
    """One look at ``folder``. The pass's ``preview`` is the preview object of
    docs/contract.md §11, with ``photos`` (the ``done`` and ``failed`` ones)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BadInput(f"{folder} is not a folder")
    for sub in (DONE, FAILED):
        (folder / sub).mkdir(exist_ok=True)
    purge(folder, keep_days)
    batch, failed = [], []
    for path in settled(folder, settle):
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        earlier = _scanned_before(db, team, digest)
        if earlier:
            failed.append((path, digest, f"{path.name}: already scanned in scan {earlier}"))
        else:
            batch.append((path, digest, data))
    out = None
    if batch:
        out, failed_now = _scan_batch(db, team, batch, apply_if_clean, user_id)
        failed += failed_now
    done = [b for b in batch if b[0] not in {f[0] for f in failed}]
    _file_away(db, team, folder, done, failed, out["id"] if out else None)
    result = Pass(
        out, [p.name for p, *_ in done], [{"name": p.name, "reason": r} for p, _, r in failed]
    )
    if out is not None:
        out["photos"] = {DONE: result.done, FAILED: result.failed}
    return result


def _scan_batch(db, team, batch, apply_if_clean, user_id) -> tuple[dict | None, list]:
    """Scan the batch into one preview; returns it and the photos that failed, with why."""
    # preview_photos names the photos "1-NAME", "2-NAME"... in the order given
    names = [name for name, _ in numbered([(p.name, b"") for p, *_ in batch])]
    try:
        scan = preview_photos(
            db, team, [(p.name, data) for p, _, data in batch], user_id=user_id, source="watch"
        )
    except BadInput as exc:  # not one photo could be read: each one failed
        unattended.record_run(db, team, "watch", error=str(exc))
        reasons = _split(str(exc), names)
        return None, [
            (p, digest, _reason(reasons.get(name, str(exc)), p.name))
            for (p, digest, _), name in zip(batch, names, strict=True)
        ]
    by_name = {name: (p, digest) for (p, digest, _), name in zip(batch, names, strict=True)}
    failed = []
    for error in scan.get("errors") or []:
        if error.get("photo") in by_name:
            p, digest = by_name[error["photo"]]
            failed.append((p, digest, _reason(error["error"], p.name)))
    out = unattended.finish(
        db, team, scan, trigger="watch", apply_if_clean=apply_if_clean, user_id=user_id
    )
    return out, failed


def _split(message: str, names: list[str]) -> dict[str, str]:
    """The one-line message for a batch in which no photo could be read ("1-a.jpg: why;
    2-b.txt: why") cut into each photo's own part, by the photos' numbered names."""
    starts = sorted((i, n) for n in names if (i := message.find(f"{n}: ")) >= 0)
    parts = {}
    for k, (i, name) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(message)
        parts[name] = message[i:end].rstrip("; ")
    return parts


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
    """Watch ``folder`` until interrupted: a look every ``interval`` seconds, each
    :class:`Pass` that scanned or filed anything handed to ``on_batch``."""
    while True:
        done = watch_once(db, team, folder, **options)
        if done:
            on_batch(done)
        sleep(interval)
