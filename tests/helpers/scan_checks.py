"""Helpers shared by the scanner tests."""

import io


def check_tiles(result: dict, photo, min_recall: float = 1.0) -> None:
    """Every visible tile found must be on its true board and zone; enough must be found."""
    got = {t["token"]: t for t in result["tiles"]}
    visible = photo.visible
    assert visible
    found = [t for t in visible if t.token in got]
    for t in found:
        assert (got[t.token]["stage"], got[t.token]["zone"]) == (t.stage, t.zone), t.token
    assert len(found) >= min_recall * len(visible), (len(found), len(visible))


def jpeg(img, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90, **kw)
    return buf.getvalue()
