"""What caseboard answers about one day, through the command line, byte for byte."""

from __future__ import annotations

from datetime import date
from pathlib import Path


def answers(runner, team: str, day: date, out: Path) -> dict[str, bytes]:
    """Every answer about ``day`` for ``team`` (contract §12): alerts, missed reviews, the
    drift report as JSON, CSV and PDF, supervision for the day's month, and the agenda."""
    on = day.isoformat()
    where = ("--team", team, "--date", on)
    found = {}
    for name, args in {
        "alerts": ("alerts", "--json", *where),
        "missed": ("alerts", "missed", "--json", *where),
        "drift": ("report", "drift", "--json", *where),
        "supervision": ("supervision", "--json", "--month", on[:7], *where),
        "agenda": ("agenda", "--json", *where),
    }.items():
        result = runner(*args)
        assert result.exit_code == 0, (name, result.output)
        found[name] = result.output.encode()
    out.mkdir(parents=True, exist_ok=True)
    for suffix in ("csv", "pdf"):
        path = out / f"drift-{team}-{on}.{suffix}"
        result = runner("report", "drift", *where, "--out", str(path))
        assert result.exit_code == 0, result.output
        found[f"drift.{suffix}"] = path.read_bytes()
        path.unlink()
    return found


def changed(before: dict[str, bytes], after: dict[str, bytes]) -> list[str]:
    """The names of the answers that differ."""
    return [name for name in before if before[name] != after[name]]
