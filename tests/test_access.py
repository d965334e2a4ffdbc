"""The "who may do what" table of product.md, as one parametrized test.

Every role tries every action through the HTML pages. A refused action answers
403 (or sends an anonymous visitor to sign in) and leaves every row of every
table as it was; an allowed one succeeds (and, for a change, changes something).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest

from app.companies.models import Claim, ClaimStatus
from app.db import utcnow
from app.extensions import db
from app.moderation import hiding
from app.moderation.flag_models import Flag, FlaggedPost, FlagReason
from app.questions.models import Kind, MeToo, Status
from app.webhooks import services as webhook_services
from tests.checks import snapshot
from tests.conftest import login_as
from tests.factories import (
    make_answer,
    make_company,
    make_product,
    make_question,
    make_staff,
    make_user,
)

ROLES = (
    "anonymous",
    "stranger",
    "asker",
    "answerer",
    "agent",
    "company_admin",
    "other_staff",
    "former_staff",
    "site_admin",
)
SIGNED_IN = frozenset(ROLES) - {"anonymous"}
ACME_STAFF = frozenset({"agent", "company_admin", "site_admin"})
ACME_ADMINS = frozenset({"company_admin", "site_admin"})


@dataclass
class World:
    users: dict[str, Any]
    unclaimed: Any
    claimed: Any
    claimed_product: Any
    question: Any  # on the unclaimed company, asked by "asker", answered by "answerer"
    answer: Any
    problem: Any  # on the claimed company (Acme), with a peer answer by "answerer"
    peer_answer: Any
    claim: Any  # a verified claim on the unclaimed company, waiting for review
    former_answer: Any  # an official answer on the problem by "former_staff", since removed
    flagged: Any  # the peer answer, reported by a reader, waiting for a moderator
    hidden_question: Any  # asked by "asker" on Acme, hidden by a moderator
    hidden_answer: Any  # by "answerer" on the problem, hidden by a moderator
    locked_question: Any  # asked by "asker" on Acme, locked by a moderator
    endpoint: Any = None  # Acme's webhook endpoint (issue 15)


@pytest.fixture
def world(app, monkeypatch) -> World:
    # Webhooks wait for the worker here: nothing is sent to the endpoint's address.
    monkeypatch.setitem(app.config, "WEBHOOKS_SEND", "worker")
    users = {
        "stranger": make_user("stranger"),
        "asker": make_user("asker"),
        "answerer": make_user("answerer"),
        "agent": make_user("agent"),
        "company_admin": make_user("acmeadmin"),
        "other_staff": make_user("otherstaff"),
        # Was Acme's agent and answered officially; removed from the staff since.
        "former_staff": make_user("formerstaff"),
        "site_admin": make_user("keeper", is_admin=True),
    }
    unclaimed = make_company("Unclaimed Co", domain="unclaimed.example")
    claimed = make_company("Acme", domain="acme.example")
    make_staff(claimed, users["agent"], role="agent")
    make_staff(claimed, users["company_admin"], role="admin")
    make_staff(make_company("Other Co", domain="other.example"), users["other_staff"], role="admin")
    claimed_product = make_product(claimed, "Acme Widget")
    question = make_question(unclaimed, author=users["asker"], title="Why does it beep?")
    answer = make_answer(question, author=users["answerer"], body="Because of the battery.")
    problem = make_question(
        claimed, author=users["asker"], kind=Kind.PROBLEM, title="The widget overheats"
    )
    peer_answer = make_answer(problem, author=users["answerer"], body="Let it cool down.")
    former = make_staff(claimed, users["former_staff"], role="agent")
    former_answer = make_answer(
        problem, author=users["former_staff"], body="A firmware fix is coming.", is_official=True
    )
    former.revoked_at = utcnow()
    claimant = make_user("claimant")
    claim = Claim(
        company=unclaimed,
        user=claimant,
        work_email="claimant@unclaimed.example",
        status=ClaimStatus.EMAIL_VERIFIED,
        expires_at=utcnow() + timedelta(hours=48),
        email_verified_at=utcnow(),
    )
    db.session.add(claim)
    db.session.flush()
    flagged = FlaggedPost(answer_id=peer_answer.id, flag_count=1, created_at=utcnow())
    db.session.add(flagged)
    db.session.flush()
    reader = make_user("reader")
    db.session.add(
        Flag(flagged_post_id=flagged.id, user_id=reader.id, round=1, reason=FlagReason.OFF_TOPIC)
    )
    hidden_question = make_question(claimed, author=users["asker"], title="Spam, hidden")
    hidden_answer = make_answer(problem, author=users["answerer"], body="Buy cheap pills.")
    locked_question = make_question(claimed, author=users["asker"], title="A heated thread")
    db.session.commit()
    hiding.apply_hide(hidden_question, by=users["site_admin"], reason="Spam.")
    hiding.apply_hide(hidden_answer, by=users["site_admin"], reason="Spam.")
    db.session.commit()
    hiding.lock_question(users["site_admin"], locked_question, reason="Heated.")
    endpoint = webhook_services.create_endpoint(
        users["company_admin"],
        claimed,
        url="https://93.184.215.14/hooks",
        events=["answer.created"],
    )
    return World(
        users,
        unclaimed,
        claimed,
        claimed_product,
        question,
        answer,
        problem,
        peer_answer,
        claim,
        former_answer,
        flagged,
        hidden_question,
        hidden_answer,
        locked_question,
        endpoint,
    )


@dataclass(frozen=True)
class Action:
    name: str
    allowed: frozenset[str]
    method: str = "POST"
    # Who gets 404 instead of 403 (or the sign-in page): a hidden post is not found but by
    # its author and moderators.
    not_found: frozenset[str] = frozenset()
    # What an allowed request answers, when not the usual (200 for a GET, a redirect after
    # a POST): a new SSO secret is shown on the page the POST answers, once.
    ok: tuple[int, ...] = ()
    # False for a POST that changes nothing even when allowed (the Markdown preview).
    writes: bool = True

    def request(self, w: World, role: str) -> tuple[str, dict[str, str]]:
        q, a, acme = w.question, w.answer, w.claimed.slug
        if self.name in _MADE_FOR_THE_ACTION:
            return _MADE_FOR_THE_ACTION[self.name](w)
        return {
            "create company": ("/companies/new", {"name": "Brand New", "domain": "brandnew.io"}),
            "create product (unclaimed)": (
                f"/companies/{w.unclaimed.slug}/products/new",
                {"name": "Gizmo", "description": "A gizmo."},
            ),
            "create product (claimed)": (
                f"/companies/{acme}/products/new",
                {"name": "Gizmo", "description": "A gizmo."},
            ),
            "edit product (claimed)": (
                f"/companies/{acme}/products/{w.claimed_product.slug}/edit",
                {"name": "Acme Widget", "description": "Rewritten."},
            ),
            "edit company (claimed)": (
                f"/companies/{acme}/edit",
                {"description": "Rewritten.", "website": "https://acme.example"},
            ),
            "ask": (
                f"/companies/{w.unclaimed.slug}/ask",
                {"title": "Where is the manual?", "body": "I lost it.", "kind": "question"},
            ),
            "answer": (f"/questions/{q.id}/answers", {"body": "Me neither."}),
            "edit question": (
                f"/questions/{q.id}/edit",
                {"title": "Why does it beep twice?", "body": "Edited."},
            ),
            "edit answer": (f"/answers/{a.id}/edit", {"body": "Because of the charger."}),
            "edit an official answer (its author left the staff)": (
                f"/answers/{w.former_answer.id}/edit",
                {"body": "No fix is coming."},
            ),
            "me too": (f"/questions/{q.id}/me-too", {"action": "add"}),
            "helpful vote": (f"/answers/{a.id}/helpful", {"action": "add"}),
            "choose best answer": (f"/questions/{q.id}/best-answer", {"answer_id": str(a.id)}),
            "claim company": (
                f"/companies/{w.unclaimed.slug}/claim",
                {"work_email": f"{role}@unclaimed.example"},
            ),
            "review claims": ("/admin/claims", {}),
            "get a domain proof token": (f"/companies/{w.unclaimed.slug}/claim/proof", {}),
            "read webhooks": (f"/companies/{acme}/webhooks", {}),
            "read a webhook's delivery log": (f"/companies/{acme}/webhooks/{w.endpoint.id}", {}),
            "add a webhook endpoint": (
                f"/companies/{acme}/webhooks",
                {"url": "https://93.184.215.14/new", "events": "question.created"},
            ),
            "send a webhook test event": (f"/companies/{acme}/webhooks/{w.endpoint.id}/test", {}),
            "delete a webhook endpoint": (
                f"/companies/{acme}/webhooks/{w.endpoint.id}/delete",
                {},
            ),
            "approve claim": (
                f"/admin/claims/{w.claim.id}",
                {f"claim-{w.claim.id}-decision": "approve", f"claim-{w.claim.id}-note": "OK"},
            ),
            "reject claim": (
                f"/admin/claims/{w.claim.id}",
                {f"claim-{w.claim.id}-decision": "reject", f"claim-{w.claim.id}-note": "No."},
            ),
            "read audit log": ("/admin/audit", {}),
            "invite staff": (
                f"/companies/{acme}/staff/invitations",
                {"email": "newhire@acme.example", "role": "agent"},
            ),
            "revoke staff": (f"/companies/{acme}/staff/{w.users['agent'].id}/revoke", {}),
            "set the agent's title": (
                f"/companies/{acme}/staff/title",
                {"title": "Support lead", "user_id": str(w.users["agent"].id)},
            ),
            "endorse an answer": (f"/answers/{w.peer_answer.id}/endorse", {"action": "add"}),
            "set status": (f"/questions/{w.problem.id}/status", {"status": "acknowledged"}),
            "endorse an answer (unclaimed)": (f"/answers/{a.id}/endorse", {"action": "add"}),
            "set status (unclaimed)": (f"/questions/{q.id}/status", {"status": "answered"}),
            "see unanswered": (f"/companies/{acme}/unanswered", {}),
            "see insights": (f"/companies/{acme}/insights", {}),
            "download insights as CSV": (f"/companies/{acme}/insights/kinds.csv", {}),
            "follow a question": (f"/questions/{q.id}/follow", {"action": "add"}),
            "follow a company": (f"/companies/{acme}/follow", {"action": "add"}),
            # The author's form also holds the title and the details: sent back unchanged.
            "change kind and product (claimed)": (
                f"/questions/{w.problem.id}/edit",
                {
                    "kind": "idea",
                    "product": w.claimed_product.slug,
                    "title": w.problem.title,
                    "body": w.problem.body,
                },
            ),
            "change kind (unclaimed)": (
                f"/questions/{q.id}/edit",
                {"kind": "problem", "product": "", "title": q.title, "body": q.body},
            ),
            "read a question's edit history": (f"/questions/{q.id}/revisions", {}),
            "read an answer's edit history": (f"/answers/{a.id}/revisions", {}),
            "delete own answer": (f"/answers/{a.id}/delete", {}),
            "flag a question": (f"/questions/{q.id}/flag", {"reason": "spam"}),
            "flag an answer": (f"/answers/{a.id}/flag", {"reason": "off_topic"}),
            "review flags": ("/moderation/flags", {}),
            "hide a flagged post": (
                f"/moderation/flags/{w.flagged.id}",
                {f"flag-{w.flagged.id}-action": "hide", f"flag-{w.flagged.id}-note": "Rude."},
            ),
            "dismiss flags": (
                f"/moderation/flags/{w.flagged.id}",
                {f"flag-{w.flagged.id}-action": "dismiss"},
            ),
            "hide a question": (f"/questions/{q.id}/hide", {"reason": "Spam."}),
            "hide an answer": (f"/answers/{a.id}/hide", {"reason": "Spam."}),
            "restore a question": (f"/questions/{w.hidden_question.id}/restore", {}),
            "restore an answer": (f"/answers/{w.hidden_answer.id}/restore", {}),
            "lock a question": (f"/questions/{q.id}/lock", {"reason": "Heated."}),
            "unlock a question": (f"/questions/{w.locked_question.id}/unlock", {}),
            "read a hidden question": (
                f"/questions/{w.hidden_question.id}/{w.hidden_question.slug}",
                {},
            ),
            "answer a locked question": (
                f"/questions/{w.locked_question.id}/answers",
                {"body": "Calm down."},
            ),
            "me too on a locked question": (
                f"/questions/{w.locked_question.id}/me-too",
                {"action": "add"},
            ),
            "read the moderation log": ("/moderation/log", {}),
            "list the moderators": ("/admin/moderators", {}),
            "grant the moderator role": ("/admin/moderators", {"username": "answerer"}),
            "suspend a user": (
                "/admin/users/answerer/suspend",
                {"days": "3", "reason": "Cool off."},
            ),
            "read the company's integrations page": (f"/companies/{acme}/integrations", {}),
            "create the SSO secret": (f"/companies/{acme}/integrations/sso", {}),
            "set the widget's origins": (
                f"/companies/{acme}/integrations/widget",
                {"widget_origins": "https://shop.acme.example"},
            ),
            "export the company": (f"/companies/{acme}/export", {}),
            "check health": ("/healthz", {}),
            "check readiness": ("/readyz", {}),
            "read metrics (loopback)": ("/metrics", {}),
            # Issue 16: "answerer" answered Acme's problem as a peer.
            "name a champion": (f"/companies/{acme}/champions", {"username": "answerer"}),
            "name a champion (unclaimed)": (
                f"/companies/{w.unclaimed.slug}/champions",
                {"username": "answerer"},
            ),
            "read the champions": (f"/companies/{acme}/champions", {}),
            "read a company's leaderboard": (f"/companies/{acme}/leaderboard?period=month", {}),
            # Issue 17: the language link (a cookie, nothing stored) and the setting.
            "choose a language with the footer's link": ("/language/da?next=/", {}),
            "save one's language": (
                "/account/profile",
                {"display_name": "Someone", "language": "da"},
            ),
            "read the accessibility statement": ("/accessibility", {}),
            # Issue 13: comments and the Markdown preview.
            "comment on a question": (f"/questions/{q.id}/comments", {"body": "Which model?"}),
            "comment on an answer": (f"/answers/{a.id}/comments", {"body": "Which battery?"}),
            "comment on a locked question": (
                f"/questions/{w.locked_question.id}/comments",
                {"body": "Calm down."},
            ),
            "comment on a hidden answer": (
                f"/answers/{w.hidden_answer.id}/comments",
                {"body": "Hello?"},
            ),
            "open the comment form": (f"/questions/{q.id}/comments", {}),
            "preview markdown": ("/preview", {"text": "**Hello**"}),
        }[self.name]


def _unanswered_question(w: World) -> tuple[str, dict[str, str]]:
    lonely = make_question(w.unclaimed, author=w.users["asker"], title="Nobody answered this")
    db.session.commit()
    return f"/questions/{lonely.id}/delete", {}


def _duplicate_of(original: Any) -> tuple[str, dict[str, str]]:
    duplicate = make_question(original.company, title="Asked again, later")
    db.session.commit()
    return f"/questions/{duplicate.id}/merge", {"into": str(original.id)}


def _solved_problem(w: World) -> tuple[str, dict[str, str]]:
    """Acme's problem asked by "asker", solved in 4.2.1; "answerer" has it too (me too)."""
    solved = make_question(
        w.claimed,
        author=w.users["asker"],
        kind=Kind.PROBLEM,
        status=Status.SOLVED,
        fixed_in="4.2.1",
        title="The widget still overheats",
    )
    db.session.flush()
    db.session.add(MeToo(question_id=solved.id, user_id=w.users["answerer"].id))
    db.session.commit()
    return f"/questions/{solved.id}/still-broken", {"version": "4.2.1"}


def _comment_by_answerer(w: World) -> Any:
    """A comment by "answerer" under the question (on the unclaimed company)."""
    from app.comments import services as comment_services

    return comment_services.post_comment(w.users["answerer"], w.question, body="Which model?")


def _edit_comment(w: World) -> tuple[str, dict[str, str]]:
    return f"/comments/{_comment_by_answerer(w).id}/edit", {"body": "Which model, exactly?"}


def _delete_comment(w: World) -> tuple[str, dict[str, str]]:
    return f"/comments/{_comment_by_answerer(w).id}/delete", {}


def _hide_comment(w: World) -> tuple[str, dict[str, str]]:
    return f"/comments/{_comment_by_answerer(w).id}/hide", {"reason": "Off topic."}


def _restore_comment(w: World) -> tuple[str, dict[str, str]]:
    from app.comments import services as comment_services

    comment = _comment_by_answerer(w)
    comment_services.hide_comment(w.users["site_admin"], comment, reason="Off topic.")
    return f"/comments/{comment.id}/restore", {}


def _champion(w: World) -> tuple[str, dict[str, str]]:
    """ "answerer" is a champion of Acme (named by its admin)."""
    from app.reputation.champions import name_champion

    name_champion(w.users["company_admin"], w.claimed, w.users["answerer"])
    return f"/companies/{w.claimed.slug}/champions/answerer/remove", {}


# Actions on a post made for them (before the snapshot), so the world stays as it is.
_MADE_FOR_THE_ACTION = {
    "say a solved problem is still broken": _solved_problem,
    "delete a question nobody else answered": _unanswered_question,
    "merge a duplicate (claimed)": lambda w: _duplicate_of(w.problem),
    "merge a duplicate (unclaimed)": lambda w: _duplicate_of(w.question),
    "remove a champion": _champion,
    "edit own comment": _edit_comment,
    "delete own comment": _delete_comment,
    "hide a comment": _hide_comment,
    "restore a comment": _restore_comment,
}


ACTIONS = [
    Action("create company", SIGNED_IN),
    Action("create product (unclaimed)", SIGNED_IN),
    Action("create product (claimed)", ACME_ADMINS),
    Action("edit product (claimed)", ACME_ADMINS),
    Action("edit company (claimed)", ACME_ADMINS),
    Action("ask", SIGNED_IN),
    Action("answer", SIGNED_IN),
    Action("edit question", frozenset({"asker", "site_admin"})),
    Action("edit answer", frozenset({"answerer", "site_admin"})),
    # Power ends when the role ends (security.md): only a moderator edits it now.
    Action("edit an official answer (its author left the staff)", frozenset({"site_admin"})),
    Action("me too", SIGNED_IN - {"asker"}),
    Action("helpful vote", SIGNED_IN - {"answerer"}),
    Action("choose best answer", frozenset({"asker", "site_admin"})),
    Action("claim company", SIGNED_IN),
    Action("review claims", frozenset({"site_admin"}), method="GET"),
    # Issue 15: a claimant proves the domain instead of waiting for a review.
    Action("get a domain proof token", SIGNED_IN),
    # Issue 15: webhooks are the company admins' (and site admins').
    Action("read webhooks", ACME_ADMINS, method="GET"),
    Action("read a webhook's delivery log", ACME_ADMINS, method="GET"),
    Action("add a webhook endpoint", ACME_ADMINS),
    Action("send a webhook test event", ACME_ADMINS),
    Action("delete a webhook endpoint", ACME_ADMINS),
    Action("approve claim", frozenset({"site_admin"})),
    Action("reject claim", frozenset({"site_admin"})),
    Action("read audit log", frozenset({"site_admin"}), method="GET"),
    Action("invite staff", ACME_ADMINS),
    Action("revoke staff", ACME_ADMINS),
    Action("set the agent's title", ACME_STAFF),
    Action("endorse an answer", ACME_STAFF),
    Action("set status", ACME_STAFF),
    # Issue 14: the asker and the people it affects ("me too") of a solved problem.
    Action("say a solved problem is still broken", frozenset({"asker", "answerer"})),
    # Statuses and endorsements are a claimed company's word: nobody's on an unclaimed one.
    Action("endorse an answer (unclaimed)", frozenset()),
    Action("set status (unclaimed)", frozenset()),
    Action("see unanswered", ACME_STAFF, method="GET"),
    # Issue 14: insights are for all of the company's staff (not former staff) and moderators.
    Action("see insights", ACME_STAFF, method="GET"),
    Action("download insights as CSV", ACME_STAFF, method="GET"),
    Action("follow a question", SIGNED_IN),
    Action("follow a company", SIGNED_IN),
    Action("change kind and product (claimed)", ACME_STAFF | {"asker"}),
    Action("change kind (unclaimed)", frozenset({"asker", "site_admin"})),
    Action("read a question's edit history", frozenset(ROLES), method="GET"),
    Action("read an answer's edit history", frozenset(ROLES), method="GET"),
    # Issue 12: deleting one's own post (moderators: any); merging duplicates.
    Action("delete own answer", frozenset({"answerer", "site_admin"})),
    Action("delete a question nobody else answered", frozenset({"asker", "site_admin"})),
    Action("merge a duplicate (claimed)", ACME_STAFF),
    Action("merge a duplicate (unclaimed)", frozenset({"site_admin"})),
    # Keeping it clean (issue 12): anyone signed in flags someone else's post (staff too:
    # they flag like anyone); only moderators review.
    Action("flag a question", SIGNED_IN - {"asker"}),
    Action("flag an answer", SIGNED_IN - {"answerer"}),
    Action("review flags", frozenset({"site_admin"}), method="GET"),
    Action("hide a flagged post", frozenset({"site_admin"})),
    Action("dismiss flags", frozenset({"site_admin"})),
    # Keeping it clean: only moderators hide, restore, lock; company staff never can.
    Action("hide a question", frozenset({"site_admin"})),
    Action("hide an answer", frozenset({"site_admin"})),
    Action(
        "restore a question",
        frozenset({"site_admin"}),
        not_found=frozenset(ROLES) - {"asker", "site_admin"},
    ),
    Action(
        "restore an answer",
        frozenset({"site_admin"}),
        not_found=frozenset(ROLES) - {"answerer", "site_admin"},
    ),
    Action("lock a question", frozenset({"site_admin"})),
    Action("unlock a question", frozenset({"site_admin"})),
    Action(
        "read a hidden question",
        frozenset({"asker", "site_admin"}),
        method="GET",
        not_found=frozenset(ROLES) - {"asker", "site_admin"},
    ),
    Action("answer a locked question", frozenset({"site_admin"})),
    Action("me too on a locked question", frozenset({"site_admin"})),
    Action("read the moderation log", frozenset(ROLES), method="GET"),
    Action("list the moderators", frozenset({"site_admin"}), method="GET"),
    Action("grant the moderator role", frozenset({"site_admin"})),
    # Moderators suspend; site admins are moderators (never themselves, never a site admin).
    Action("suspend a user", frozenset({"site_admin"})),
    # Issue 15: the company's own site is its admin staff's (and site admins').
    Action("read the company's integrations page", ACME_ADMINS, method="GET"),
    Action("create the SSO secret", ACME_ADMINS, ok=(200,)),
    Action("set the widget's origins", ACME_ADMINS),
    Action("export the company", ACME_ADMINS, method="GET"),
    # Running it (issue 18): for the load balancer and the scraper, whoever asks; /metrics
    # only from the loopback interface (as the test client is) or with METRICS_TOKEN
    # (tests/ops/test_metrics.py).
    Action("check health", frozenset(ROLES), method="GET"),
    Action("check readiness", frozenset(ROLES), method="GET"),
    Action("read metrics (loopback)", frozenset(ROLES), method="GET"),
    # Issue 16: a claimed company's admins name and remove its champions; nobody on an
    # unclaimed company; anyone reads them and the leaderboards.
    Action("name a champion", ACME_ADMINS),
    Action("remove a champion", ACME_ADMINS),
    Action("name a champion (unclaimed)", frozenset()),
    Action("read the champions", frozenset(ROLES), method="GET"),
    Action("read a company's leaderboard", frozenset(ROLES), method="GET"),
    # Issue 17: anyone reads the site in another language; a signed-in person saves one.
    Action("choose a language with the footer's link", frozenset(ROLES), method="GET", ok=(303,)),
    Action("save one's language", SIGNED_IN),
    Action("read the accessibility statement", frozenset(ROLES), method="GET"),
    # Issue 13: who may answer may comment (moderators on a locked question too); nobody on a
    # hidden post (its author and moderators see it: refused, the others: not found). The
    # author edits and deletes their own comment, moderators any; only moderators hide.
    Action("comment on a question", SIGNED_IN),
    Action("comment on an answer", SIGNED_IN),
    Action("comment on a locked question", frozenset({"site_admin"})),
    Action(
        "comment on a hidden answer",
        frozenset(),
        not_found=frozenset(ROLES) - {"answerer", "site_admin"},
    ),
    Action("open the comment form", SIGNED_IN, method="GET"),
    Action("edit own comment", frozenset({"answerer", "site_admin"})),
    Action("delete own comment", frozenset({"answerer", "site_admin"})),
    Action("hide a comment", frozenset({"site_admin"})),
    Action(
        "restore a comment",
        frozenset({"site_admin"}),
        not_found=frozenset(ROLES) - {"answerer", "site_admin"},
    ),
    # The preview changes nothing, but is for those who may post (and costs a render).
    Action("preview markdown", SIGNED_IN, ok=(200,), writes=False),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS, ids=lambda action: action.name)
def test_access_table(client, world, action, role):
    if role != "anonymous":
        login_as(client, world.users[role])
    url, data = action.request(world, role)
    before = snapshot()

    response = client.open(url, method=action.method, data=data or None)

    after = snapshot()
    if role in action.allowed:
        expected = action.ok or ((200,) if action.method == "GET" else (302, 303))
        assert response.status_code in expected, response.get_data(as_text=True)[:800]
        if action.method == "POST" and action.writes:
            assert after != before
    elif role in action.not_found:
        assert response.status_code == 404
    else:
        if role == "anonymous":
            assert response.status_code in (302, 303)
            assert urlsplit(response.location).path == "/sign-in"
        else:
            assert response.status_code == 403
    if action.method == "GET" or role not in action.allowed or not action.writes:
        assert after == before
