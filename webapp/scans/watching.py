"""A watched folder: a camera's upload folder, or a phone's synced camera folder.

Each pass takes the photos that have finished arriving (size and modification time
unchanged over ``settle`` seconds), scans them together into one preview exactly as
``POST /api/scans`` does (:func:`.intake.take_in`), and moves each photo to
``done/`` or ``failed/`` (with ``NAME.reason.txt`` beside a failed one). A photo whose
content was scanned before is not scanned again. Photos in ``done/`` and ``failed/``
are deleted after ``keep_days``, so the folder never fills up.

The folder is written to by upload accounts (SFTP, rsync, a sync tool) that may be able
to make symbolic links, so nothing here follows one: a ``done/`` or ``failed/`` that is a
link, or a photo that is one, stops the pass before anything is moved (exit 2 on the
command line), every file is opened, moved and deleted relative to a directory opened
with ``O_NOFOLLOW``, and only files named as photos are taken (a dropped ``.cfg`` or
script stays where it was put).
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from webapp.errors import BadInput
from webapp.scans import unattended
from webapp.scans.intake import take_in
from webapp.scans.uploads import numbered
from webapp.store.connection import utcnow
from webapp.values.actor import Actor

DONE, FAILED = "done", "failed"
REASON_SUFFIX = ".reason.txt"
#: Names of files still being written by common uploaders and sync tools.
PARTIAL_SUFFIXES = (".part", ".partial", ".tmp", ".crdownload", ".download", "~")
#: The only files taken from the folder: what phones and cameras write.
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".heic", ".heif", ".webp")
NOFOLLOW_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
DEFAULT_SETTLE_S = 2.0
DEFAULT_KEEP_DAYS = 7


@dataclass(frozen=True)
class Arrival:
    path: Path
    size: int
    mtime_ns: int


def arrivals(folder: Path) -> dict[Path, Arrival]:
    """Files directly in ``folder`` named as photos (not hidden, not partial).

    :class:`BadInput` when one of them is a symbolic link: the folder was tampered with.
    """
    found = {}
    for entry in os.scandir(folder):
        name = entry.name
        if name.startswith(".") or not name.lower().endswith(PHOTO_SUFFIXES):
            continue
        if entry.is_symlink():
            raise BadInput(f"{entry.path} is a symbolic link: refusing to read the folder")
        if not entry.is_file(follow_symlinks=False):
            continue
        st = entry.stat(follow_symlinks=False)
        if st.st_nlink > 1:  # a hard link shares another file: maybe one it cannot read
            raise BadInput(f"{entry.path} is a hard link to another file: refusing it")
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
    actor: Actor,
) -> Pass:
    """One look at ``folder``, its scans recorded as by ``actor`` (:meth:`Actor.watch`).
    The pass's ``preview`` is the preview object of docs/contract.md §11, with ``photos``
    (the ``done`` and ``failed`` ones)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BadInput(f"{folder} is not a folder")
    check_subfolders(folder)
    purge(folder, keep_days)
    batch, failed = [], []
    for path in settled(folder, settle):
        data = _read_nofollow(path)
        digest = hashlib.sha256(data).hexdigest()
        earlier = _scanned_before(db, team, digest)
        if earlier:
            failed.append((path, digest, f"{path.name}: already scanned in scan {earlier}"))
        else:
            batch.append((path, digest, data))
    out = None
    if batch:
        out, failed_now = _scan_batch(db, team, batch, apply_if_clean, actor=actor)
        failed += failed_now
    done = [b for b in batch if b[0] not in {f[0] for f in failed}]
    _file_away(db, team, folder, done, failed, out["id"] if out else None)
    result = Pass(
        out, [p.name for p, *_ in done], [{"name": p.name, "reason": r} for p, _, r in failed]
    )
    if out is not None:
        out["photos"] = {DONE: result.done, FAILED: result.failed}
    return result


def check_subfolders(folder: Path) -> None:
    """Make ``done/`` and ``failed/`` when missing; :class:`BadInput` when either is a
    symbolic link or not a folder (nothing is moved then)."""
    wheres = [folder / sub for sub in (DONE, FAILED)]
    for where in wheres:
        if os.path.lexists(where) and (where.is_symlink() or not where.is_dir()):
            raise BadInput(f"{where} is a symbolic link or not a folder: refusing to use it")
    for where in wheres:
        where.mkdir(exist_ok=True)


def _open_dir(path: Path) -> int:
    """A directory descriptor for ``path``, refusing a symbolic link in its last part."""
    try:
        return os.open(path, NOFOLLOW_DIR)
    except OSError as exc:
        raise BadInput(f"{path} is a symbolic link or not a folder: refusing to use it") from exc


def _read_nofollow(path: Path) -> bytes:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError as exc:
        raise BadInput(f"{path} is a symbolic link or cannot be read: refusing it") from exc
    with os.fdopen(fd, "rb") as f:
        return f.read()


def _scan_batch(db, team, batch, apply_if_clean, *, actor: Actor) -> tuple[dict | None, list]:
    """Scan the batch into one preview; returns it and the photos that failed, with why."""
    # the intake names the photos "1-NAME", "2-NAME"... in the order given
    names = [name for name, _ in numbered([(p.name, b"") for p, *_ in batch])]
    taken = take_in(db, team, [(p.name, data) for p, _, data in batch], actor=actor)
    by_name = {name: (p, digest) for (p, digest, _), name in zip(batch, names, strict=True)}
    if taken.refusal:  # nothing was kept: each photo failed, with its own reason if it has one
        unattended.record_run(db, team, "watch", error=taken.refused)
        why = {error.get("photo"): error["error"] for error in taken.errors}
        return None, [
            (p, d, _reason(why.get(n, taken.refused), p.name)) for n, (p, d) in by_name.items()
        ]
    failed = []
    for error in taken.errors:  # the photos the scanner could not read, as data
        if error.get("photo") in by_name:
            p, digest = by_name[error["photo"]]
            failed.append((p, digest, _reason(error["error"], p.name)))
    out = unattended.finish(
        db, team, taken.scan, trigger="watch", apply_if_clean=apply_if_clean, actor=actor
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
    filed = [(path, digest, DONE, None) for path, digest, *_ in done]
    filed += [(path, digest, FAILED, reason) for path, digest, reason in failed]
    with db.atomic():
        for path, digest, outcome, reason in filed:
            target = _move(path, folder, outcome)
            if reason is not None:
                _write_new(folder / FAILED, target + REASON_SUFFIX, reason + "\n")
            db["watched_photos"].insert(
                {
                    "team_id": team["id"],
                    "sha256": digest,
                    "name": path.name,
                    "at": now,
                    "scan_id": scan_id,
                    "outcome": outcome,
                    "reason": reason,
                }
            )


def _move(path: Path, folder: Path, sub: str) -> str:
    """Move ``path`` (directly in ``folder``) into ``folder/sub`` without overwriting
    anything and without following a link; returns its name there. Its clock restarts
    now, so the retention period counts from when it was scanned."""
    source, into = _open_dir(folder), _open_dir(folder / sub)
    try:
        stem, suffix = os.path.splitext(path.name)
        name, n = path.name, 1
        while _exists(name, into) or _exists(name + REASON_SUFFIX, into):
            n += 1
            name = f"{stem}-{n}{suffix}"
        os.replace(path.name, name, src_dir_fd=source, dst_dir_fd=into)
        os.utime(name, dir_fd=into, follow_symlinks=False)
    finally:
        os.close(source)
        os.close(into)
    return name


def _exists(name: str, dir_fd: int) -> bool:
    try:
        os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return False
    return True


def _write_new(where: Path, name: str, text: str) -> None:
    """Write a new file ``name`` in ``where``; an existing file or link there is an error."""
    into = _open_dir(where)
    try:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
        fd = os.open(name, flags, 0o644, dir_fd=into)
    finally:
        os.close(into)
    with os.fdopen(fd, "w") as out:
        out.write(text)


def purge(folder: Path, keep_days: float, now: float | None = None) -> list[str]:
    """Delete photos (and reason files) in done/ and failed/ older than ``keep_days``.

    Each subfolder is opened without following a link and its entries are deleted
    relative to it, so a ``done/`` swapped for a link never deletes in the link's target.
    """
    cutoff = (now if now is not None else time.time()) - keep_days * 86400
    gone = []
    for sub in (DONE, FAILED):
        if not os.path.lexists(folder / sub):
            continue
        where = _open_dir(folder / sub)
        try:
            for entry in os.scandir(where):
                info = entry.stat(follow_symlinks=False)
                if entry.is_file(follow_symlinks=False) and info.st_mtime < cutoff:
                    os.unlink(entry.name, dir_fd=where)
                    gone.append(f"{sub}/{entry.name}")
        finally:
            os.close(where)
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
