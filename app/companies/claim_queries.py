"""Reads for the claim pages and the site admins' review queue.

The claimant's own live claim (for the claim page), a claim to decide, and the queue:
pages of claims with company, claimant, decider and the claimant's activity, and the
count in each state for the tabs. Each is one SELECT. The workflow's writes are in
``app.companies.claims``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.companies.models import Claim, ClaimStatus, Company
from app.db import MAX_ID, utcnow
from app.errors import NotFound
from app.extensions import db
from app.i18n import _
from app.pagination import BadCursor, Page, decode_cursor, encode_cursor


def live_claim(user: Any, company: Company) -> Claim | None:
    """The user's claim on the company that is still going (e-mail sent and not expired,
    or verified and waiting for review), if any: one SELECT, none when signed out."""
    if user is None or not user.is_authenticated:
        return None
    return db.session.execute(
        sa.select(Claim)
        .where(
            Claim.user_id == user.id,
            Claim.company_id == company.id,
            sa.or_(
                Claim.status == ClaimStatus.EMAIL_VERIFIED,
                sa.and_(Claim.status == ClaimStatus.PENDING_EMAIL, Claim.expires_at > utcnow()),
            ),
        )
        .order_by(Claim.created_at.desc(), Claim.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def get_claim(claim_id: int) -> Claim:
    """The claim with its company, claimant and decider (one SELECT), or ``NotFound``."""
    if not 0 < claim_id <= MAX_ID:
        raise NotFound(_("There is no such claim."))
    claim = db.session.execute(_claim_query().where(Claim.id == claim_id)).scalar_one_or_none()
    if claim is None:
        raise NotFound(_("There is no such claim."))
    return claim


@dataclass(frozen=True)
class ClaimRow:
    """A claim as the review queue shows it, with what the claimant has done on Helpsquare."""

    claim: Claim
    status: ClaimStatus  # expired once its link's time ran out, even before anyone noticed
    questions: int
    answers: int


def _claim_query() -> sa.Select:
    return sa.select(Claim).options(
        joinedload(Claim.company), joinedload(Claim.user), joinedload(Claim.decided_by)
    )


def _written_by_claimant(table_name: str) -> sa.ScalarSelect:
    """How many rows of ``table_name`` the claimant wrote. The table is named by string:
    questions and answers build on companies, not the other way round."""
    table = db.metadata.tables[table_name]
    return (
        sa.select(sa.func.count())
        .select_from(table)
        .where(table.c.author_id == Claim.user_id)
        .correlate(Claim)
        .scalar_subquery()
    )


def _effective_status(now: datetime) -> sa.ColumnElement:
    """The status a reader should see: an unverified claim past its time is expired."""
    return sa.case(
        (
            sa.and_(Claim.status == ClaimStatus.PENDING_EMAIL, Claim.expires_at <= now),
            ClaimStatus.EXPIRED.value,
        ),
        else_=sa.cast(Claim.status, sa.String),
    )


def _status_filter(status: ClaimStatus, now: datetime) -> sa.ColumnElement:
    if status is ClaimStatus.PENDING_EMAIL:
        return sa.and_(Claim.status == status, Claim.expires_at > now)
    if status is ClaimStatus.EXPIRED:
        return sa.or_(
            Claim.status == status,
            sa.and_(Claim.status == ClaimStatus.PENDING_EMAIL, Claim.expires_at <= now),
        )
    return Claim.status == status


# Claims still waiting for something are served oldest first (first come, first served);
# decided ones newest first.
_OLDEST_FIRST = {ClaimStatus.PENDING_EMAIL, ClaimStatus.EMAIL_VERIFIED}


def _row_query(now: datetime) -> sa.Select:
    """Claims with company, claimant and decider, the claimant's activity and the status
    to show, in one SELECT."""
    questions = _written_by_claimant("questions").label("questions")
    answers = _written_by_claimant("answers").label("answers")
    shown_status = _effective_status(now).label("shown_status")
    return sa.select(Claim, questions, answers, shown_status).options(
        joinedload(Claim.company), joinedload(Claim.user), joinedload(Claim.decided_by)
    )


def _rows(query: sa.Select) -> list[ClaimRow]:
    return [
        ClaimRow(claim, ClaimStatus(shown), q_count, a_count)
        for claim, q_count, a_count, shown in db.session.execute(query)
    ]


def get_claim_row(claim_id: int) -> ClaimRow:
    """One claim as the queue shows it (one SELECT), or ``NotFound``."""
    rows = _rows(_row_query(utcnow()).where(Claim.id == claim_id)) if 0 < claim_id <= MAX_ID else []
    if not rows:
        raise NotFound(_("There is no such claim."))
    return rows[0]


def list_claims(
    status: ClaimStatus | None = None, cursor: str | None = None, limit: int = 20
) -> Page[ClaimRow]:
    """A page of claims with company, claimant, decider and the claimant's activity.

    One SELECT, whatever the page size. With ``status`` the claims in that state
    (unverified claims past their time count as expired); without, every claim, the
    verified ones (waiting for review) first. Waiting claims come oldest first, decided
    ones newest first. Raises ``BadCursor`` for a cursor this server did not issue.
    """
    now = utcnow()
    query = _row_query(now)
    key = sa.tuple_(Claim.created_at, Claim.id)
    if status is None:
        # Verified claims first: phase 0, then every other claim: phase 1.
        phase = sa.case((Claim.status == ClaimStatus.EMAIL_VERIFIED, 0), else_=1)
        if cursor:
            after_phase, created_at, last_id = _decode_phased(cursor)
            after = sa.tuple_(sa.literal(created_at, Claim.created_at.type), sa.literal(last_id))
            query = query.where(
                sa.or_(phase > after_phase, sa.and_(phase == after_phase, key > after))
            )
        query = query.order_by(phase, Claim.created_at, Claim.id)
    else:
        query = query.where(_status_filter(status, now))
        oldest_first = status in _OLDEST_FIRST
        if cursor:
            created_at, last_id = decode_cursor(cursor, datetime)
            after = sa.tuple_(sa.literal(created_at, Claim.created_at.type), sa.literal(last_id))
            query = query.where(key > after if oldest_first else key < after)
        if oldest_first:
            query = query.order_by(Claim.created_at, Claim.id)
        else:
            query = query.order_by(Claim.created_at.desc(), Claim.id.desc())
    rows = _rows(query.limit(limit + 1))
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1].claim
        next_cursor = encode_cursor(last.created_at, last.id)
        if status is None:
            next_cursor = f"{0 if last.status is ClaimStatus.EMAIL_VERIFIED else 1}{next_cursor}"
    return Page(items=rows, next_cursor=next_cursor)


def _decode_phased(cursor: str) -> tuple[int, datetime, int]:
    """A cursor of the all-claims list: the phase digit, then an ordinary cursor."""
    if cursor[:1] not in {"0", "1"}:
        raise BadCursor("cursor is not valid")
    created_at, last_id = decode_cursor(cursor[1:], datetime)
    return int(cursor[0]), created_at, last_id


def count_claims() -> dict[ClaimStatus, int]:
    """How many claims are in each state, as the queue's tabs show it (one SELECT)."""
    shown = _effective_status(utcnow()).label("shown")
    rows = db.session.execute(sa.select(shown, sa.func.count()).group_by(shown))
    counts = dict.fromkeys(ClaimStatus, 0)
    for status, count in rows:
        counts[ClaimStatus(status)] = count
    return counts


__all__ = [
    "ClaimRow",
    "count_claims",
    "get_claim",
    "get_claim_row",
    "list_claims",
    "live_claim",
]
