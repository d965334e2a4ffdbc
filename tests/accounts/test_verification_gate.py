"""The write gate: until its e-mail address is verified, an account is refused every write
that others see, with 403 ``email_unverified``, through every service and both doors (pages
and API); nothing changes. Once verified, the same call succeeds. Reads, following, one's
own notifications and e-mails, the profile, API tokens and verifying stay allowed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from app.accounts import access_tokens, verification
from app.accounts import services as account_services
from app.answers import services as answers
from app.comments import preview
from app.comments import services as comments
from app.comments.models import Comment
from app.companies import claims, proofs, staff
from app.companies import services as companies
from app.companies.models import Claim, ClaimStatus, Invitation, Membership, StaffRole
from app.db import utcnow
from app.errors import EmailUnverified
from app.extensions import db
from app.integrations import sso
from app.moderation import accounts as moderation_accounts
from app.moderation import flags, hiding, merging
from app.moderation.flag_models import Flag, FlaggedPost, FlagReason
from app.notifications import services as notifications
from app.notifications.models import Category
from app.policy import (
    ALLOWED_BEFORE_VERIFIED_EMAIL,
    WRITES_NEEDING_VERIFIED_EMAIL,
    Permission,
)
from app.products import services as products
from app.questions import services as questions
from app.questions.models import Kind, Status
from app.reputation import champions
from app.tokens import Purpose, make_token
from app.webhooks import services as webhook_services
from app.webhooks.models import WebhookEndpoint
from tests.api.helpers import API, Api, error_of
from tests.checks import snapshot
from tests.claims.helpers import save, text
from tests.conftest import login_as
from tests.factories import (
    PASSWORD,
    make_answer,
    make_company,
    make_product,
    make_question,
    make_staff,
    make_user,
)

REFUSED_PAGE = "Verify your e-mail address first"


@dataclass
class World:
    """Ivy (address not verified) is a customer and Acme's admin staff; Root is a site admin
    whose address is not verified either."""

    ivy: Any
    root: Any
    acme: Any
    widget: Any
    nimbus: Any
    own_question: Any  # Ivy's, on Acme, with someone else's answer
    answer_to_own: Any
    other_question: Any  # someone else's problem on Acme
    peer_answer: Any  # someone else's answer to it
    own_answer: Any  # Ivy's answer to it
    agent: Any
    invitation: Any  # Acme's pending invitation (Ivy withdraws it)
    bolt_token: str  # an invitation for Ivy to join Bolt's staff
    claim: Any  # a verified claim on Nimbus waiting for review
    mallory: Any = None  # an account Root makes a moderator, or suspends
    sully: Any = None  # an account suspended for good (Root lifts it)
    flagged: Any = None  # peer's answer, flagged by the agent, waiting for review
    solved: Any = None  # Ivy's problem, solved (she may say it is still broken)
    endpoint: Any = None  # Acme's webhook endpoint (issue 15)
    own_comment: Any = None  # Ivy's comment under the other question (issue 13)


@pytest.fixture
def w(app, monkeypatch) -> World:
    # Webhooks wait for the worker here: nothing is sent to the endpoints' addresses.
    monkeypatch.setitem(app.config, "WEBHOOKS_SEND", "worker")
    ivy = make_user("ivy", email_verified=False)
    root = make_user("root", is_admin=True, email_verified=False)
    peer, agent = make_user("peer"), make_user("agent")
    acme = make_company("Acme", domain="acme.example")
    make_staff(acme, ivy, role="admin")
    make_staff(acme, agent, role="agent")
    widget = make_product(acme, "Widget")
    nimbus = make_company("Nimbus", domain="nimbus.example")
    bolt = make_company("Bolt", domain="bolt.example")
    bolt_admin = make_user("boltadmin")
    make_staff(bolt, bolt_admin, role="admin")
    own_question = make_question(acme, author=ivy, title="Why does my widget beep?")
    answer_to_own = make_answer(own_question, author=peer)
    other_question = make_question(acme, author=peer, kind=Kind.PROBLEM, title="It overheats")
    peer_answer = make_answer(other_question, author=peer, body="Let it cool down.")
    own_answer = make_answer(other_question, author=ivy, body="Mine too, twice.")
    now = utcnow()
    invitation = Invitation(
        company=acme, email="newhire@acme.example", role=StaffRole.AGENT,
        invited_by_id=ivy.id, created_at=now, expires_at=now + timedelta(hours=48),
    )  # fmt: skip
    to_bolt = Invitation(
        company=bolt, email="ivy@bolt.example", role=StaffRole.AGENT,
        invited_by_id=bolt_admin.id, created_at=now, expires_at=now + timedelta(hours=48),
    )  # fmt: skip
    claim = Claim(
        company=nimbus, user=peer, work_email="peer@nimbus.example",
        status=ClaimStatus.EMAIL_VERIFIED, created_at=now,
        expires_at=now + timedelta(hours=48), email_verified_at=now,
    )  # fmt: skip
    db.session.add_all([invitation, to_bolt, claim])
    mallory = make_user("mallory")
    sully = make_user("sully", suspended_at=now, suspension_reason="Spam.")
    db.session.flush()
    flagged = FlaggedPost(answer_id=peer_answer.id, flag_count=1, created_at=now)
    db.session.add(flagged)
    db.session.flush()
    db.session.add(
        Flag(flagged_post_id=flagged.id, user_id=agent.id, round=1, reason=FlagReason.OFF_TOPIC)
    )
    db.session.flush()
    solved = make_question(
        acme, author=ivy, kind=Kind.PROBLEM, status=Status.SOLVED, title="It still rattles"
    )
    endpoint = WebhookEndpoint(
        company=acme, url="https://93.184.215.14/hooks", events="answer.created",
        secret=webhook_services.new_secret(), disabled_reason="",
    )  # fmt: skip
    db.session.add(endpoint)
    own_comment = Comment(
        question_id=other_question.id, author_id=ivy.id, body="Which model?",
        body_html="<p>Which model?</p>", body_renderer_version=1,
    )  # fmt: skip
    db.session.add(own_comment)
    save()
    return World(
        ivy, root, acme, widget, nimbus, own_question, answer_to_own, other_question,
        peer_answer, own_answer, agent, invitation,
        make_token(Purpose.STAFF_INVITATION, to_bolt.id, "pending"), claim, mallory, sully,
        flagged, solved, endpoint, own_comment,
    )  # fmt: skip


def _verify(user: Any) -> None:
    verification.mark_verified(user)
    save()


# Every permission is on one side of the gate ---------------------------------------------------


def test_every_permission_is_either_a_gated_write_or_allowed_before_verifying():
    assert WRITES_NEEDING_VERIFIED_EMAIL | ALLOWED_BEFORE_VERIFIED_EMAIL == set(Permission)
    assert not WRITES_NEEDING_VERIFIED_EMAIL & ALLOWED_BEFORE_VERIFIED_EMAIL


# The services --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceCall:
    name: str
    permission: Permission
    call: Callable[[World], Any]
    actor: str = "ivy"
    writes: bool = True  # False: allowed, it still changes nothing (the preview)


SERVICE_CALLS = [
    ServiceCall("create a company", Permission.COMPANY_CREATE,
                lambda w: companies.create_company(w.ivy, name="Brand New", domain="brandnew.io")),
    ServiceCall("edit a company", Permission.COMPANY_EDIT,
                lambda w: companies.edit_company(w.ivy, w.acme, description="New.", website="")),
    ServiceCall("create a product", Permission.PRODUCT_CREATE,
                lambda w: products.create_product(w.ivy, w.acme, name="Gizmo")),
    ServiceCall("edit a product", Permission.PRODUCT_EDIT,
                lambda w: products.edit_product(w.ivy, w.widget, name="Widget", description="New")),
    ServiceCall("ask", Permission.QUESTION_ASK,
                lambda w: questions.ask_question(w.ivy, w.acme, title="Where is the manual?",
                                                 body="I lost it.")),
    ServiceCall("edit a question", Permission.QUESTION_EDIT,
                lambda w: questions.edit_question(w.ivy, w.own_question,
                                                  title="Why does it beep twice?", body="Edited.")),
    ServiceCall("change a question's kind", Permission.QUESTION_CHANGE_KIND,
                lambda w: questions.edit_question(w.ivy, w.own_question, kind="problem")),
    ServiceCall("change a question's product", Permission.QUESTION_CHANGE_PRODUCT,
                lambda w: questions.edit_question(w.ivy, w.own_question, product=w.widget)),
    ServiceCall("me too", Permission.QUESTION_ME_TOO,
                lambda w: questions.add_me_too(w.ivy, w.other_question)),
    ServiceCall("choose the best answer", Permission.QUESTION_CHOOSE_BEST,
                lambda w: answers.choose_best_answer(w.ivy, w.own_question, w.answer_to_own)),
    ServiceCall("set a status", Permission.QUESTION_SET_STATUS,
                lambda w: questions.set_status(w.ivy, w.other_question, "acknowledged")),
    ServiceCall("still broken", Permission.QUESTION_STILL_BROKEN,
                lambda w: questions.report_still_broken(w.ivy, w.solved)),
    ServiceCall("answer", Permission.ANSWER_CREATE,
                lambda w: answers.post_answer(w.ivy, w.other_question, body="Try the reset.")),
    ServiceCall("edit an answer", Permission.ANSWER_EDIT,
                lambda w: answers.edit_answer(w.ivy, w.own_answer, body="Edited answer.")),
    ServiceCall("answer with private details", Permission.ANSWER_PRIVATE_DETAILS,
                lambda w: answers.post_answer(w.ivy, w.other_question, body="Try the reset.",
                                              private_details="Your order 1234 is refunded.")),
    ServiceCall("vote helpful", Permission.ANSWER_VOTE_HELPFUL,
                lambda w: answers.vote_helpful(w.ivy, w.peer_answer)),
    ServiceCall("endorse", Permission.ANSWER_ENDORSE,
                lambda w: answers.endorse_answer(w.ivy, w.peer_answer)),
    ServiceCall("claim a company", Permission.CLAIM_CREATE,
                lambda w: claims.request_claim(w.ivy, w.nimbus, work_email="ivy@nimbus.example")),
    ServiceCall("approve a claim", Permission.CLAIM_REVIEW,
                lambda w: claims.approve_claim(w.root, w.claim, note="Checked."), actor="root"),
    ServiceCall("reject a claim", Permission.CLAIM_REVIEW,
                lambda w: claims.reject_claim(w.root, w.claim, note="No."), actor="root"),
    ServiceCall("invite staff", Permission.STAFF_MANAGE,
                lambda w: staff.invite_staff(w.ivy, w.acme, email="other@acme.example")),
    ServiceCall("withdraw an invitation", Permission.STAFF_MANAGE,
                lambda w: staff.revoke_invitation(w.ivy, w.invitation)),
    ServiceCall("remove staff", Permission.STAFF_MANAGE,
                lambda w: staff.revoke_staff(w.ivy, w.acme, w.agent)),
    ServiceCall("set one's title", Permission.STAFF_EDIT_TITLE,
                lambda w: staff.set_title(w.ivy, _membership(w.acme, w.ivy), title="Lead")),
    ServiceCall("join a staff", Permission.STAFF_JOIN,
                lambda w: staff.accept_invitation(w.ivy, w.bolt_token)),
    ServiceCall("merge a duplicate", Permission.QUESTION_MERGE,
                lambda w: merging.merge_question(w.ivy, w.other_question, into=w.own_question)),
    ServiceCall("flag a post", Permission.POST_FLAG,
                lambda w: flags.flag_post(w.ivy, w.peer_answer, reason="spam")),
    ServiceCall("review flags", Permission.FLAG_REVIEW,
                lambda w: flags.resolve(w.root, w.flagged, action="dismiss"), actor="root"),
    ServiceCall("hide a post", Permission.POST_HIDE,
                lambda w: hiding.hide_post(w.root, w.peer_answer, reason="Spam."), actor="root"),
    ServiceCall("lock a question", Permission.QUESTION_LOCK,
                lambda w: hiding.lock_question(w.root, w.other_question, reason="Heated."),
                actor="root"),
    ServiceCall("grant the moderator role", Permission.MODERATOR_GRANT,
                lambda w: moderation_accounts.set_moderator(w.root, w.mallory, True),
                actor="root"),
    ServiceCall("add a webhook endpoint", Permission.WEBHOOKS_MANAGE,
                lambda w: webhook_services.create_endpoint(
                    w.ivy, w.acme, url="https://93.184.215.14/new", events=["answer.created"])),
    ServiceCall("send a webhook test event", Permission.WEBHOOKS_MANAGE,
                lambda w: webhook_services.send_test_event(w.ivy, w.endpoint)),
    ServiceCall("delete a webhook endpoint", Permission.WEBHOOKS_MANAGE,
                lambda w: webhook_services.delete_endpoint(w.ivy, w.endpoint)),
    ServiceCall("get a domain proof token", Permission.CLAIM_CREATE,
                lambda w: proofs.start_proof(w.ivy, w.nimbus)),
    ServiceCall("suspend an account", Permission.USER_SUSPEND,
                lambda w: moderation_accounts.suspend_user(w.root, w.mallory, reason="Spam.",
                                                           forever=True),
                actor="root"),
    ServiceCall("create the SSO secret", Permission.COMPANY_SSO,
                lambda w: sso.create_secret(w.ivy, w.acme)),
    ServiceCall("name a champion", Permission.CHAMPION_NAME,
                lambda w: champions.name_champion(w.ivy, w.acme, w.peer_answer.author)),
    ServiceCall("comment", Permission.COMMENT_CREATE,
                lambda w: comments.post_comment(w.ivy, w.other_question, body="Which model?")),
    ServiceCall("edit a comment", Permission.COMMENT_EDIT,
                lambda w: comments.edit_comment(w.ivy, w.own_comment, body="Which one, exactly?")),
    ServiceCall("preview markdown", Permission.CONTENT_PREVIEW,
                lambda w: preview.preview_for(w.ivy, "**Hi**"), writes=False),
]  # fmt: skip


def _membership(company: Any, user: Any) -> Membership:
    return staff.get_active_membership(company.id, user.id)


def test_every_gated_permission_has_a_service_call_here():
    assert {call.permission for call in SERVICE_CALLS} == WRITES_NEEDING_VERIFIED_EMAIL


@pytest.mark.parametrize("case", SERVICE_CALLS, ids=lambda case: case.name)
def test_each_writing_service_refuses_until_the_address_is_verified(app, w, case):
    before = snapshot()

    with app.test_request_context(), pytest.raises(EmailUnverified) as refused:
        case.call(w)

    db.session.rollback()
    assert refused.value.status == 403 and refused.value.code == "email_unverified"
    assert "follow the link we sent to" in refused.value.message
    assert snapshot() == before

    _verify(getattr(w, case.actor))
    with app.test_request_context():
        case.call(w)
    if case.writes:  # (verifying the address changed the account's row in any case)
        assert snapshot() != before


def test_with_verification_off_the_services_let_the_account_write(app, w, monkeypatch):
    monkeypatch.setitem(app.config, "EMAIL_VERIFICATION", "off")

    question = questions.ask_question(w.ivy, w.acme, title="Where is the manual?", body="Lost.")

    assert question.author_id == w.ivy.id
    assert not w.ivy.is_email_verified


def test_what_an_unverified_account_may_still_do(app, w):
    ivy = w.ivy

    notifications.follow(ivy, question=w.other_question)
    notifications.unfollow(ivy, question=w.other_question)
    notifications.set_preferences(ivy, {Category.MY_QUESTIONS: "daily"})
    notifications.mark_all_read(ivy)
    account_services.update_profile(ivy, display_name="Ivy Ng")
    issued = access_tokens.issue_token("ivy", PASSWORD, address="192.0.2.1")
    access_tokens.revoke_token(ivy, issued.row.id)

    assert ivy.display_name == "Ivy Ng" and not ivy.is_email_verified


# The pages -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PagePost:
    name: str
    request: Callable[[World], tuple[str, dict[str, str]]]
    actor: str = "ivy"
    # What the allowed POST answers: a redirect, or (a new SSO secret, shown once) the page.
    allowed: tuple[int, ...] = (302, 303)


PAGE_POSTS = [
    PagePost("create a company",
             lambda w: ("/companies/new", {"name": "Brand New", "domain": "brandnew.io"})),
    PagePost("edit a company",
             lambda w: ("/companies/acme/edit", {"description": "New.", "website": ""})),
    PagePost("create a product",
             lambda w: ("/companies/acme/products/new", {"name": "Gizmo", "description": ""})),
    PagePost("edit a product",
             lambda w: ("/companies/acme/products/widget/edit",
                        {"name": "Widget", "description": "New."})),
    PagePost("ask",
             lambda w: ("/companies/acme/ask",
                        {"title": "Where is the manual?", "body": "Lost.", "kind": "question"})),
    PagePost("edit a question",
             lambda w: (f"/questions/{w.own_question.id}/edit",
                        {"title": "Why does it beep twice?", "body": "Edited."})),
    PagePost("me too", lambda w: (f"/questions/{w.other_question.id}/me-too", {"action": "add"})),
    PagePost("choose the best answer",
             lambda w: (f"/questions/{w.own_question.id}/best-answer",
                        {"answer_id": str(w.answer_to_own.id)})),
    PagePost("set a status",
             lambda w: (f"/questions/{w.other_question.id}/status", {"status": "acknowledged"})),
    PagePost("still broken", lambda w: (f"/questions/{w.solved.id}/still-broken", {"version": ""})),
    PagePost("answer",
             lambda w: (f"/questions/{w.other_question.id}/answers", {"body": "Try a reset."})),
    PagePost("edit an answer",
             lambda w: (f"/answers/{w.own_answer.id}/edit", {"body": "Edited answer."})),
    PagePost("vote helpful", lambda w: (f"/answers/{w.peer_answer.id}/helpful", {"action": "add"})),
    PagePost("endorse", lambda w: (f"/answers/{w.peer_answer.id}/endorse", {"action": "add"})),
    PagePost("claim a company",
             lambda w: ("/companies/nimbus/claim", {"work_email": "ivy@nimbus.example"})),
    PagePost("approve a claim",
             lambda w: (f"/admin/claims/{w.claim.id}",
                        {f"claim-{w.claim.id}-decision": "approve",
                         f"claim-{w.claim.id}-note": "OK"}),
             actor="root"),
    PagePost("invite staff",
             lambda w: ("/companies/acme/staff/invitations",
                        {"email": "other@acme.example", "role": "agent"})),
    PagePost("withdraw an invitation",
             lambda w: (f"/companies/acme/staff/invitations/{w.invitation.id}/revoke", {})),
    PagePost("remove staff", lambda w: (f"/companies/acme/staff/{w.agent.id}/revoke", {})),
    PagePost("set one's title", lambda w: ("/companies/acme/staff/title", {"title": "Lead"})),
    PagePost("join a staff",
             lambda w: (f"/companies/invitations/{w.bolt_token}", {"token": w.bolt_token})),
    PagePost("grant the moderator role",
             lambda w: ("/admin/moderators", {"username": "mallory"}), actor="root"),
    PagePost("suspend an account",
             lambda w: ("/admin/users/mallory/suspend", {"forever": "y", "reason": "Spam."}),
             actor="root"),
    PagePost("merge a duplicate",
             lambda w: (f"/questions/{w.other_question.id}/merge",
                        {"into": str(w.own_question.id)})),
    PagePost("flag a post",
             lambda w: (f"/answers/{w.peer_answer.id}/flag", {"reason": "spam"})),
    PagePost("add a webhook endpoint",
             lambda w: ("/companies/acme/webhooks",
                        {"url": "https://93.184.215.14/new", "events": "answer.created"})),
    PagePost("send a webhook test event",
             lambda w: (f"/companies/acme/webhooks/{w.endpoint.id}/test", {})),
    PagePost("delete a webhook endpoint",
             lambda w: (f"/companies/acme/webhooks/{w.endpoint.id}/delete", {})),
    PagePost("get a domain proof token", lambda w: ("/companies/nimbus/claim/proof", {})),
    PagePost("review flags",
             lambda w: (f"/moderation/flags/{w.flagged.id}",
                        {f"flag-{w.flagged.id}-action": "dismiss"}),
             actor="root"),
    PagePost("create the SSO secret", lambda w: ("/companies/acme/integrations/sso", {}),
             allowed=(200,)),
    PagePost("set the widget's origins",
             lambda w: ("/companies/acme/integrations/widget",
                        {"widget_origins": "https://shop.acme.example"})),
    PagePost("name a champion", lambda w: ("/companies/acme/champions", {"username": "peer"})),
]  # fmt: skip


@pytest.mark.parametrize("case", PAGE_POSTS, ids=lambda case: case.name)
def test_each_writing_page_refuses_with_a_page_that_says_what_to_do(client, w, case):
    actor = getattr(w, case.actor)
    login_as(client, actor)
    url, data = case.request(w)
    before = snapshot()

    refused = client.post(url, data=data)

    assert refused.status_code == 403, text(refused)[:600]
    page = text(refused)
    assert REFUSED_PAGE in page
    assert f"follow the link we sent to {actor.email}" in page
    assert 'action="/account/verify-email/resend"' in page
    assert snapshot() == before

    _verify(actor)
    allowed = client.post(url, data=data)

    assert allowed.status_code in case.allowed, text(allowed)[:600]
    assert snapshot() != before


def test_the_form_pages_of_writes_say_it_before_anything_is_typed(client, w):
    login_as(client, w.ivy)

    response = client.get("/companies/acme/ask")

    assert response.status_code == 403
    assert REFUSED_PAGE in text(response)


@pytest.mark.parametrize(
    "path",
    ["/", "/companies/acme", "/questions/{w.own_question.id}", "/notifications",
     "/notifications/settings", "/account/profile", "/account/tokens",
     "/companies/acme/unanswered", "/companies/acme/insights", "/search?q=widget",
     "/users/ivy"],
)  # fmt: skip
def test_an_unverified_account_reads_every_page(client, w, path):
    login_as(client, w.ivy)

    response = client.get(path.format(w=w), follow_redirects=True)

    assert response.status_code == 200
    assert "verify-notice" in text(response)


def test_an_unverified_site_admin_still_reads_the_claims_queue(client, w):
    login_as(client, w.root)

    assert client.get("/admin/claims").status_code == 200
    assert client.get(f"/admin/claims/{w.claim.id}").status_code == 200


def test_an_unverified_account_follows_chooses_its_e_mails_and_edits_its_profile(client, w):
    login_as(client, w.ivy)

    followed = client.post(f"/questions/{w.other_question.id}/follow", data={"action": "add"})
    choices = {c.value: "daily" for c in Category if not c.emailed_separately}
    chosen = client.post("/notifications/settings", data=choices)
    edited = client.post("/account/profile", data={"display_name": "Ivy Ng"})

    assert followed.status_code in (302, 303)
    assert chosen.status_code in (302, 303)
    assert edited.status_code in (302, 303)
    db.session.expire_all()
    assert w.ivy.display_name == "Ivy Ng"


# The API -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiCall:
    method: str
    path: Callable[[World], str]
    body: Callable[[World], Any] = lambda w: None
    actor: str = "ivy"
    # A call that may find nothing to undo (DELETE of a vote never cast) changes nothing.
    changes: bool = True

    def __str__(self) -> str:
        return f"{self.method} {self.path.__doc__ or ''}"


def _api(method, template, body=lambda w: None, **kwargs) -> ApiCall:  # noqa: ANN001
    def path(w: World) -> str:
        return template.format(w=w)

    path.__doc__ = template
    return ApiCall(method, path, body, **kwargs)


API_CALLS = [
    _api("POST", "/companies", lambda w: {"name": "Brand New", "domain": "brandnew.io"}),
    _api("PATCH", "/companies/acme", lambda w: {"description": "New."}),
    _api("POST", "/companies/acme/products", lambda w: {"name": "Gizmo"}),
    _api("POST", "/companies/nimbus/claims", lambda w: {"work_email": "ivy@nimbus.example"}),
    _api("POST", "/claims/{w.claim.id}/approve", lambda w: {"note": "OK"}, actor="root"),
    _api("POST", "/claims/{w.claim.id}/reject", lambda w: {"note": "No."}, actor="root"),
    _api("POST", "/companies/acme/invitations", lambda w: {"email": "other@acme.example"}),
    _api("POST", "/invitations/accept", lambda w: {"token": w.bolt_token}),
    _api("DELETE", "/companies/acme/staff/{w.agent.id}"),
    _api("POST", "/companies/acme/questions",
         lambda w: {"title": "Where is the manual?", "body": "Lost."}),
    _api("PATCH", "/questions/{w.own_question.id}", lambda w: {"body": "Edited."}),
    _api("PUT", "/questions/{w.other_question.id}/status", lambda w: {"status": "acknowledged"}),
    _api("PUT", "/questions/{w.own_question.id}/best-answer",
         lambda w: {"answer_id": w.answer_to_own.id}),
    _api("POST", "/questions/{w.other_question.id}/me-too"),
    _api("POST", "/questions/{w.solved.id}/still-broken", lambda w: {"version": "4.2"}),
    _api("DELETE", "/questions/{w.other_question.id}/me-too", changes=False),
    _api("POST", "/questions/{w.other_question.id}/answers", lambda w: {"body": "Try a reset."}),
    _api("PATCH", "/answers/{w.own_answer.id}", lambda w: {"body": "Edited answer."}),
    _api("POST", "/answers/{w.peer_answer.id}/helpful"),
    _api("DELETE", "/answers/{w.peer_answer.id}/helpful", changes=False),
    _api("POST", "/answers/{w.peer_answer.id}/endorse"),
    _api("DELETE", "/answers/{w.peer_answer.id}/endorse", changes=False),
    _api("POST", "/questions/{w.other_question.id}/merge",
         lambda w: {"into": w.own_question.id}),
    _api("POST", "/answers/{w.peer_answer.id}/flags", lambda w: {"reason": "spam"}),
    _api("POST", "/questions/{w.other_question.id}/flags", lambda w: {"reason": "spam"}),
    _api("POST", "/flags/{w.flagged.id}/resolve", lambda w: {"action": "dismiss"}, actor="root"),
    _api("POST", "/questions/{w.other_question.id}/hide", lambda w: {"reason": "Spam."},
         actor="root"),
    _api("POST", "/answers/{w.peer_answer.id}/hide", lambda w: {"reason": "Spam."}, actor="root"),
    _api("POST", "/questions/{w.other_question.id}/restore", actor="root", changes=False),
    _api("POST", "/answers/{w.peer_answer.id}/restore", actor="root", changes=False),
    _api("POST", "/questions/{w.other_question.id}/lock", lambda w: {"reason": "Heated."},
         actor="root"),
    _api("DELETE", "/questions/{w.other_question.id}/lock", actor="root", changes=False),
    _api("PUT", "/users/mallory/moderator", lambda w: {"moderator": True}, actor="root"),
    _api("POST", "/users/mallory/suspend", lambda w: {"forever": True, "reason": "Spam."},
         actor="root"),
    _api("DELETE", "/users/sully/suspend", actor="root"),
    _api("POST", "/companies/acme/webhooks",
         lambda w: {"url": "https://93.184.215.14/new", "events": ["answer.created"]}),
    _api("DELETE", "/companies/acme/webhooks/{w.endpoint.id}"),
    _api("POST", "/companies/acme/sso"),
    _api("PATCH", "/companies/acme", lambda w: {"widget_origins": ["https://shop.acme.example"]}),
    _api("PUT", "/companies/acme/champions/peer"),
    _api("DELETE", "/companies/acme/champions/peer", changes=False),
]  # fmt: skip
# Writes anyone may make before verifying: signing up, tokens, and the links' own tokens.
API_OPEN_WRITES = {
    ("POST", "/users"), ("POST", "/tokens"), ("POST", "/users/verify-email"),
    ("POST", "/claims/verify"),
    # Deleting one's own account takes nothing to others: never refused for want of an address.
    ("DELETE", "/me"),
    # Taking one's own words down is never refused for want of a confirmed address.
    ("DELETE", "/questions/<id:question_id>"), ("DELETE", "/answers/<id:answer_id>"),
}  # fmt: skip


def test_every_writing_api_operation_is_checked_here(app, w):
    """A new writing endpoint must join API_CALLS (or, if anyone may call it before verifying,
    API_OPEN_WRITES)."""
    writes = {
        (method, rule.rule.removeprefix(API))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(API + "/")
        for method in rule.methods - {"GET", "HEAD", "OPTIONS"}
    }
    urls = app.url_map.bind("helpsquare.test")
    checked = set()
    for call in API_CALLS:
        rule, _ = urls.match(API + call.path(w), method=call.method, return_rule=True)
        checked.add((call.method, rule.rule.removeprefix(API)))

    assert writes - checked == API_OPEN_WRITES


@pytest.mark.parametrize("case", API_CALLS, ids=str)
def test_each_writing_api_operation_answers_403_email_unverified(client, w, case):
    actor = getattr(w, case.actor)
    api = Api(client, actor)
    save()
    path, body = case.path(w), case.body(w)
    before = snapshot()

    refused = api.call(case.method, path, body)

    assert refused.status_code == 403, refused.get_json()
    error = error_of(refused)
    assert error["code"] == "email_unverified"
    assert f"follow the link we sent to {actor.email}" in error["message"]
    assert snapshot() == before

    _verify(actor)
    allowed = api.call(case.method, path, body)

    assert allowed.status_code in (200, 201, 202, 204), allowed.get_json()
    if case.changes:
        assert snapshot() != before


def test_an_unverified_account_gets_a_token_and_reads_me(client):
    grace = {"username": "grace", "email": "grace@example.org", "password": PASSWORD}
    created = client.post(f"{API}/users", json=grace)
    assert created.status_code == 201

    issued = client.post(f"{API}/tokens", json={"username": "grace", "password": PASSWORD})
    me = client.get(f"{API}/me", headers={"Authorization": f"Bearer {issued.get_json()['token']}"})

    assert issued.status_code == 201
    assert me.status_code == 200
    assert me.get_json()["email_verified"] is False


def test_the_openapi_document_names_403_on_every_operation_that_writes_with_a_token(client):
    document = client.get(f"{API}/openapi.json").get_json()
    missing = [
        (method, path)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in {"post", "put", "patch", "delete"}
        and operation["security"] == [{"bearerAuth": []}]
        and "403" not in operation["responses"]
    ]

    assert missing == []
