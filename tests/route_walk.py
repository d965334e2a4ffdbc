"""A small forum in which every route of the URL map can be asked for with real values, for
the tests that walk them all (tests/test_route_walks.py): real ids and slugs, and real
links as the e-mails carry them (a claim, an invitation, a password reset, an unsubscribe).

Every list holds at least two rows, so that with a page size of 1 every list has a next page
(and the question's answers more than one page of 30).

A new route whose URL needs an argument this module has no value for makes the walks fail,
naming the argument: add its value here (``_VALUES``, or ``tokens`` for a new link).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import Flask, url_for
from werkzeug.routing import Rule

from app.accounts import services as account_services
from app.accounts import verification
from app.answers import services as answer_services
from app.comments import services as comment_services
from app.companies import claims, proofs, staff
from app.companies.models import ClaimStatus
from app.extensions import db
from app.mail.models import OutboxMessage
from app.moderation import flags as flag_services
from app.moderation import hiding
from app.moderation.flag_models import FlaggedPost
from app.notifications import services as notification_services
from app.questions import services as question_services
from app.questions.models import Kind
from app.reputation.champions import name_champion
from app.search import index as search_index
from app.uploads import services as upload_services
from app.uploads.images import prepare
from app.uploads.models import Place
from app.webhooks import services as webhook_services
from tests.api.helpers import token_for
from tests.claims.helpers import make_claim
from tests.factories import (
    make_answer,
    make_company,
    make_product,
    make_question,
    make_staff,
    make_user,
)
from tests.uploads import samples

_LINK = re.compile(r"https?://helpsquare\.test(/[^\s\"<>]+)")


@dataclass
class World:
    users: dict[str, Any]
    values: dict[str, Any]  # URL argument name → a real value
    tokens: dict[str, str]  # endpoint → the token its link carries
    by_endpoint: dict[str, dict[str, Any]]  # where a name means something else (a slug)
    api_token: str  # the site admin's
    question: Any  # with more than one page of answers
    extra_urls: list[str] = field(default_factory=list)  # lists again, with other sorts

    def url(self, rule: Rule) -> str:
        """The rule's URL with real values for every argument it needs."""
        values = {}
        for name in sorted(rule.arguments - set(rule.defaults or {})):
            if name in self.by_endpoint.get(rule.endpoint, {}):
                values[name] = self.by_endpoint[rule.endpoint][name]
            elif name == "token":
                assert rule.endpoint in self.tokens, (
                    f"tests/route_walk.py has no real link for {rule.endpoint}: add its token"
                )
                values[name] = self.tokens[rule.endpoint]
            else:
                assert name in self.values, (
                    f"tests/route_walk.py has no value for <{name}> of {rule.rule}: add one"
                )
                values[name] = self.values[name]
        return url_for(rule.endpoint, _external=False, **values)


def get_rules(app: Flask) -> list[Rule]:
    """Every rule that answers GET (and so HEAD), in a stable order."""
    return sorted(
        (rule for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ())),
        key=lambda rule: (rule.rule, rule.endpoint),
    )


def _link_sent_to(address: str) -> str:
    """The path of the newest link e-mailed to ``address``, as a reader would click it."""
    body = db.session.execute(
        sa.select(OutboxMessage.body_text)
        .where(OutboxMessage.to_address == address)
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    ).scalar_one()
    found = _LINK.search(body)
    assert found, body
    return found[1]


def _token_of(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[1]


def build_world() -> World:
    keeper = make_user("keeper", is_admin=True)
    jane = make_user("jane", display_name="Jane Doe")
    agent = make_user("agent")
    asker = make_user("asker")
    answerer = make_user("answerer")
    claimant = make_user("claimant")
    users = dict(
        keeper=keeper, jane=jane, agent=agent, asker=asker, answerer=answerer, claimant=claimant
    )

    acme = make_company("Acme", slug="acme", domain="acme.com")
    make_staff(acme, jane, role="admin", title="Head of Support")
    make_staff(acme, agent, role="agent")
    drive = make_product(acme, "Drive", slug="drive")
    make_product(acme, "Vault", slug="vault")
    nimbus = make_company("Nimbus Bikes", slug="nimbus-bikes", domain="nimbusbikes.com")
    make_product(nimbus, "Cargo", slug="cargo")

    question = make_question(acme, product=drive, author=asker, title="Drive stops syncing")
    for _ in range(31):
        make_answer(question)
    others = [
        make_question(acme, product=drive, author=asker, kind=Kind.PROBLEM, title="Sync is slow"),
        make_question(acme, product=drive, title="Where is the export button?"),
        make_question(nimbus, author=asker, title="Which chain fits the cargo bike?"),
    ]
    for other in others[1:]:
        make_answer(other, author=asker)  # the asker's profile lists answers too
    for listed in (question, *others):
        search_index.refresh_question(listed.id)
    notification_services.follow(keeper, question=question)
    db.session.commit()
    # Through the services: the asker and the keeper hear about both answers.
    first = answer_services.post_answer(answerer, question, body="Sign out and in again.")
    answer_services.post_answer(answerer, question, body="Reinstall the app.")
    answer_services.vote_helpful(asker, first)
    # Comments (issue 13): under the question and under the first answer.
    comment_services.post_comment(answerer, question, body="Which version of Drive?")
    comment = comment_services.post_comment(asker, first, body="Did that, still stuck.")
    # Edit histories longer than a page of the API (20) and of the history pages (10).
    for n in range(21):
        question_services.edit_question(asker, question, body=f"Still not syncing ({n}).")
        answer_services.edit_answer(answerer, first, body=f"Sign out and in again ({n}).")

    # A status history of two changes: a next page at size 1.
    question_services.set_status(jane, question, "answered")
    question_services.set_status(jane, question, "open")

    # The public moderation log has two lines (a lock and an unlock): a next page at size 1.
    hiding.lock_question(keeper, others[0], reason="Heated thread.")
    hiding.unlock_question(keeper, others[0])

    # Real links, as the e-mails carry them.
    make_claim(nimbus, make_user("early"), status=ClaimStatus.EMAIL_VERIFIED)
    waiting = make_claim(nimbus, make_user("later"), status=ClaimStatus.EMAIL_VERIFIED)
    claims.request_claim(claimant, nimbus, work_email="claimant@nimbusbikes.com")
    claim_link = _link_sent_to("claimant@nimbusbikes.com")
    staff.invite_staff(jane, acme, email="newcomer@acme.com")
    staff.invite_staff(jane, acme, email="another@acme.com")  # the audit log has two entries
    invitation_link = _link_sent_to("another@acme.com")
    account_services.request_password_reset(asker.email)
    reset_link = _link_sent_to(asker.email)
    newcomer = make_user("newcomer", email_verified=False)
    verification.send_link(newcomer)
    verify_link = _link_sent_to(newcomer.email)
    unsubscribe = notification_services.unsubscribe_token(
        asker.id, notification_services.DIGEST_SCOPE
    )
    api_token = token_for(keeper)
    # Flagged questions waiting for review (the queue, its page and the API list them).
    flag_services.flag_post(answerer, others[0], reason="off_topic")
    flag_services.flag_post(asker, others[1], reason="duplicate", duplicate_of=question.id)
    flagged = db.session.scalar(
        sa.select(FlaggedPost).where(FlaggedPost.question_id == others[0].id)
    )
    # A webhook endpoint with a delivery log of two (sent by the worker, not by the walks).
    endpoint = webhook_services.create_endpoint(
        jane, acme, url="https://93.184.215.14/hooks", events=["answer.created"]
    )
    webhook_services.send_test_event(jane, endpoint)
    webhook_services.send_test_event(jane, endpoint)
    # A claimant's token for proving a domain (the claim page shows it).
    proofs.start_proof(claimant, nimbus)
    db.session.commit()
    # Two champions of Acme (both answered its questions): a next page at size 1.
    name_champion(jane, acme, answerer)
    name_champion(jane, acme, asker)

    # An image in the question (its address is /images/<id>).
    picture = upload_services.attach(
        asker, [prepare(samples.png())], place=Place.POST, question_id=question.id
    )[0]
    db.session.commit()

    values = {
        "image_id": picture.id,
        "question_id": question.id,
        "slug": "acme",
        "code": "en",  # a language (the footer's links): the walks read English pages
        "company_slug": "acme",
        "product_slug": "drive",
        "product": "drive",
        "username": asker.username,
        "answer_id": first.id,
        "comment_id": comment.id,
        "claim_id": waiting.id,
        "flagged_id": flagged.id,
        "flag_id": flagged.id,
        "user_id": agent.id,
        "section": "questions",
        "first_id": question.id,
        "filename": "css/helpsquare.css",
        "endpoint_id": endpoint.id,
        "id": endpoint.id,
        "table": "kinds",
    }
    tokens = {
        "companies.verify_claim": _token_of(claim_link),
        "companies.accept_invitation": _token_of(invitation_link),
        "accounts.reset_password": _token_of(reset_link),
        "accounts.verify_email": _token_of(verify_link),
        "notifications.unsubscribe": unsubscribe,
    }
    extra_urls = [
        "/questions?sort=newest",
        "/questions?sort=me_too",
        "/questions?sort=unanswered",
        "/api/v1/questions?sort=me_too",
        "/api/v1/questions?sort=newest",
        "/api/v1/claims?status=email_verified",
        "/api/v1/search?q=sync",
        "/moderation/flags?status=dismissed",
        "/api/v1/flags?status=hidden",
    ]
    by_endpoint = {"questions.show": {"slug": question.slug}}
    return World(users, values, tokens, by_endpoint, api_token, question, extra_urls)
