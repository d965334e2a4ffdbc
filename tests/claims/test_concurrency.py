"""Two site admins approve the same claim at the same moment: one wins, the other is told
it was decided meanwhile, and nothing is doubled.

On PostgreSQL the two approvals really run at once, in two threads with connections of
their own; that needs rows committed for real, on an engine of the test's own, which the
test deletes again. SQLite allows one writer at a time, so there the second approval
comes after the first and must be refused just the same.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import orm
from sqlalchemy.orm.attributes import set_committed_value

from app.accounts.models import User
from app.companies import claim_queries, claims
from app.companies.models import Claim, ClaimStatus, Company, Membership
from app.db import utcnow
from app.errors import Conflict
from app.extensions import db
from app.mail.models import OutboxMessage
from app.moderation.models import AuditEntry
from tests.checks import snapshot
from tests.claims.helpers import make_claim, memberships
from tests.factories import make_company, make_user

RACERS = 2


def _is_postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


def _one_after_the_other() -> None:
    acme = make_company("Acme", domain="acme.com")
    claim = make_claim(acme, make_user("jane"))
    first, second = make_user("keeper", is_admin=True), make_user("warden", is_admin=True)
    claims.approve_claim(first, claim, note="Mine.")
    before = snapshot()

    with pytest.raises(Conflict) as refused:
        claims.approve_claim(second, claim, note="No, mine.")
    assert refused.value.message == "This claim was already decided: approved."

    # The second admin's page was loaded before the first approval: the object still says
    # "verified", and the database itself must refuse.
    set_committed_value(claim, "status", ClaimStatus.EMAIL_VERIFIED)
    with pytest.raises(Conflict) as refused:
        claims.approve_claim(second, claim, note="No, mine.")
    assert "decided meanwhile" in refused.value.message

    assert snapshot() == before
    assert len(memberships(acme)) == 1


# PostgreSQL: real concurrency ---------------------------------------------------------------


@pytest.fixture
def committed_world(app: Flask) -> Iterator[dict]:
    """Two site admins, a claimant and her verified claim, committed for every connection to
    see; deleted again afterwards. Only used on PostgreSQL."""
    if not _is_postgresql():
        yield {}
        return
    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"], pool_size=RACERS + 2)
    tag = f"race{utcnow().timestamp():.0f}"
    with orm.Session(engine) as session:
        admins = [
            User(
                username=f"{tag}a{n}",
                email=f"{tag}a{n}@example.org",
                password_hash="x",
                is_admin=True,
                email_verified_at=utcnow(),
            )
            for n in range(RACERS)
        ]
        jane = User(
            username=f"{tag}j",
            email=f"{tag}j@example.org",
            password_hash="x",
            email_verified_at=utcnow(),
        )
        company = Company(slug=tag, name=f"Race {tag}", domain=f"{tag}.example.com")
        session.add_all([*admins, jane, company])
        session.flush()
        now = utcnow()
        claim = Claim(
            company_id=company.id,
            user_id=jane.id,
            work_email=f"jane@{company.domain}",
            status=ClaimStatus.EMAIL_VERIFIED,
            created_at=now,
            expires_at=now + timedelta(hours=48),
            email_verified_at=now,
        )
        session.add(claim)
        session.commit()
        world = {
            "engine": engine,
            "admin_ids": [admin.id for admin in admins],
            "user_ids": [admin.id for admin in admins] + [jane.id],
            "jane_id": jane.id,
            "jane_email": jane.email,
            "company_id": company.id,
            "claim_id": claim.id,
        }
    try:
        yield world
    finally:
        with engine.begin() as connection:
            user_ids, company_id = world["user_ids"], world["company_id"]
            connection.execute(
                sa.delete(AuditEntry).where(
                    sa.or_(
                        AuditEntry.company_id == company_id,
                        AuditEntry.actor_id.in_(user_ids),
                        AuditEntry.subject_user_id.in_(user_ids),
                    )
                )
            )
            connection.execute(
                sa.delete(OutboxMessage).where(OutboxMessage.to_address == world["jane_email"])
            )
            connection.execute(sa.delete(Membership).where(Membership.company_id == company_id))
            connection.execute(sa.delete(Claim).where(Claim.company_id == company_id))
            connection.execute(sa.delete(Company).where(Company.id == company_id))
            connection.execute(sa.delete(User).where(User.id.in_(user_ids)))
        engine.dispose()


def test_two_approvals_of_one_claim_make_one_admin(app, monkeypatch, committed_world):
    if not _is_postgresql():
        _one_after_the_other()
        return
    world = committed_world
    engine = world["engine"]
    # Sessions on the test's own engine: each thread's app context gets its own session,
    # hence its own connection, outside the test's rolled-back transaction.
    monkeypatch.setattr(
        db, "session", orm.scoped_session(orm.sessionmaker(bind=engine), scopefunc=_app_ctx_id)
    )
    start = threading.Barrier(RACERS)
    outcomes: list[str] = []
    failures: list[BaseException] = []

    def approve(admin_id: int) -> None:
        with app.app_context():
            try:
                admin = db.session.get(User, admin_id)
                claim = claim_queries.get_claim(world["claim_id"])
                start.wait(timeout=10)  # both have read the claim as verified
                claims.approve_claim(admin, claim, note=f"Approved by {admin.username}.")
                outcomes.append("approved")
            except Conflict:
                outcomes.append("conflict")
            except BaseException as error:  # reported by the main thread
                failures.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=approve, args=(i,)) for i in world["admin_ids"]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not failures, failures
    assert sorted(outcomes) == ["approved", "conflict"]
    with engine.connect() as connection:
        company_id = world["company_id"]
        members = connection.execute(
            sa.select(Membership.user_id, Membership.role).where(
                Membership.company_id == company_id
            )
        ).all()
        approvals = connection.execute(
            sa.select(sa.func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.company_id == company_id, AuditEntry.action == "claim.approved")
        ).scalar_one()
        decisions = connection.execute(
            sa.select(sa.func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.to_address == world["jane_email"])
        ).scalar_one()
        status, decided_by = connection.execute(
            sa.select(Claim.status, Claim.decided_by_id).where(Claim.id == world["claim_id"])
        ).one()
        claimed_at = connection.execute(
            sa.select(Company.claimed_at).where(Company.id == company_id)
        ).scalar_one()
    assert [(user_id, role.value) for user_id, role in members] == [(world["jane_id"], "admin")]
    assert (approvals, decisions) == (1, 1)
    assert status is ClaimStatus.APPROVED and decided_by in world["admin_ids"]
    assert claimed_at is not None
