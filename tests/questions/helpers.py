"""Shared by the question and answer tests: page-reading helpers and the counter invariant."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import url_for
from werkzeug.test import TestResponse

from app.answers.models import Answer, HelpfulVote
from app.companies.models import Company
from app.extensions import db
from app.products.models import Product
from app.questions.models import MeToo, Question


def path_of(url: str) -> str:
    return urlsplit(url).path


def sign_in_path() -> str:
    return path_of(url_for("accounts.sign_in"))


def is_sign_in_redirect(response: TestResponse) -> bool:
    return response.status_code in (302, 303) and path_of(response.location) == sign_in_path()


def text(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def prose_blocks(page: str) -> list[str]:
    """The sanitized user HTML blocks of a page (``user_html`` output)."""
    return re.findall(r'<div class="prose">(.*?)</div>', page, flags=re.S)


def positions(page: str, needles: list[str]) -> list[int]:
    """Where each piece of HTML first appears in the page (all must appear)."""
    found = [page.find(needle) for needle in needles]
    assert all(index >= 0 for index in found), dict(zip(needles, found, strict=True))
    return found


def count(model: type, *where: sa.ColumnElement[bool]) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def assert_counters_match_rows() -> None:
    """Every stored counter equals the rows it counts."""
    db.session.expire_all()
    for question in db.session.scalars(sa.select(Question)):
        assert question.answer_count == count(Answer, Answer.question_id == question.id)
        assert question.me_too_count == count(MeToo, MeToo.question_id == question.id)
    for answer in db.session.scalars(sa.select(Answer)):
        assert answer.helpful_count == count(HelpfulVote, HelpfulVote.answer_id == answer.id)
    for company in db.session.scalars(sa.select(Company)):
        assert company.question_count == count(Question, Question.company_id == company.id)
    for product in db.session.scalars(sa.select(Product)):
        assert product.question_count == count(Question, Question.product_id == product.id)
