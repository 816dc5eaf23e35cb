"""The calibration page puts its crosses 20 mm from the edges, shifted by the offsets."""

from __future__ import annotations

import pytest

from tests.helpers.printed_pages import page_sizes, render
from tilegen.units import px_to_mm
from webapp.accounts.teams import update_team_settings


def dark_columns(image, row: int) -> list[float]:
    return [px_to_mm(x, 300) for x in range(image.width) if image.getpixel((x, row)) < 128]


@pytest.mark.parametrize(("offset", "expected"), [((0.0, 0.0), 20.0), ((1.5, -0.5), 21.5)])
def test_cross_sits_at_20_mm_plus_the_offset(runner, store, team, tmp_path, offset, expected):
    update_team_settings(store, team, printer={"x_offset_mm": offset[0], "y_offset_mm": offset[1]})
    out = tmp_path / "calibration.pdf"
    assert runner("print", "calibration", "--out", str(out)).exit_code == 0
    assert [(round(w, 2), round(h, 2)) for w, h in page_sizes(out)] == [(595.28, 841.89)]
    # A strip across the upright arm of the top-left cross, above its level arm.
    y = 20.0 + offset[1] - 4.0
    strip = render(out, dpi=300, crop_mm=(5, y - 0.5, 27, y + 0.5))
    xs = dark_columns(strip, strip.height // 2)
    assert xs and 5 + sum(xs) / len(xs) == pytest.approx(expected, abs=0.15)
