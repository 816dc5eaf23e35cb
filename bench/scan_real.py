"""The scanner benchmark's real photos: third-party photos of QR codes as they are, and
with specular spots laid over their codes (``--real-glare``), read by raw zxing-cpp and
by each scanner given (in this process, or a worker per source tree)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import cv2
import numpy as np
import zxingcpp

from scanner import scan_photos
from scanner.images import load_photo


def raw_zxing(gray):
    return {b.text for b in zxingcpp.read_barcodes(gray)}


def real_photos(root: Path):
    """Expected texts found by raw zxing-cpp and by caseboard in the third-party photos."""
    rows = {}
    for img in sorted(root.rglob("*.png")) + sorted(root.rglob("*.jpg")):
        expected = _expected(img)
        if not expected:
            continue
        folder = str(img.parent.relative_to(root)).split("/")[0]
        gray = load_photo(img).gray
        raw = {_norm(t) for t in raw_zxing(gray)}
        data = scan_photos([img]).to_json()
        ours = {_norm(t["payload"]) for t in data["tiles"]} | {_norm(t) for t in data["unknown"]}
        r = rows.setdefault(folder, [0, 0, 0, []])
        r[0] += len(expected)
        r[1] += sum(1 for e in expected if e in raw)
        r[2] += sum(1 for e in expected if e in ours)
        r[3] += [f"{img.relative_to(root)}" for e in expected if e in raw and e not in ours]
    return rows


# Specular spots laid over each code of a real photo: (label, spots, radius range as a
# share of the code's side). "glare": one clipped spot with a wide halo over part of the
# code; "large glare": a larger one; "bright spots": three small clipped glints.
REAL_GLARE = [
    ("glare", 1, (0.08, 0.14)),
    ("large glare", 1, (0.14, 0.2)),
    ("bright spots", 3, (0.05, 0.09)),
]


def with_spots(gray: np.ndarray, quad: np.ndarray, spots: int, radius, rng) -> np.ndarray:
    """``gray`` with ``spots`` specular spots (a clipped core, a halo that squeezes the
    contrast) at random places on the code ``quad`` (photo px), as scanner.synth_camera
    lays them on a board photo."""
    side = float(np.linalg.norm(quad - np.roll(quad, 1, axis=0), axis=1).mean())
    out = gray.astype(np.float32)
    yy, xx = np.ogrid[: gray.shape[0], : gray.shape[1]]
    for _ in range(spots):
        a, b = rng.uniform(0.1, 0.9, 2)
        top = quad[0] + a * (quad[1] - quad[0])
        bottom = quad[3] + a * (quad[2] - quad[3])
        x, y = top + b * (bottom - top)
        r = rng.uniform(*radius) * side
        q2 = ((xx - x) ** 2 + (yy - y) ** 2) / r**2
        out += 420.0 * np.exp(-(q2**2)) + 90.0 * np.exp(-q2 / 6)
    return np.clip(out, 0, 255).astype(np.uint8)


def real_glare(root: Path, seeds, scanners: dict) -> dict:
    """Raw zxing-cpp and each scanner (name -> photo path -> texts found) on the real
    photos whose codes raw zxing-cpp reads, each code given spots (:data:`REAL_GLARE`):
    {label: {"codes": n, "zxing-cpp": found, name: found...}}."""
    rows = {label: dict.fromkeys(["codes", "zxing-cpp", *scanners], 0) for label, *_ in REAL_GLARE}
    path = Path(f"/tmp/caseboard-scan-bench-{os.getpid()}.png")
    for img in sorted(root.rglob("*.png")) + sorted(root.rglob("*.jpg")):
        expected = set(_expected(img))
        gray = load_photo(img).gray
        clean = [b for b in zxingcpp.read_barcodes(gray) if _norm(b.text) in expected]
        for k, b in enumerate(clean):
            p = b.position
            corners = (p.top_left, p.top_right, p.bottom_right, p.bottom_left)
            quad = np.array([[q.x, q.y] for q in corners], np.float64)
            want = _norm(b.text)
            for label, spots, radius in REAL_GLARE:
                for seed in seeds:
                    rng = np.random.default_rng([seed, k, len(img.name), spots])
                    spotted = with_spots(gray, quad, spots, radius, rng)
                    path.write_bytes(cv2.imencode(".png", spotted)[1].tobytes())
                    r = rows[label]
                    r["codes"] += 1
                    r["zxing-cpp"] += want in {_norm(t) for t in raw_zxing(spotted)}
                    for name, scan in scanners.items():
                        r[name] += want in {_norm(t) for t in scan(path)}
    return rows


def in_process_texts(path: Path) -> set[str]:
    data = scan_photos([path]).to_json()
    return {t["payload"] for t in data["tiles"]} | set(data["unknown"])


def _norm(text: str) -> str:
    return text.replace("\r\n", "\n").strip()


def _expected(img: Path) -> list[str]:
    txt = img.with_suffix(".txt")
    if txt.exists():
        return [_norm(txt.read_text(encoding="utf-8"))]
    js = img.with_name(img.stem + ".expected.json")
    if js.exists():
        data = json.loads(js.read_text(encoding="utf-8"))
        items = data if isinstance(data, list) else data.get("texts", data.get("expected", []))
        return [_norm(t if isinstance(t, str) else t.get("text", "")) for t in items]
    return []


def print_real(root: Path, scanners: dict) -> None:
    """The real photos as they are: expected texts found by raw zxing-cpp and each scanner."""
    names = ["zxing-cpp", *scanners]
    print("| real photos | expected texts | " + " | ".join(names) + " |")
    print("|" + "---|" * (2 + len(names)))
    rows: dict[str, dict] = {}
    for img in sorted(root.rglob("*.png")) + sorted(root.rglob("*.jpg")):
        expected = _expected(img)
        if not expected:
            continue
        r = rows.setdefault(
            str(img.parent.relative_to(root)).split("/")[0], dict.fromkeys(["n", *names], 0)
        )
        r["n"] += len(expected)
        found = {"zxing-cpp": {_norm(t) for t in raw_zxing(load_photo(img).gray)}}
        found |= {name: {_norm(t) for t in scan(img)} for name, scan in scanners.items()}
        for name in names:
            r[name] += sum(1 for e in expected if e in found[name])
    for folder, r in rows.items():
        print(f"| {folder} | {r['n']} | " + " | ".join(str(r[k]) for k in names) + " |")
    print()


def print_real_glare(root: Path, seeds: int, scanners: dict) -> None:
    rows = real_glare(root, range(seeds), scanners)
    names = ["zxing-cpp", *scanners]
    print("| real photos, a spot on each code | codes | " + " | ".join(names) + " |")
    print("|" + "---|" * (2 + len(names)))
    for label, r in rows.items():
        n = r["codes"]
        cells = " | ".join(f"{r[k]} ({100 * r[k] / n:.1f} %)" for k in names)
        print(f"| {label} | {n} | {cells} |")
