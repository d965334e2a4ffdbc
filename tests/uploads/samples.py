"""Files to upload, made here: good images of each format and the hostile ones of issue 13."""

from __future__ import annotations

import io
import os
import struct
import zlib

from PIL import Image

# Stands for "the place this photo was taken": must never survive the re-encoding.
GPS_MARKER = "zqxsecretplace"


def png(size: tuple[int, int] = (40, 30), colour: str = "red", mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, colour).save(out, "PNG")
    return out.getvalue()


def jpeg_with_exif(size: tuple[int, int] = (60, 20), orientation: int = 6) -> bytes:
    """A JPEG that says where it was taken (a marker in its EXIF) and that it must be
    turned a quarter (orientation 6: stored sideways)."""
    image = Image.new("RGB", size, "blue")
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation
    exif[0x010E] = GPS_MARKER  # ImageDescription, where cameras and phones write text
    exif[0x013B] = GPS_MARKER  # Artist
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), comment=GPS_MARKER.encode())
    return out.getvalue()


def webp(size: tuple[int, int] = (50, 50)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 128, 0, 128)).save(out, "WEBP")
    return out.getvalue()


def animated_gif(frames: int = 3, size: tuple[int, int] = (20, 20)) -> bytes:
    colours = ["red", "green", "blue", "yellow"]
    images = [Image.new("P", size, colours[i % 4]) for i in range(frames)]
    out = io.BytesIO()
    images[0].save(out, "GIF", save_all=True, append_images=images[1:], duration=100, loop=0)
    return out.getvalue()


def noise_png(side: int) -> bytes:
    """A PNG that does not compress (random pixels): ``side`` 1,150 makes about 4 MB."""
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(out, "PNG")
    return out.getvalue()


def large_png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("L", (width, height), 200).save(out, "PNG")
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A decompression bomb's header: a valid PNG that says it is ``width`` × ``height``
    (a few hundred bytes that would decode into gigabytes)."""
    original = png((1, 1))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    patched = struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    start = 8  # after the signature
    end = start + 4 + 4 + 13 + 4
    return original[:start] + patched + original[end:]


SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script></svg>"
)
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def truncated_jpeg() -> bytes:
    data = jpeg_with_exif((400, 300))
    return data[: len(data) // 2]


def too_large() -> bytes:
    """A file just over 5 MB (the start of a real PNG, then filler)."""
    return png() + b"\0" * (5 * 1024 * 1024)
