"""Reading images: one image to serve, and the images of a page of posts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.answers.models import Answer
from app.errors import NotFound
from app.extensions import db
from app.i18n import _l
from app.questions.models import Question
from app.uploads.models import ID_MAX, Image, Place

NO_SUCH_IMAGE = _l("There is no such image.")


@dataclass(frozen=True)
class Attached:
    """A post's images, in order, split by where they show."""

    post: list[Image] = field(default_factory=list)
    private: list[Image] = field(default_factory=list)


@dataclass(frozen=True)
class PageImages:
    """The images of a question and of the answers on one of its pages."""

    question: Attached = field(default_factory=Attached)
    answers: dict[int, Attached] = field(default_factory=dict)

    def of_answer(self, answer_id: int) -> Attached:
        return self.answers.get(answer_id, _NONE)


_NONE = Attached()


def get_image(image_id: str) -> tuple[Image, Question | None, Answer | None]:
    """The image with its question and answer (what the visibility rule asks about): two
    SELECTs, three for an answer's image. ``NotFound`` for an id that is not one."""
    if len(image_id) > ID_MAX:
        raise NotFound(NO_SUCH_IMAGE)
    image = db.session.get(Image, image_id)
    if image is None:
        raise NotFound(NO_SUCH_IMAGE)
    answer = question = None
    if image.answer_id is not None:
        answer = db.session.get(Answer, image.answer_id)
    if image.question_id is not None:
        question = db.session.get(
            Question, image.question_id, options=[joinedload(Question.company)]
        )
    return image, question, answer


def page_images(question: Question, answers: Sequence[Any], *, private_details: bool) -> PageImages:
    """The images of the question and of ``answers`` (all of one question's page), with the
    private details' images only for their readers (``private_details``). One SELECT, and
    none at all when no post on the page has an image (their ``image_count``)."""
    with_images = [a.id for a in answers if a.image_count]
    if not question.image_count and not with_images:
        return PageImages()
    posts = Image.answer_id.is_(None)
    if with_images:
        posts = sa.or_(posts, Image.answer_id.in_(with_images))
    statement = (
        sa.select(Image)
        .where(Image.question_id == question.id, posts)
        .order_by(Image.answer_id, Image.position)
    )
    if not private_details:
        statement = statement.where(Image.place == Place.POST)
    by_post: dict[int | None, Attached] = defaultdict(Attached)
    for image in db.session.scalars(statement):
        attached = by_post[image.answer_id]
        (attached.private if image.place is Place.PRIVATE else attached.post).append(image)
    question_images = by_post.pop(None, _NONE)
    return PageImages(question_images, {k: v for k, v in by_post.items() if k is not None})


__all__ = ["Attached", "PageImages", "get_image", "page_images"]
