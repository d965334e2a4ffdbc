"""The export (product.md, "Bringing the company's own site"): everything of a company, in
JSON Lines, streamed at any size.

One object a line, each the object as the API shows it plus ``type``: the ``company``, its
``product``s, its ``staff``, then its ``question``s, their ``answer``s and their
``status_change``s, oldest first. What goes out is what the listed rules of
``app.visibility`` let into every list (hidden and merged posts, and the answers of those,
stay out); the export is the company's own, so the fields only its staff may read go in
too (the ``Export*Schema`` below are where such a field is added: one line each).

Constant memory at any size: each kind is one SELECT read through a server-side cursor
(``yield_per``: PostgreSQL's named cursor, SQLite's stepping) in batches, each line written
and forgotten before the next batch is fetched (bench/export_memory.py measures it).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from marshmallow import fields
from sqlalchemy.orm import joinedload, undefer_group

from app.answers.models import Answer
from app.api.schemas.resources import (
    AnswerSchema,
    CompanySchema,
    ProductSchema,
    QuestionSchema,
    StaffSchema,
    StatusChangeSchema,
)
from app.companies.models import Company, Membership
from app.extensions import db
from app.policy import Permission, require
from app.products.models import Product
from app.questions.models import PRIVATE_DETAILS, Question, StatusChange
from app.reputation.queries import champion_ids
from app.visibility import answer_listed, question_listed

MEDIA_TYPE = "application/x-ndjson"
BATCH = 500


# What the company's own export shows beyond what everybody reads: a field only its staff
# may see (the private details) is one more line in the schema it belongs to.
class ExportCompanySchema(CompanySchema):
    pass


class ExportQuestionSchema(QuestionSchema):
    # The company's own: its staff read them, so they go in whoever of its admins exports.
    private_details = fields.String(allow_none=True)


class ExportAnswerSchema(AnswerSchema):
    private_details = fields.String(allow_none=True)


class ExportStatusChangeSchema(StatusChangeSchema):
    question_id = fields.Integer(required=True)


SCHEMAS: dict[str, ma.Schema] = {
    "company": ExportCompanySchema(),
    "product": ProductSchema(),
    "staff": StaffSchema(),
    "question": ExportQuestionSchema(),
    "answer": ExportAnswerSchema(),
    "status_change": ExportStatusChangeSchema(),
}


def export_company(user: Any, company: Company) -> Iterator[str]:
    """A claimed company's admin staff (or a site admin) export it: the lines, one object
    each, made as they are read. Refused (``PermissionDenied``) before the first line."""
    require(user, Permission.COMPANY_EXPORT, company)
    return _lines(company)


def _line(kind: str, obj: Any) -> str:
    data = {"type": kind, **SCHEMAS[kind].dump(obj)}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def _streamed(statement: sa.Select) -> Iterator[Any]:
    return db.session.scalars(statement.execution_options(yield_per=BATCH))


def _lines(company: Company) -> Iterator[str]:
    yield _line("company", company)
    # Few, and kept: the questions' ``product`` reads them from the session, not the database.
    products = list(
        db.session.scalars(
            sa.select(Product).where(Product.company_id == company.id).order_by(Product.id)
        )
    )
    for product in products:
        yield _line("product", product)
    staff = (
        sa.select(Membership)
        .where(Membership.company_id == company.id, Membership.revoked_at.is_(None))
        .options(joinedload(Membership.user))
        .order_by(Membership.id)
    )
    for membership in _streamed(staff):
        yield _line("staff", membership)
    questions = (
        sa.select(Question)
        .where(Question.company_id == company.id, question_listed())
        .options(joinedload(Question.author), undefer_group(PRIVATE_DETAILS))
        .order_by(Question.id)
    )
    for question in _streamed(questions):
        yield _line("question", question)
    answers = (
        sa.select(Answer)
        .join(Question, Question.id == Answer.question_id)
        .where(Question.company_id == company.id, answer_listed())
        .options(
            joinedload(Answer.author),
            joinedload(Answer.question).raiseload("*"),
            undefer_group(PRIVATE_DETAILS),
        )
        .order_by(Answer.id)
    )
    # The company's champions, read once: each answer's ``by_champion`` from them, not a
    # statement per answer (``app.reputation.queries.by_champion`` reads what is set here).
    champions = champion_ids(company.id)
    for answer in _streamed(answers):
        answer.by_champion = not answer.is_official and answer.author_id in champions
        yield _line("answer", answer)
    changes = (
        sa.select(StatusChange)
        .join(Question, Question.id == StatusChange.question_id)
        .where(Question.company_id == company.id, question_listed())
        .options(joinedload(StatusChange.by))
        .order_by(StatusChange.id)
    )
    for change in _streamed(changes):
        yield _line("status_change", change)
