"""The pipeline every uploaded file goes through (app/uploads/images.py): what is taken,
what comes out, and every kind of file that is refused with a sentence."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from app.uploads.images import MAX_SIDE, ImageRefused, prepare, read_upload
from tests.uploads import samples


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_a_png_stays_a_png_of_the_same_size(app):
    with app.test_request_context():
        prepared = prepare(samples.png((40, 30)))
    assert prepared.content_type == "image/png"
    assert (prepared.width, prepared.height) == (40, 30)
    assert _open(prepared.data).format == "PNG"


def test_a_jpeg_loses_its_exif_and_comment_and_is_turned_upright(app):
    original = samples.jpeg_with_exif((60, 20), orientation=6)
    assert samples.GPS_MARKER.encode() in original

    with app.test_request_context():
        prepared = prepare(original)

    assert prepared.content_type == "image/jpeg"
    assert samples.GPS_MARKER.encode() not in prepared.data
    stored = _open(prepared.data)
    assert not stored.getexif()
    assert "comment" not in stored.info
    # Orientation 6 means "stored sideways": the upright image is 20 wide, 60 high.
    assert (prepared.width, prepared.height) == (20, 60) == stored.size


def test_a_webp_stays_a_webp(app):
    with app.test_request_context():
        prepared = prepare(samples.webp())
    assert prepared.content_type == "image/webp"
    assert _open(prepared.data).format == "WEBP"


def test_an_animated_gif_becomes_a_png_of_its_first_frame(app):
    with app.test_request_context():
        prepared = prepare(samples.animated_gif(frames=3))
    stored = _open(prepared.data)
    assert prepared.content_type == "image/png"
    assert stored.format == "PNG"
    assert getattr(stored, "n_frames", 1) == 1
    assert stored.convert("RGB").getpixel((0, 0)) == (255, 0, 0)  # the first frame's red


def test_the_longest_side_is_capped_keeping_the_shape(app):
    with app.test_request_context():
        prepared = prepare(samples.large_png(4096, 1024))
    assert (prepared.width, prepared.height) == (MAX_SIDE, 512)
    assert _open(prepared.data).size == (MAX_SIDE, 512)


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (samples.SVG, "not a PNG, JPEG, WebP or GIF"),
        (samples.HTML, "not a PNG, JPEG, WebP or GIF"),
        (b"%PDF-1.4 not an image", "not a PNG, JPEG, WebP or GIF"),
        (samples.truncated_jpeg(), "damaged or incomplete"),
        # Over twice the limit: Pillow's DecompressionBombError, before a pixel is decoded.
        (samples.png_claiming(30_000, 30_000), "too many pixels"),
        # Over the limit, under twice it: Pillow's warning, made an error.
        (samples.png_claiming(8_000, 6_000), "too many pixels"),
    ],
    ids=["svg", "html", "pdf", "truncated", "bomb", "just-over-the-pixels"],
)
def test_hostile_and_broken_files_are_refused_with_a_sentence(app, data, why):
    with app.test_request_context(), pytest.raises(ImageRefused) as refused:
        prepare(data)
    assert why in refused.value.why


def test_a_file_over_5_mb_is_refused_before_it_is_read_whole(app):
    stream = io.BytesIO(samples.too_large() + b"\0" * 10_000_000)
    with app.test_request_context(), pytest.raises(ImageRefused) as refused:
        read_upload(stream)
    assert "at most 5 MB" in refused.value.why
    assert stream.tell() == 5 * 1024 * 1024 + 1


def test_an_empty_file_is_refused(app):
    with app.test_request_context(), pytest.raises(ImageRefused):
        read_upload(io.BytesIO(b""))
