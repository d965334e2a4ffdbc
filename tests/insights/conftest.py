"""Acme's insights data set, small enough to work out by hand (tests/insights/test_insights.py
says each figure), with the clock stopped on a Wednesday so the weeks are known."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

import app.db
from app.companies.models import Membership
from app.db import utcnow
from app.extensions import db
from app.questions.models import Feeling, Kind, Status
from tests.factories import (
    make_answer,
    make_company,
    make_product,
    make_question,
    make_staff,
    make_user,
)

# Wednesday 18 March 2026, noon UTC: 30 days back is Monday 16 February, noon.
NOW = datetime(2026, 3, 18, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> datetime:
    monkeypatch.setattr(app.db, "CLOCK", lambda: NOW)
    return NOW


@dataclass
class Acme:
    company: Any
    ann: Any  # admin staff
    bob: Any  # agent
    cy: Any  # agent, revoked after answering q5
    dee: Any  # agent who has not answered
    drive: Any
    vault: Any
    q: dict[str, Any]


def _official(question: Any, author: Any, after: timedelta, **fields: Any) -> Any:
    return make_answer(
        question, author=author, is_official=True, created_at=question.created_at + after, **fields
    )


@pytest.fixture
def acme_data(clock: datetime) -> Acme:
    """Acme (claimed) and its products Drive and Vault. Ages are from NOW; "+1h" is an
    official answer an hour after asking.

    | q  | product | kind     | feeling    | age  | status       | me too | official answers |
    | q1 | Drive   | question | happy      | 2d   | answered     |        | ann +1h, bob +5h |
    | q2 | Drive   | problem  | frustrated | 3d   | open         | 5      | bob +3h          |
    | q3 | Vault   | question | –          | 10d  | answered     |        | ann +48h         |
    | q4 | –       | idea     | excited    | 12d  | open         |        | –                |
    | q5 | Vault   | problem  | confused   | 20d  | acknowledged | 2      | cy +5h           |
    | q6 | Drive   | problem  | sad        | 25d  | solved       | 9      | –                |
    | q7 | Drive   | problem  | frustrated | 40d  | in progress  | 7      | ann +4h          |
    | q8 | –       | praise   | happy      | 100d | open         |        | ann +1h          |

    q1's best answer is bob's; q3 also has ann's answer at +10 min, hidden; q4 has a
    customer's answer, its best. cy left the staff since. Not listed: a hidden problem (5d,
    Drive, 50 me too, ann +1 min) and a question merged into q1 (6d, bob +2h). Another
    company's question (1d) is answered officially by its own staff.
    """
    company = make_company("Acme", slug="acme", domain="acme.example")
    ann = make_staff(company, make_user("ann"), role="admin").user
    bob = make_staff(company, make_user("bob")).user
    cy = make_staff(company, make_user("cy")).user
    dee = make_staff(company, make_user("dee")).user
    drive = make_product(company, "Drive", slug="drive")
    vault = make_product(company, "Vault", slug="vault")
    customer = make_user("customer")

    def ask(age: timedelta, kind: Kind, product: Any = None, **fields: Any) -> Any:
        return make_question(
            company, author=customer, product=product, kind=kind, age=age, **fields
        )

    q1 = ask(2 * DAY, Kind.QUESTION, drive, feeling=Feeling.HAPPY, status=Status.ANSWERED)
    _official(q1, ann, HOUR)
    best = _official(q1, bob, 5 * HOUR)
    q2 = ask(3 * DAY, Kind.PROBLEM, drive, feeling=Feeling.FRUSTRATED, me_too_count=5)
    _official(q2, bob, 3 * HOUR)
    q3 = ask(10 * DAY, Kind.QUESTION, vault, status=Status.ANSWERED)
    _official(q3, ann, 10 * timedelta(minutes=1), hidden_at=utcnow(), hidden_reason="Spam.")
    _official(q3, ann, 2 * DAY)
    q4 = ask(12 * DAY, Kind.IDEA, feeling=Feeling.EXCITED)
    peer = make_answer(q4, author=make_user("peer"), created_at=q4.created_at + HOUR)
    q5 = ask(
        20 * DAY,
        Kind.PROBLEM,
        vault,
        feeling=Feeling.CONFUSED,
        status=Status.ACKNOWLEDGED,
        me_too_count=2,
    )
    _official(q5, cy, 5 * HOUR)
    q6 = ask(
        25 * DAY, Kind.PROBLEM, drive, feeling=Feeling.SAD, status=Status.SOLVED, me_too_count=9
    )
    q7 = ask(
        40 * DAY,
        Kind.PROBLEM,
        drive,
        feeling=Feeling.FRUSTRATED,
        status=Status.IN_PROGRESS,
        me_too_count=7,
    )
    _official(q7, ann, 4 * HOUR)
    q8 = ask(100 * DAY, Kind.PRAISE, feeling=Feeling.HAPPY)
    _official(q8, ann, HOUR)
    hidden = ask(
        5 * DAY,
        Kind.PROBLEM,
        drive,
        me_too_count=50,
        hidden_at=utcnow(),
        hidden_reason="Spam.",
        title="A hidden problem about Drive",
    )
    _official(hidden, ann, timedelta(minutes=1))
    merged = ask(6 * DAY, Kind.QUESTION, drive, merged_into_id=q1.id)
    _official(merged, bob, 2 * HOUR)
    other = make_company("Other Co", domain="other.example")
    elsewhere = make_question(other, age=DAY)
    _official(elsewhere, make_staff(other).user, HOUR)
    db.session.flush()
    q1.best_answer_id = best.id
    q4.best_answer_id = peer.id
    db.session.execute(
        sa.update(Membership).where(Membership.user_id == cy.id).values(revoked_at=utcnow())
    )
    db.session.commit()
    questions = dict(q1=q1, q2=q2, q3=q3, q4=q4, q5=q5, q6=q6, q7=q7, q8=q8, hidden=hidden)
    return Acme(company, ann, bob, cy, dee, drive, vault, questions)
