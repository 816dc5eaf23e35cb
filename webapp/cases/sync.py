"""Keeping the store in step with the wall: scan -> preview -> apply.

The one sync library for the web pages, the JSON API and ``caseboard scan
--apply``. It knows nothing of Flask or click.

* :func:`scan_uploads` runs the scanner on uploaded photos (with the expected
  tokens of each board as hints) and returns the scan JSON and annotated photos.
* :func:`preview_scan` compares a scan (CONTRACT §3 JSON) with the store and
  keeps the comparison as a *preview*. It changes no family.
* :func:`apply_scan` writes a preview in one transaction: tiles seen on another
  board move stage, every tile's last-seen place is updated, history events
  are appended. A scan applies at most once, and a scan of photos that were
  already applied (same content hash) changes nothing.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Sequence

from PIL import Image
from sqlite_utils import Database

from tilegen.payload import parse_tile_url
from tilegen.standard import STAGES
from webapp.cases.families import family_view
from webapp.cases.teams import scan_settings, team_today
from webapp.errors import BadInput, NotFound
from webapp.store import access_log, events
from webapp.store.connection import utcnow

ZONES = ("main", "amber", "red")
MAX_MEGAPIXELS = 52  # a 50 MP phone photo is the largest a phone makes by default
PREVIEW_SIDE = 1600  # annotated photos are stored at most this wide


# -- running the scanner on uploads -------------------------------------------


def numbered(uploads: Sequence[tuple[str | None, bytes]]) -> list[tuple[str, bytes]]:
    """Give each upload a safe, unique name: ``1-board.jpg``, ``2-photo.jpg``..."""
    from werkzeug.utils import secure_filename

    return [
        (f"{i}-{secure_filename(name or '') or 'photo.jpg'}", data)
        for i, (name, data) in enumerate(uploads, start=1)
    ]


def photos_meta(photos: Sequence[tuple[str, bytes]]) -> list[dict]:
    return [
        {"name": name, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
        for name, data in photos
    ]


def photos_hash(meta: list[dict]) -> str:
    """One hash for a set of photos, whatever their names or order."""
    return hashlib.sha256("\n".join(sorted(m["sha256"] for m in meta)).encode()).hexdigest()


def json_hash(scan_json: dict) -> str:
    core = {k: scan_json.get(k) for k in ("tiles", "boards", "unknown")}
    return hashlib.sha256(json.dumps(core, sort_keys=True).encode()).hexdigest()


def check_photo_size(name: str, data: bytes, max_megapixels: float = MAX_MEGAPIXELS) -> None:
    """Refuse a photo whose header promises more pixels than a phone photo has.

    Pillow's own bomb guard only starts at ~89 MP; a 60 MP image (or a tiny PNG
    claiming 60 MP) would still cost seconds and hundreds of MB to scan here.
    Unreadable files are left for the scanner, which names what is wrong.
    """
    if not data:
        raise BadInput(f"{name}: the file is empty")
    try:
        with Image.open(io.BytesIO(data)) as img:
            width, height = img.size
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return
    megapixels = width * height / 1e6
    if megapixels > max_megapixels:
        raise BadInput(
            f"{name}: the image is {width} x {height} ({megapixels:.0f} MP); caseboard scans "
            f"photos up to {max_megapixels:.0f} MP, so take it at the phone's normal resolution"
        )


def expected_hints(db: Database, team: dict) -> dict[int, list[str]]:
    """Stage -> tokens the scanner should expect on that board (the scanner's ``hints``).

    A tile is expected on its stage's board and on the board it was last seen on.
    """
    hints: dict[int, set[str]] = {stage: set() for stage in STAGES}
    for row in db.query(
        "select token, stage, last_stage from families where team_id = ? and closed is null",
        [team["id"]],
    ):
        hints[row["stage"]].add(row["token"])
        if row["last_stage"] in hints:
            hints[row["last_stage"]].add(row["token"])
    return {stage: sorted(tokens) for stage, tokens in hints.items() if tokens}


def scan_uploads(
    db: Database,
    team: dict,
    photos: Sequence[tuple[str, bytes]],
    *,
    max_megapixels: float = MAX_MEGAPIXELS,
) -> tuple[dict, list[tuple[str, bytes]]]:
    """Scan uploaded photos with this team's board geometry and hints.

    Returns the scan JSON and the annotated photos as (name, JPEG bytes).
    Raises :class:`BadInput` when no photo could be read at all; one bad photo
    among good ones is reported in the scan's ``errors`` instead.
    """
    from scanner import scan_photos

    if not photos:
        raise BadInput("choose at least one photo of a board")
    good, errors = [], []
    for name, data in photos:
        try:
            check_photo_size(name, data, max_megapixels)
            good.append((name, data))
        except BadInput as exc:
            errors.append({"photo": name, "error": str(exc)})
    settings = scan_settings(db, team)
    result = scan_photos(
        good,
        settings["geometries"],
        settings["marker_base"],
        hints=expected_hints(db, team),
        keep_annotated=True,
    )
    scan_json = result.to_json()
    images = [(name, _small_jpeg(picture)) for name, picture in result.annotated]
    scan_json["errors"] = errors + scan_json.get("errors", [])
    if not scan_json.get("photos"):
        raise BadInput(
            "; ".join(e["error"] for e in scan_json["errors"]) or "no photo could be read"
        )
    return scan_json, images


def _small_jpeg(picture: Image.Image) -> bytes:
    """An annotated photo as the preview stores it: a JPEG at most PREVIEW_SIDE across."""
    picture.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE))
    buf = io.BytesIO()
    picture.convert("RGB").save(buf, "JPEG", quality=80, optimize=True)
    return buf.getvalue()


# -- checking a scan JSON ------------------------------------------------------


def check_scan_json(data) -> dict:
    """The scan JSON (CONTRACT §3 shape) with tokens filled in, or :class:`BadInput`."""
    if not isinstance(data, dict) or not isinstance(data.get("tiles"), list):
        raise BadInput('the scan must be a JSON object with a "tiles" list, like `scan --json`')
    tiles = []
    for i, tile in enumerate(data["tiles"]):
        if not isinstance(tile, dict):
            raise BadInput(f"tiles[{i}] must be an object")
        payload = tile.get("payload")
        token = tile.get("token") or (parse_tile_url(payload) if isinstance(payload, str) else None)
        if not isinstance(payload, str) and not isinstance(token, str):
            raise BadInput(f"tiles[{i}] needs a payload or a token")
        stage, zone = tile.get("stage"), tile.get("zone")
        if stage is not None and (not isinstance(stage, int) or stage not in STAGES):
            raise BadInput(f"tiles[{i}].stage must be 1 to 6 or null, not {stage!r}")
        if zone not in (*ZONES, None):
            raise BadInput(f"tiles[{i}].zone must be main, amber, red or null, not {zone!r}")
        for key in ("x_mm", "y_mm"):
            value = tile.get(key)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int | float)
            ):
                raise BadInput(f"tiles[{i}].{key} must be a number or null")
        tiles.append({**tile, "token": token.strip().upper() if isinstance(token, str) else None})
    boards = data.get("boards") or []
    if not isinstance(boards, list) or not all(
        isinstance(b, dict) and b.get("stage") in STAGES for b in boards
    ):
        raise BadInput('"boards" must be a list of objects with a stage from 1 to 6')
    unknown = data.get("unknown") or []
    if not isinstance(unknown, list) or not all(isinstance(u, str) for u in unknown):
        raise BadInput('"unknown" must be a list of strings')
    return {**data, "tiles": tiles, "boards": boards, "unknown": unknown}


# -- comparing a scan with the store -------------------------------------------


def _team_rows(db: Database, team: dict) -> dict[str, dict]:
    return {r["token"]: r for r in db["families"].rows_where("team_id = ?", [team["id"]])}


def compare(db: Database, team: dict, scan: dict) -> dict:
    """What the scan says about the wall, against the store as it is now."""
    rows = _team_rows(db, team)
    today = team_today(team)
    seen, moves, wrong_zone, unplaced, closed, unknown = [], [], [], [], [], []
    seen_tokens = set()
    for tile in scan["tiles"]:
        row = rows.get(tile["token"]) if tile["token"] else None
        if row is None:
            reason = "not a tile code" if not tile["token"] else "not one of this team's tiles"
            unknown.append({"text": tile.get("payload") or tile["token"], "reason": reason})
            continue
        seen_tokens.add(row["token"])
        view = family_view(db, row, team, today, flags=[])
        base = {"token": row["token"], "initials": row["initials"], "photo": tile.get("photo")}
        if row["closed"]:
            closed.append({**base, "closed": row["closed"], "stage": tile.get("stage")})
            continue
        if tile.get("stage") is None or tile.get("zone") is None:
            if not tile.get("duplicate"):
                unplaced.append({**base, "stage": tile.get("stage")})
            continue
        place = {
            **base,
            "stage": tile["stage"],
            "zone": tile["zone"],
            "x_mm": tile.get("x_mm"),
            "y_mm": tile.get("y_mm"),
        }
        seen.append(place)
        if tile["stage"] != row["stage"]:
            moves.append({**base, "from": row["stage"], "to": tile["stage"], "zone": tile["zone"]})
        if tile["zone"] != view["expected_zone"]:
            wrong_zone.append(
                {
                    **base,
                    "stage": tile["stage"],
                    "zone": tile["zone"],
                    "expected_zone": view["expected_zone"],
                    "status": view["status"],
                    "next_review": row["next_review"],
                    "due": view["due"],
                }
            )
    unknown += [{"text": text, "reason": "not a tile code"} for text in scan["unknown"]]
    photographed = sorted({b["stage"] for b in scan["boards"] if b.get("located", True)})
    missing = [
        {
            "token": row["token"],
            "initials": row["initials"],
            "stage": row["stage"],
            "last_stage": row["last_stage"],
            "last_zone": row["last_zone"],
            "last_seen_at": row["last_seen_at"],
        }
        for row in sorted(rows.values(), key=lambda r: (r["stage"], r["initials"]))
        if not row["closed"] and row["stage"] in photographed and row["token"] not in seen_tokens
    ]
    duplicates = [
        {
            "token": d.get("token"),
            "initials": rows[d["token"]]["initials"] if d.get("token") in rows else None,
            "places": d.get("places", []),
        }
        for d in scan.get("duplicates") or []
        if d.get("token") in rows or not d.get("token")
    ]
    advice = [s for p in scan.get("photos") or [] for s in p.get("suggestions", [])]
    return {
        "moves": moves,
        "wrong_zone": wrong_zone,
        "missing": missing,
        "unknown": unknown,
        "duplicates": duplicates,
        "unplaced": unplaced,
        "closed": closed,
        "seen": seen,
        "boards": photographed,
        "advice": list(dict.fromkeys(advice)),
        "errors": scan.get("errors") or [],
    }


# -- stored previews -----------------------------------------------------------


def preview_scan(
    db: Database,
    team: dict,
    scan_json: dict,
    user_id: int | None,
    *,
    photos_meta: list[dict] | None = None,
    images: Sequence[tuple[str, bytes]] = (),
    source: str = "web",
) -> dict:
    """Check ``scan_json``, compare it with the store and keep it as a preview.

    Nothing about any family changes. Returns the scan record (see :func:`scan_view`).
    """
    scan = check_scan_json(scan_json)
    content_hash = photos_hash(photos_meta) if photos_meta else json_hash(scan)
    preview = compare(db, team, scan)
    earlier = _applied_with_hash(db, team, content_hash)
    if earlier:
        preview["already_applied"] = earlier["id"]
    with db.atomic():
        scan_id = (
            db["scans"]
            .insert(
                {
                    "team_id": team["id"],
                    "user_id": user_id,
                    "created_at": utcnow(),
                    "source": source,
                    "content_hash": content_hash,
                    "photos": json.dumps(photos_meta or []),
                    "result": json.dumps(scan),
                    "preview": json.dumps(preview),
                    "status": "preview",
                }
            )
            .last_pk
        )
        for position, (name, jpeg) in enumerate(images):
            db["scan_images"].insert(
                {"scan_id": scan_id, "position": position, "name": name, "jpeg": jpeg}
            )
        counts = {k: len(preview[k]) for k in ("moves", "wrong_zone", "missing", "unknown")}
        access_log.record(
            db, team["id"], user_id, access_log.SCAN_PREVIEW, str(scan_id), counts, source=source
        )
    return get_scan(db, team, scan_id)


def _applied_with_hash(db: Database, team: dict, content_hash: str) -> dict | None:
    rows = list(
        db["scans"].rows_where(
            "team_id = ? and content_hash = ? and status = 'applied'",
            [team["id"], content_hash],
            order_by="id",
            limit=1,
        )
    )
    return rows[0] if rows else None


def get_scan(db: Database, team: dict, scan_id: int | str) -> dict:
    """A scan of this team as a dict; another team's scan is simply not found."""
    try:
        scan_id = int(scan_id)
    except (TypeError, ValueError):
        raise NotFound(f"no scan {scan_id!r}") from None
    rows = list(db["scans"].rows_where("id = ? and team_id = ?", [scan_id, team["id"]]))
    if not rows:
        raise NotFound(f"no scan {scan_id}")
    return scan_view(db, rows[0])


def scan_view(db: Database, row: dict) -> dict:
    preview = json.loads(row["preview"])
    images = [
        {"position": r["position"], "name": r["name"]}
        for r in db.query(
            "select position, name from scan_images where scan_id = ? order by position",
            [row["id"]],
        )
    ]
    return {
        "id": row["id"],
        "status": row["status"],
        "created_at": row["created_at"],
        "source": row["source"],
        "photos": json.loads(row["photos"] or "[]"),
        "images": images,
        **preview,
        "applied_at": row["applied_at"],
        "applied": json.loads(row["applied"]) if row["applied"] else None,
    }


def scan_image(db: Database, team: dict, scan_id: int, position: int) -> bytes:
    rows = list(
        db.query(
            """select i.jpeg from scan_images i join scans s on s.id = i.scan_id
               where s.id = ? and s.team_id = ? and i.position = ?""",
            [scan_id, team["id"], position],
        )
    )
    if not rows:
        raise NotFound(f"no photo {position} in scan {scan_id}")
    return rows[0]["jpeg"]


def public_preview(scan: dict) -> dict:
    """The API's answer: CONTRACT §4's keys first, then the extras."""
    keys = ("id", "moves", "wrong_zone", "missing", "unknown")
    extras = ("status", "duplicates", "unplaced", "closed", "boards", "advice", "errors")
    out = {k: scan[k] for k in keys}
    out.update({k: scan.get(k) for k in extras})
    if scan.get("already_applied"):
        out["already_applied"] = scan["already_applied"]
    if scan.get("applied") is not None:
        out["applied"] = scan["applied"]
    return out


# -- applying ------------------------------------------------------------------


def apply_scan(
    db: Database,
    team: dict,
    scan_id: int | str,
    user_id: int | None,
    source: str = "web",
    *,
    ip: str | None = None,
) -> dict:
    """Write a preview into the store, once, in one transaction.

    The scan is compared with the store again at apply time, so a date or
    stage changed since the preview is respected. Returns what changed:
    ``{"applied": bool, "moved": [...], "placed": [...], "seen": n, "note": str}``.
    """
    scan = get_scan(db, team, scan_id)
    with db.atomic():
        claimed = db.execute(
            "update scans set status = 'applied', applied_at = ?, applied_by = ? "
            "where id = ? and team_id = ? and status = 'preview'",
            [utcnow(), user_id, scan["id"], team["id"]],
        ).rowcount
        if not claimed:  # applied before (maybe by someone else a moment ago)
            done = get_scan(db, team, scan["id"])
            return {
                "applied": False,
                "moved": [],
                "placed": [],
                "seen": 0,
                "note": f"scan {scan['id']} was already applied at {done['applied_at']}",
            }
        row = db["scans"].get(scan["id"])
        earlier = _applied_with_hash_except(db, team, row["content_hash"], row["id"])
        if earlier:
            summary = {
                "applied": True,
                "moved": [],
                "placed": [],
                "seen": 0,
                "note": f"the same photos were applied in scan {earlier['id']}; nothing to change",
            }
        else:
            summary = _write(db, team, row, user_id, source)
        db["scans"].update(row["id"], {"applied": json.dumps(summary)})
        access_log.record(
            db,
            team["id"],
            user_id,
            access_log.SCAN_APPLY,
            str(row["id"]),
            {"moved": len(summary["moved"]), "placed": len(summary["placed"])},
            source=source,
            ip=ip,
        )
    return summary


def _applied_with_hash_except(db, team, content_hash, scan_id) -> dict | None:
    rows = list(
        db["scans"].rows_where(
            "team_id = ? and content_hash = ? and status = 'applied' and id != ?",
            [team["id"], content_hash, scan_id],
            limit=1,
        )
    )
    return rows[0] if rows else None


def _write(db: Database, team: dict, scan_row: dict, user_id, source) -> dict:
    """Inside the apply transaction: update each seen tile and append its events."""
    preview = compare(db, team, json.loads(scan_row["result"]))
    rows = _team_rows(db, team)
    seen_at = scan_row["created_at"]
    moved, placed, stale = [], [], 0
    for place in preview["seen"]:
        row = rows[place["token"]]
        if row["last_seen_at"] and row["last_seen_at"] > seen_at:
            stale += 1  # a newer photo already placed this tile
            continue
        changes = {
            "last_stage": place["stage"],
            "last_zone": place["zone"],
            "last_x_mm": place["x_mm"],
            "last_y_mm": place["y_mm"],
            "last_seen_at": seen_at,
        }
        detail = {"scan": scan_row["id"]}
        if place["stage"] != row["stage"]:
            changes["stage"] = place["stage"]
            _event(
                db,
                team,
                row,
                events.STAGE_MOVED,
                {"from": row["stage"], "to": place["stage"], **detail},
                user_id,
                source,
            )
            moved.append({"token": row["token"], "from": row["stage"], "to": place["stage"]})
        if (row["last_stage"], row["last_zone"]) != (place["stage"], place["zone"]):
            where = {k: place[k] for k in ("stage", "zone", "x_mm", "y_mm")}
            _event(db, team, row, events.ZONE_SEEN, {**where, **detail}, user_id, source)
            placed.append({"token": row["token"], "stage": place["stage"], "zone": place["zone"]})
        changes["updated_at"] = utcnow()
        db["families"].update(row["id"], changes)
    note = (
        f"{len(preview['seen'])} tiles seen, {len(moved)} moved board, {len(placed)} in a new place"
    )
    if stale:
        note += f"; {stale} left alone because a newer photo had placed them"
    return {
        "applied": True,
        "moved": moved,
        "placed": placed,
        "seen": len(preview["seen"]),
        "note": note,
    }


def _event(db, team, row, kind, detail, user_id, source) -> None:
    events.record_event(db, team["id"], row["id"], kind, detail, user_id, source, team["timezone"])
