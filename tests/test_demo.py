"""flask seed-demo: a realistic forum, loaded once."""

import sqlalchemy as sa

from app.accounts.models import User
from app.answers.models import Answer, HelpfulVote
from app.companies.models import Claim, ClaimStatus, Company, Membership, StaffRole
from app.demo import DEMO_PASSWORD
from app.extensions import db
from app.mail.models import OutboxMessage
from app.questions.models import Kind, MeToo, Question, Status
from tests.checks import snapshot


def test_seed_demo_loads_every_kind_once(app):
    runner = app.test_cli_runner()

    first = runner.invoke(args=["seed-demo"])
    loaded = snapshot()
    second = runner.invoke(args=["seed-demo"])

    assert "Demo data loaded." in first.output
    assert "already present" in second.output
    assert snapshot() == loaded
    kinds = set(db.session.scalars(sa.select(Question.kind).distinct()))
    assert kinds == set(Kind)
    assert db.session.scalar(sa.select(sa.func.count()).where(Question.feeling.is_not(None))) > 0
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(Question.best_answer_id.is_not(None)))
        > 0
    )
    for model in (Answer, HelpfulVote, MeToo):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) > 0


def test_seed_demo_has_a_company_that_joined_and_a_claim_to_review(app):
    app.test_cli_runner().invoke(args=["seed-demo"])

    acme = db.session.scalar(sa.select(Company).where(Company.slug == "acme-cloud"))
    assert acme.is_claimed
    roles = dict(
        db.session.execute(
            sa.select(User.username, Membership.role)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.company_id == acme.id, Membership.revoked_at.is_(None))
        ).all()
    )
    assert roles == {"jane": StaffRole.ADMIN, "omar": StaffRole.AGENT}
    assert db.session.scalar(sa.select(sa.func.count()).where(Answer.is_official)) >= 2
    assert db.session.scalar(sa.select(sa.func.count()).where(Answer.is_endorsed)) >= 1
    statuses = set(db.session.scalars(sa.select(Question.status)))
    assert {Status.SOLVED, Status.PLANNED} <= statuses
    waiting = db.session.scalars(
        sa.select(Claim).where(Claim.status == ClaimStatus.EMAIL_VERIFIED)
    ).all()
    assert [claim.work_email for claim in waiting] == ["kai@nimbusbikes.com"]
    unclaimed = db.session.scalars(sa.select(Company).where(Company.claimed_at.is_(None))).all()
    assert len(unclaimed) >= 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_demo_users_sign_in_with_the_published_password(app, client):
    app.test_cli_runner().invoke(args=["seed-demo"])

    response = client.post("/sign-in", data={"login": "alice", "password": DEMO_PASSWORD})

    assert response.status_code in (302, 303)
    assert "Alice Moreau" in client.get("/").get_data(as_text=True)


def test_every_demo_account_is_verified_and_no_verification_mail_waits(app):
    app.test_cli_runner().invoke(args=["seed-demo"])

    users = db.session.execute(sa.select(User.username, User.email_verified_at)).all()
    assert len(users) >= 10
    assert [username for username, verified_at in users if verified_at is None] == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0
