"""The geometry of the tile page's small SVG chart of a case's scaling scores."""

from __future__ import annotations


def scaling_chart(points: list[dict], width: int = 240, height: int = 80) -> dict:
    """The scaling scores (0-10) over time as an SVG polyline's points, oldest first."""
    if not points:
        return {"points": [], "line": "", "width": width, "height": height}
    step = (width - 20) / max(len(points) - 1, 1)
    placed = [
        {
            **p,
            "x": round(10 + i * step, 1),
            "y": round(height - 8 - p["score"] * (height - 16) / 10, 1),
        }
        for i, p in enumerate(points)
    ]
    line = " ".join(f"{p['x']},{p['y']}" for p in placed)
    return {"points": placed, "line": line, "width": width, "height": height}
