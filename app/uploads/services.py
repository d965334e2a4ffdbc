"""Attaching images to posts, private details and company logos (issue 13).

The services of questions, answers and companies call these in three steps, so a refusal
anywhere stores nothing:

1. ``check(files, field)`` while they validate their other fields: each file read (at most
   5 MB), decoded and encoded anew (``app.uploads.images``); at most ``MAX_PER_POST`` a
   field. Problems come back as field errors ("Image 2: this file is not…"), never the
   user's file name.
2. ``admit(user, count)`` with the other limits on writing, once everything is valid:
   ``UPLOAD_LIMITS`` images per account (``app.limits.admit_images``).
3. ``attach(...)`` after the post's row has its id, just before the service's one commit:
   the rows are added and the bytes written to the store. Should the commit then fail, the
   bytes written stay behind as orphans no row points to (never the reverse).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy import event

from app import limits
from app.answers.models import Answer
from app.db import increment
from app.extensions import db
from app.i18n import _
from app.questions.models import Question
from app.uploads import storage as store
from app.uploads.images import MAX_SIDE, ImageRefused, PreparedImage, prepare, read_upload
from app.uploads.models import MAX_PER_POST, Image, Place, new_image_id

log = logging.getLogger(__name__)

# The form fields (and API names) of a post's images.
IMAGES = "images"
PRIVATE_IMAGES = "private_images"


def check(
    files: Sequence[IO[bytes]],
    field: str,
    errors: dict[str, str],
    *,
    most: int = MAX_PER_POST,
    max_side: int = MAX_SIDE,
) -> list[PreparedImage]:
    """The files of one field made into images we may store; what is wrong goes into
    ``errors[field]`` (and then the list is empty). ``files``: file objects with ``read``
    (Werkzeug's ``FileStorage`` among them); ``max_side``: the longest side kept."""
    if not files:
        return []
    if len(files) > most:
        errors[field] = _(
            "Attach at most %(most)d images; you chose %(count)d.", most=most, count=len(files)
        )
        return []
    prepared: list[PreparedImage] = []
    problems: list[str] = []
    for number, file in enumerate(files, start=1):
        try:
            prepared.append(prepare(read_upload(file), max_side=max_side))
        except ImageRefused as refused:
            problems.append(_("Image %(number)d: %(why)s", number=number, why=refused.why))
    if problems:
        errors[field] = " ".join(problems)
        return []
    return prepared


def admit(user: Any, count: int) -> None:
    """The limit on images per account (raises ``RateLimited``); nothing when ``count`` is 0."""
    if count:
        limits.admit_images(user, count)


def attach(
    uploader: Any,
    prepared: Sequence[PreparedImage],
    *,
    place: Place,
    question_id: int,
    answer_id: int | None = None,
    first_position: int = 0,
) -> list[Image]:
    """Add the rows of a post's new images and store their bytes; the post's
    ``image_count`` grows in SQL (the question page reads images only for posts with some).
    The caller commits."""
    if not prepared:
        return []
    rows = [
        _stored(
            uploader,
            image,
            place=place,
            question_id=question_id,
            answer_id=answer_id,
            position=first_position + index,
        )
        for index, image in enumerate(prepared)
    ]
    if answer_id is not None:
        increment(db.session, Answer.image_count, answer_id, by=len(rows))
    else:
        increment(db.session, Question.image_count, question_id, by=len(rows))
    return rows


def store_logo(uploader: Any, image: PreparedImage) -> Image:
    """Add the row of a company logo and store its bytes; the caller points the company at
    it and commits."""
    return _stored(uploader, image, place=Place.LOGO, question_id=None, answer_id=None, position=0)


def _stored(
    uploader: Any,
    image: PreparedImage,
    *,
    place: Place,
    question_id: int | None,
    answer_id: int | None,
    position: int,
) -> Image:
    row = Image(
        id=new_image_id(),
        uploader_id=uploader.id,
        place=place,
        question_id=question_id,
        answer_id=answer_id,
        position=position,
        content_type=image.content_type,
        width=image.width,
        height=image.height,
        byte_size=len(image.data),
    )
    db.session.add(row)
    store.put(row.id, image.data, image.content_type)
    return row


def forget(image_id: str) -> None:
    """Delete an image's row (the caller commits) and then, once committed, its bytes: a
    replaced or removed logo. Should the commit fail, the bytes stay with their row."""
    db.session.execute(sa.delete(Image).where(Image.id == image_id))
    event.listen(db.session(), "after_commit", lambda _session: _drop(image_id), once=True)


def _drop(image_id: str) -> None:
    # After the commit: a store that fails now leaves bytes no row points to, never a 500.
    try:
        store.storage().delete(image_id)
    except Exception:
        log.exception("the upload store could not forget %s", image_id)


__all__ = ["IMAGES", "PRIVATE_IMAGES", "admit", "attach", "check", "forget", "store_logo"]
