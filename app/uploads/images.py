"""Turning an uploaded file into an image Helpsquare may store and serve (issue 13).

Nothing a user sends is stored as sent. A file is decoded by Pillow, with only the decoders
of the four formats we take (PNG, JPEG, WebP, GIF): anything else (an SVG, an HTML page
named ``.png``, a PDF) is no image at all. It is decoded whole, so a truncated file is
refused rather than stored half grey. Its pixels are then encoded again into a new file:

- EXIF (camera, GPS position), XMP, ICC profiles, comments and every other chunk are left
  behind; a JPEG is first turned upright by its EXIF orientation, since that tag goes;
- the longest side is capped at ``MAX_SIDE`` (2,048 px), smaller images keep their size;
- PNG stays PNG, JPEG stays JPEG (quality 85), WebP stays WebP (quality 85);
- **a GIF becomes a PNG of its first frame.** Animated GIFs are kept still: decoding every
  frame multiplies the work a small file can cost (a bomb can hide in the frame count as
  well as in the size), animation in a support forum is mostly distraction, and the PNG of
  one frame is lossless. The served ``Content-Type`` says ``image/png``.

Decompression bombs (a few kilobytes that decode into gigabytes of pixels) are refused
before their pixels are decoded: ``Image.MAX_IMAGE_PIXELS`` is set to ``MAX_PIXELS`` (this
process's Pillow serves only this module), Pillow's ``DecompressionBombWarning`` (over the
limit) is made an error here, and both it and ``DecompressionBombError`` (over twice the
limit) become a sentence at the field.

Every refusal is an ``ImageRefused`` with a sentence for the person who sent the file.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO

from PIL import Image, ImageOps, UnidentifiedImageError

from app.i18n import _

# One file at most this large, as sent (product: "≤ 5 MB each").
MAX_BYTES = 5 * 1024 * 1024
# The longest side of a stored image; larger ones are scaled down, keeping their shape.
MAX_SIDE = 2048
# 40 megapixels: a 7,500 × 5,300 photograph from a good camera still passes; a bomb does not.
MAX_PIXELS = 40_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

# What each accepted decoder's image is stored as: (Pillow format, Content-Type, extension).
_OUTPUT = {
    "PNG": ("PNG", "image/png"),
    "GIF": ("PNG", "image/png"),
    "JPEG": ("JPEG", "image/jpeg"),
    "WEBP": ("WEBP", "image/webp"),
}
ACCEPTED_FORMATS = tuple(_OUTPUT)
# What the file picker offers (``accept``): a hint for the browser, never trusted.
ACCEPT = "image/png,image/jpeg,image/webp,image/gif"
CONTENT_TYPES = frozenset(content_type for _fmt, content_type in _OUTPUT.values())


class ImageRefused(Exception):
    """The file is not an image we store; ``why`` says so to the person who sent it."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


@dataclass(frozen=True)
class PreparedImage:
    """An image encoded anew, ready to store: its bytes, type and size in pixels."""

    data: bytes
    content_type: str
    width: int
    height: int


def read_upload(stream: IO[bytes]) -> bytes:
    """The bytes of an uploaded file, read no further than one byte past ``MAX_BYTES``; a
    larger file is refused without reading the rest."""
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImageRefused(_("An image may be at most 5 MB; this file is larger."))
    if not data:
        raise ImageRefused(_("This file is empty."))
    return data


def prepare(data: bytes, *, max_side: int = MAX_SIDE) -> PreparedImage:
    """Decode ``data`` and encode it again as described in the module's docstring."""
    not_an_image = _("This file is not a PNG, JPEG, WebP or GIF image.")
    too_large = _(
        "This image has too many pixels to open safely (at most %(most)s million).",
        most=MAX_PIXELS // 1_000_000,
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as source:
                source_format = source.format or ""
                source.load()
                image = _upright(source, source_format)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageRefused(too_large) from error
    except UnidentifiedImageError as error:
        raise ImageRefused(not_an_image) from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        # Pillow's word for a truncated or corrupt file is an OSError ("image file is
        # truncated"), sometimes a SyntaxError or ValueError from a plugin's parser.
        raise ImageRefused(
            _("This image is damaged or incomplete; it could not be read.")
        ) from error
    if source_format not in _OUTPUT:
        raise ImageRefused(not_an_image)
    output_format, content_type = _OUTPUT[source_format]
    image = _in_storable_mode(image, output_format)
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    image.info = {}  # no ICC profile, comment, EXIF or other chunk goes along
    out = io.BytesIO()
    if output_format == "PNG":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, output_format, quality=85)
    return PreparedImage(out.getvalue(), content_type, image.width, image.height)


def _upright(source: Image.Image, source_format: str) -> Image.Image:
    """A copy of the first frame, turned as its EXIF orientation says (the tag is dropped)."""
    if source_format == "GIF":
        source.seek(0)
    upright = ImageOps.exif_transpose(source)
    return upright.copy() if upright is not None else source.copy()


def _in_storable_mode(image: Image.Image, output_format: str) -> Image.Image:
    """Pixels the encoder takes: JPEG has no alpha nor palette; a palette with a
    transparent colour becomes RGBA (its ``transparency`` lives in the info we drop)."""
    if output_format == "JPEG":
        return image.convert("RGB") if image.mode != "RGB" else image
    if image.mode in ("RGBA", "RGB", "L", "LA"):
        return image
    if image.mode == "P" and "transparency" not in image.info:
        return image
    return image.convert("RGBA")
