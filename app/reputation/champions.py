"""Champions (product.md, "Reputation"): a company's admins name the peers who answer its
questions best; their answers to its questions carry a champion badge, and the company's
page lists them.

The rules, in plain words:

- Only a claimed company's admin staff, or a site admin, name and remove its champions
  (``policy``'s champion:name rule); on an unclaimed company nobody does.
- A champion is a peer who answered the company's questions: someone with an answer shown
  on one of them that is not official. Its own staff are not champions (they answer
  officially), and neither is an account its owner deleted.
- A company has at most ``MAX_CHAMPIONS`` champions at a time.
- Naming someone twice changes nothing, nor does removing someone who is not a champion;
  being named the first time anywhere earns the "Champion" badge.
- Both are written to the audit log; the pages of the questions they answered are
  rendered anew (the anonymous page cache), as their badge appears or goes.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.accounts.models import User
from app.answers.models import Answer
from app.companies.models import Company
from app.db import insert_if_absent, utcnow
from app.errors import NotFound, ValidationError
from app.extensions import db
from app.i18n import _, _l
from app.moderation import audit
from app.policy import Permission, is_company_staff, require
from app.questions.models import Question
from app.reputation import badges
from app.reputation.models import BadgeCode, Champion
from app.reputation.queries import answered_as_peer

MAX_CHAMPIONS = 50
NOT_A_PEER = _l(
    "@%(username)s has not answered a question about %(company)s yet: champions are the "
    "customers who answer others."
)
IS_STAFF = _l(
    "@%(username)s is on %(company)s's staff: staff answer officially, champions are customers."
)
TOO_MANY = _l("%(company)s has %(most)s champions, the most a company can have: remove one first.")


def _no_such_person() -> NotFound:
    return NotFound(_("There is no such person."))


def name_champion(user: Any, company: Company, person: User | None) -> Champion:
    """A company's admin (or a site admin) names a peer who answered its questions a
    champion of the company (see the module's rules); the champion row is returned.

    ``person`` None (no such account) or a deleted account is ``NotFound``; someone who is
    not a peer of the company, its own staff, or a champion too many is a
    ``ValidationError`` at ``username``.
    """
    require(user, Permission.CHAMPION_NAME, company)
    if person is None or person.is_former_member:
        raise _no_such_person()
    existing = db.session.get(Champion, (company.id, person.id))
    if existing is not None:
        return existing
    words = {"username": person.username, "company": company.name, "most": MAX_CHAMPIONS}
    why = None
    if is_company_staff(person, company):
        why = str(IS_STAFF) % words
    elif not answered_as_peer(person.id, company.id):
        why = str(NOT_A_PEER) % words
    if why:
        raise ValidationError(why, fields={"username": why})
    named = db.session.scalar(
        sa.select(sa.func.count()).select_from(Champion).where(Champion.company_id == company.id)
    )
    if named >= MAX_CHAMPIONS:
        why = str(TOO_MANY) % words
        raise ValidationError(why, fields={"username": why})
    row = {
        "company_id": company.id,
        "user_id": person.id,
        "named_by_id": user.id,
        "created_at": utcnow(),
    }
    if insert_if_absent(db.session, Champion.__table__, row):
        _pages_changed(company.id, person.id)
        badges.consider(person.id, [BadgeCode.CHAMPION])
        audit.record(
            user,
            "champion.named",
            company_id=company.id,
            subject_user_id=person.id,
            note=f"@{person.username} is a champion of {company.name}",
        )
    db.session.commit()
    return db.session.get(Champion, (company.id, person.id))


def remove_champion(user: Any, company: Company, person: User | None) -> bool:
    """A company's admin (or a site admin) removes one of its champions: their badge goes
    from their answers. True when they were a champion; removing someone who is not
    changes nothing (as withdrawing a vote never given)."""
    require(user, Permission.CHAMPION_NAME, company)
    if person is None:
        raise _no_such_person()
    removed = db.session.execute(
        sa.delete(Champion).where(Champion.company_id == company.id, Champion.user_id == person.id),
        execution_options={"synchronize_session": False, "preserve_rowcount": True},
    ).rowcount
    if removed:
        _pages_changed(company.id, person.id)
        audit.record(
            user,
            "champion.removed",
            company_id=company.id,
            subject_user_id=person.id,
            note=f"@{person.username} is no longer a champion of {company.name}",
        )
    db.session.commit()
    return bool(removed)


def _pages_changed(company_id: int, user_id: int) -> None:
    """The pages of the company's questions the person answered show their badge anew:
    their versions move (the anonymous page cache keys pages by them)."""
    answered = sa.select(Answer.question_id).where(Answer.author_id == user_id)
    db.session.execute(
        sa.update(Question)
        .where(Question.company_id == company_id, Question.id.in_(answered))
        .values(page_version=Question.page_version + 1),
        execution_options={"synchronize_session": False},
    )


__all__ = ["MAX_CHAMPIONS", "name_champion", "remove_champion"]
