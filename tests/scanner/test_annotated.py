"""Annotated pictures come back in memory for the web preview, or as files for the CLI."""

import pytest

from scanner import scan_photos


@pytest.mark.slow
def test_annotated_pictures_in_memory_and_on_disk(plain_photo, tmp_path):
    photos = [("wall.jpg", plain_photo.jpeg_bytes()), ("notes.txt", b"not a photo")]
    result = scan_photos(photos, keep_annotated=True, annotate_dir=tmp_path)
    assert [name for name, _ in result.annotated] == ["wall.jpg"]
    picture = result.annotated[0][1]
    assert picture.mode == "RGB" and max(picture.size) <= 2400
    width, height = plain_photo.image.size
    assert abs(picture.size[0] / picture.size[1] - width / height) < 0.01
    assert (tmp_path / "wall.annotated.jpg").stat().st_size > 10_000
    assert [e.photo for e in result.errors] == ["notes.txt"]


def test_no_annotations_unless_asked(plain_photo):
    assert scan_photos([plain_photo.image]).annotated == []
