"""What a scan starts from: uploaded photos or a scan JSON, checked, and the scanner run
on the photos with the team's boards and the tokens each board should hold."""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Sequence

from PIL import Image
from sqlite_utils import Database

from tilegen.payload import parse_tile_url
from tilegen.standard import STAGES, ZONE_NAMES
from webapp.accounts.teams import scan_settings
from webapp.errors import BadInput
from webapp.scans import limits

MAX_MEGAPIXELS = 52  # a 50 MP phone photo is the largest a phone makes by default
MIN_SIDE = 64  # px: a board photo narrower than this holds no readable code
MAX_ASPECT = 8.0  # a photo of a board is never thinner than 1:8
#: The decoded pixel buffer of one photo: a 52 MP photo in 8-bit RGB fits, a 16-bit
#: 50 MP PNG (or an RGBA palette image of that size) does not.
MAX_PIXEL_BYTES = 160 * 2**20
PREVIEW_SIDE = 1600  # annotated photos are stored at most this wide


def numbered(
    uploads: Sequence[tuple[str | None, bytes]], start: int = 1
) -> list[tuple[str, bytes]]:
    """Give each upload a safe, unique name: ``1-board.jpg``, ``2-photo.jpg``... (numbered
    from ``start``, so photos added to a scan carry on its numbering)."""
    from werkzeug.utils import secure_filename

    return [
        (f"{i}-{secure_filename(name or '') or 'photo.jpg'}", data)
        for i, (name, data) in enumerate(uploads, start=start)
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
    """Refuse, from its header alone and before any pixel is decoded, a photo that is too
    large, too small, too thin, or whose decoded pixels would take too much memory.

    Pillow's own bomb guard only starts at ~89 MP; a 60 MP image (or a tiny PNG
    claiming 60 MP) would still cost seconds and hundreds of MB to scan here.
    Unreadable files are left for the scanner, which names what is wrong.
    """
    if not data:
        raise BadInput(f"{name}: the file is empty")
    try:
        with Image.open(io.BytesIO(data)) as img:
            width, height = img.size
            pixel_bytes = width * height * _bytes_per_pixel(img, data)
    except Image.DecompressionBombError:
        raise BadInput(f"{name}: the image is far too large to scan") from None
    except (OSError, SyntaxError, ValueError):
        return
    size = f"{width} x {height}"
    if min(width, height) < MIN_SIDE:
        raise BadInput(f"{name}: the image is {size} px; a board photo is at least "
                       f"{MIN_SIDE} px on each side")  # fmt: skip
    if max(width, height) / min(width, height) > MAX_ASPECT:
        raise BadInput(f"{name}: the image is {size} px, too long and thin for a board photo")
    megapixels = width * height / 1e6
    if megapixels > max_megapixels:
        raise BadInput(
            f"{name}: the image is {size} ({megapixels:.0f} MP); caseboard scans "
            f"photos up to {max_megapixels:.0f} MP, so take it at the phone's normal resolution"
        )
    if pixel_bytes > MAX_PIXEL_BYTES:
        raise BadInput(
            f"{name}: the image is {size} with deep colour ({pixel_bytes / 2**20:.0f} MiB "
            f"decoded, the limit is {MAX_PIXEL_BYTES // 2**20} MiB); send an ordinary photo"
        )


def _bytes_per_pixel(img: Image.Image, data: bytes) -> int:
    """Bytes each pixel takes once decoded as the scanner decodes it (JPEGs straight to
    grey; palettes and alpha via RGBA; 16-bit PNG samples as read from the header)."""
    if img.format in ("JPEG", "MPO"):
        return 1
    if img.mode in ("P", "PA", "LA", "RGBA", "La"):
        return 4
    if img.mode in ("I", "F"):
        return 4
    bands = len(img.getbands())
    deep = img.mode.startswith("I;16") or (
        img.format == "PNG" and data[12:16] == b"IHDR" and data[24] == 16
    )
    return bands * (2 if deep else 1)


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


def board_codes(db: Database, team: dict) -> dict[str, str]:
    """Token -> board code for the team's tiles: the labels on an annotated photo."""
    rows = db.query("select token, initials from families where team_id = ?", [team["id"]])
    return {row["token"]: row["initials"] for row in rows}


def scan_uploads(
    db: Database,
    team: dict,
    photos: Sequence[tuple[str, bytes]],
    *,
    max_megapixels: float = MAX_MEGAPIXELS,
    annotate_dir: str | os.PathLike | None = None,
) -> tuple[dict, list[tuple[str, bytes]]]:
    """Scan uploaded photos with this team's board geometry and hints.

    Returns the scan JSON and the annotated photos as (name, JPEG bytes). The photos are
    decoded and scanned one at a time, and each annotated copy is shrunk to a JPEG at
    once, so memory holds one photo's pixels (at most ``MAX_PIXEL_BYTES`` decoded) plus
    the scanner's working copies of it, whatever the number of photos.
    A photo that is refused or cannot be read is reported in the scan's ``errors``
    (``{"photo", "error"}``), so a scan of which no photo could be read has no
    ``photos``; ``annotate_dir`` also gets a full-size annotated copy of each photo.
    """
    from scanner import scan_photos

    if not photos:
        raise BadInput("choose at least one photo of a board")
    limits.check_request(photos)
    good, errors = [], []
    for name, data in photos:
        try:
            check_photo_size(name, data, max_megapixels)
            good.append((name, data))
        except BadInput as exc:
            errors.append({"photo": name, "error": str(exc)})
    settings = scan_settings(db, team)
    hints, labels = expected_hints(db, team), board_codes(db, team)
    result = scan_photos([], settings["geometries"], settings["marker_base"])
    images = []
    for photo in good:  # one at a time: one decoded photo in memory, never all of them
        with limits.decoding(db):  # and one at a time across every request and worker
            one = scan_photos(
                [photo], settings["geometries"], settings["marker_base"], hints=hints,
                keep_annotated=True, labels=labels, annotate_dir=annotate_dir,
            )  # fmt: skip
            images += [(name, _small_jpeg(picture)) for name, picture in one.annotated]
            result.photos += one.photos
            result.errors += one.errors
            del one  # its full-size annotated picture goes before the memory is handed back
    scan_json = result.to_json()
    scan_json["errors"] = errors + scan_json.get("errors", [])
    return scan_json, images


def _small_jpeg(picture: Image.Image) -> bytes:
    """An annotated photo as the preview stores it: a JPEG at most PREVIEW_SIDE across."""
    picture.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE))
    buf = io.BytesIO()
    picture.convert("RGB").save(buf, "JPEG", quality=80, optimize=True)
    return buf.getvalue()


def check_scan_json(data) -> dict:
    """The scan JSON (docs/contract.md §3 shape) with tokens filled in, or :class:`BadInput`."""
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
        if zone not in (*ZONE_NAMES, None):
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
