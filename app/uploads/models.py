"""Images people attached (issue 13): screenshots in posts and private details, company logos.

One row per stored image; the bytes are in the store (``app.uploads.storage``) under the
row's id. The id is random (never a counter, never the user's file name) and is the image's
address: ``/images/<id>``. Who may fetch an image is decided by what it is attached to,
through the one visibility rule (``app.uploads.views``).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime, string_enum, utcnow
from app.extensions import db

# Images one post may hold in its body, and again in its private details.
MAX_PER_POST = 4
ID_MAX = 32


def new_image_id() -> str:
    """24 URL-safe characters from 18 random bytes: unguessable and a safe storage key."""
    return secrets.token_urlsafe(18)


class Place(StrEnum):
    """Where an image is shown, which decides who may fetch it."""

    POST = "post"  # in a question's or an answer's body: its readers
    PRIVATE = "private"  # in its private details: their readers only
    LOGO = "logo"  # a company's logo: everyone


class Image(db.Model):
    __tablename__ = "images"

    id: Mapped[str] = mapped_column(sa.String(ID_MAX), primary_key=True, default=new_image_id)
    uploader_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    place: Mapped[Place] = mapped_column(string_enum(Place, "image_place"))
    # The post it belongs to: a question's images have ``answer_id`` empty.
    question_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("questions.id", ondelete="CASCADE")
    )
    answer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("answers.id", ondelete="CASCADE"))
    # Its order among the post's images (0 first).
    position: Mapped[int] = mapped_column(default=0, server_default="0")
    # From the re-encoding, never from what the browser said.
    content_type: Mapped[str] = mapped_column(sa.String(20))
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    byte_size: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.Index("ix_images_question", "question_id", "position"),
        sa.Index("ix_images_answer", "answer_id", "position"),
        sa.Index("ix_images_uploader", "uploader_id", "created_at"),
        # A post's image names its question; a logo names no post.
        sa.CheckConstraint(
            "(place = 'logo' AND question_id IS NULL AND answer_id IS NULL)"
            " OR (place != 'logo' AND question_id IS NOT NULL)",
            name="attached",
        ),
        sa.CheckConstraint("width > 0 AND height > 0", name="has_size"),
    )

    def __repr__(self) -> str:
        return f"<Image {self.id} {self.place}>"
