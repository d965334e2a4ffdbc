"""The image fields of the forms that take images."""

from __future__ import annotations

from typing import Any

from flask_wtf.file import MultipleFileField
from werkzeug.datastructures import FileStorage

from app.i18n import _l
from app.uploads.images import ACCEPT


def images_field(label: Any) -> MultipleFileField:
    """A file picker for several images (the browser's ``accept`` is only a hint: the
    service decodes every file)."""
    return MultipleFileField(label, render_kw={"accept": ACCEPT})


def chosen(field: Any) -> list[FileStorage]:
    """The files chosen in ``field``: a browser sends one empty part when none is."""
    return [f for f in (field.data or []) if isinstance(f, FileStorage) and f.filename]


IMAGES_LABEL = _l("Images")
PRIVATE_IMAGES_LABEL = _l("Images in the private details")
LOGO_LABEL = _l("Logo")

__all__ = ["IMAGES_LABEL", "LOGO_LABEL", "PRIVATE_IMAGES_LABEL", "chosen", "images_field"]
