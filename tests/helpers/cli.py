"""The command line as the tests drive it through the ``runner`` fixture: a family added with
``caseboard family add``, and the check that a command succeeded."""

from __future__ import annotations

from datetime import date


def ok(result):
    """``result`` of a command that must succeed (exit 0; its output shown if not)."""
    assert result.exit_code == 0, result.output
    return result


def add_by_cli(
    runner,
    *options: str,
    initials: str = "TWr",
    stage: int | str = 2,
    review: date | str = "2030-01-01",
    opened: date | str | None = None,
) -> str:
    """Add a family with ``caseboard family add``; its token. The review is far off by
    default, so that only the rule a test is about fires; ``opened`` defaults to today.
    ``options`` come last, so an option given there (``"--review", "2025-12-01"``) wins."""
    args = ["--initials", initials, "--stage", str(stage), "--review", str(review)]
    if opened is not None:
        args += ["--opened", str(opened)]
    return ok(runner("family", "add", *args, *options)).output.strip()
