"""Plain functions that make rows for tests, with sensible defaults.

Rows are flushed, not committed: each test's transaction is rolled back.
Passwords are hashed once for the whole run (scrypt is deliberately slow).
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from functools import cache

from werkzeug.security import generate_password_hash

from app import content
from app.accounts.models import User
from app.answers.models import Answer
from app.companies.models import Company, Membership, StaffRole
from app.db import utcnow
from app.extensions import db
from app.products.models import Product
from app.questions.models import Kind, Question

PASSWORD = "correct horse battery"
_sequence = itertools.count(1)


@cache
def _password_hash() -> str:
    return generate_password_hash(PASSWORD, method="scrypt")


def make_user(
    username: str | None = None,
    *,
    is_admin: bool = False,
    email_verified: bool = True,
    **fields,
) -> User:
    """An account; its e-mail address is verified unless ``email_verified=False``."""
    n = next(_sequence)
    username = username or f"user{n}"
    user = User(
        username=username,
        email=fields.pop("email", f"{username}@example.org"),
        display_name=fields.pop("display_name", username.capitalize()),
        password_hash=_password_hash(),
        is_admin=is_admin,
        email_verified_at=fields.pop("email_verified_at", utcnow() if email_verified else None),
        **fields,
    )
    db.session.add(user)
    db.session.flush()
    return user


def make_company(name: str | None = None, *, domain: str | None = None, **fields) -> Company:
    n = next(_sequence)
    name = name or f"Company {n}"
    slug = fields.pop("slug", name.lower().replace(" ", "-"))
    company = Company(
        name=name,
        slug=slug,
        domain=domain or f"{slug}.example.com",
        description=fields.pop("description", f"{name} makes things."),
        **fields,
    )
    db.session.add(company)
    db.session.flush()
    return company


def make_product(company: Company | None = None, name: str | None = None, **fields) -> Product:
    n = next(_sequence)
    company = company or make_company()
    name = name or f"Product {n}"
    product = Product(
        company=company,
        name=name,
        slug=fields.pop("slug", name.lower().replace(" ", "-")),
        description=fields.pop("description", ""),
        **fields,
    )
    db.session.add(product)
    db.session.flush()
    company.product_count += 1
    return product


def make_question(
    company: Company | None = None,
    *,
    author: User | None = None,
    product: Product | None = None,
    title: str | None = None,
    body: str = "It does not work the way I expected. What should I do?",
    kind: Kind = Kind.QUESTION,
    age: timedelta = timedelta(0),
    **fields,
) -> Question:
    n = next(_sequence)
    company = company or (product.company if product else make_company())
    title = title or f"How do I do thing number {n}?"
    when = utcnow() - age
    rendered = content.render(body)
    question = Question(
        company=company,
        product=product,
        author=author or make_user(),
        kind=kind,
        title=title,
        slug=fields.pop("slug", f"question-{n}"),
        body=body,
        body_html=rendered.html,
        body_renderer_version=rendered.version,
        created_at=when,
        updated_at=when,
        last_activity_at=fields.pop("last_activity_at", when),
        **fields,
    )
    db.session.add(question)
    company.question_count += 1
    if product is not None:
        product.question_count += 1
    db.session.flush()
    return question


def make_answer(
    question: Question | None = None,
    *,
    author: User | None = None,
    body: str = "Try turning it off and on again.",
    **fields,
) -> Answer:
    question = question or make_question()
    rendered = content.render(body)
    answer = Answer(
        question=question,
        author=author or make_user(),
        body=body,
        body_html=rendered.html,
        body_renderer_version=rendered.version,
        **fields,
    )
    db.session.add(answer)
    question.answer_count += 1
    db.session.flush()
    return answer


def make_staff(
    company: Company, user: User | None = None, *, role: str = "agent", title: str = ""
) -> Membership:
    """Active verified staff of ``company`` (claiming the company if it is not yet)."""
    user = user or make_user()
    if company.claimed_at is None:
        company.claimed_at = utcnow()
    membership = Membership(
        company=company,
        user=user,
        role=StaffRole(role),
        title=title,
        work_email=f"{user.username}@{company.domain}",
    )
    db.session.add(membership)
    db.session.flush()
    return membership
