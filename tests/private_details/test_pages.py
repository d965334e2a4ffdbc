"""Private details on the pages: boxed on the question page for their readers only (every
role of product.md's table), offered in the forms to those who may write them, refused at
the field where they may not (422, what was typed kept, nothing changed), and no statement
more on the page whatever the number of answers holding them."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.answers import services as answer_services
from app.answers.models import Answer
from app.companies import staff as staff_services
from app.content import RENDERER_VERSION, render
from app.extensions import db
from app.questions.models import Question
from tests.checks import snapshot
from tests.conftest import login_as
from tests.factories import make_answer, make_question, make_user
from tests.private_details.conftest import (
    ANSWER_MARKER,
    MARKERS,
    OTHERS,
    QUESTION_MARKER,
    READERS,
)
from tests.questions.helpers import text

BOX = (
    '<span class="badge badge--private">Private</span>'
    " — visible to you, the company's staff and moderators"
)
ASKER_LABEL = "Private details (only you, Acme staff and moderators can see this)"
STAFF_LABEL = "Private details (only the asker, Acme staff and moderators can see this)"


def _page(client, question) -> str:  # noqa: ANN001 - a Question
    return text(client.get(f"/questions/{question.id}/{question.slug}"))


def _as(app, user):  # noqa: ANN001, ANN202 - a User, a test client
    client = app.test_client()
    return login_as(client, user) if user is not None else client


# Who reads them: product.md's row "read private details", every role ------------------------


@pytest.mark.parametrize("who", ("anonymous", *READERS, *OTHERS))
def test_the_question_page_shows_them_to_their_readers_only(app, world, who):
    client = _as(app, None if who == "anonymous" else world.users[who])

    page = _page(client, world.question)

    if who in READERS:
        assert page.count(BOX) == 2  # the question's and the staff answer's
        assert QUESTION_MARKER in page
        assert f"<strong>{ANSWER_MARKER}</strong>" in page
    else:
        assert "badge--private" not in page
        for marker in MARKERS:
            assert marker not in page


def test_revoked_staff_lose_them_at_once(app, world):
    client = _as(app, world.agent)
    assert QUESTION_MARKER in _page(client, world.question)

    staff_services.revoke_staff(world.jane, world.acme, world.agent)

    page = _page(client, world.question)
    assert QUESTION_MARKER not in page and ANSWER_MARKER not in page


def test_a_later_page_of_answers_shows_them_to_readers_only(app, world):
    for n in range(30):
        make_answer(world.question, body=f"Me too, {n}.")
    db.session.commit()
    # A moderator's answer is no official one: newest of the peers', it is on page two.
    answer_services.post_answer(
        world.mod, world.question, body="Checked your account.", private_details="zqxlaterpage"
    )
    first = _page(_as(app, world.asker), world.question)
    later = re.search(r'<a rel="next"[^>]* href="([^"#]+)', first)[1].replace("&amp;", "&")

    seen = {who: text(_as(app, world.users[who]).get(later)) for who in ("asker", "peer")}

    assert "Checked your account." in seen["asker"] and "Checked your account." in seen["peer"]
    assert "zqxlaterpage" in seen["asker"] and BOX in seen["asker"]
    assert "zqxlaterpage" not in seen["peer"] and "badge--private" not in seen["peer"]


# Asking ------------------------------------------------------------------------------------


def test_the_ask_form_offers_them_on_a_claimed_company_only(app, world):
    client = _as(app, world.asker)

    claimed = text(client.get("/companies/acme/ask"))
    unclaimed = text(client.get("/companies/nimbus/ask"))

    assert ASKER_LABEL in claimed and 'name="private_details"' in claimed
    assert 'name="private_details"' not in unclaimed


def test_asking_with_private_details_through_the_form(app, world):
    client = _as(app, world.asker)

    response = client.post(
        "/companies/acme/ask",
        data={
            "kind": "question",
            "title": "My invoice is wrong",
            "body": "The total is off.",
            "private_details": "Invoice 5511",
            "seen_similar": "1",
        },
    )

    assert response.status_code == 303
    question = db.session.scalars(
        Question.__table__.select().where(Question.title == "My invoice is wrong")
    ).one()
    stored = db.session.get(Question, question)
    assert stored.private_details == "Invoice 5511"


def test_the_ask_form_refuses_them_on_an_unclaimed_company_at_the_field(app, world):
    client = _as(app, world.asker)
    before = snapshot()

    response = client.post(
        "/companies/nimbus/ask",
        data={
            "kind": "question",
            "title": "My parcel is lost",
            "body": "It never came.",
            "private_details": "Parcel 8080",
            "seen_similar": "1",
        },
    )

    assert response.status_code == 422
    page = text(response)
    assert "Nimbus has not claimed its page" in page
    assert "Parcel 8080</textarea>" in page  # what was typed stays
    assert snapshot() == before


# Answering ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["agent", "jane", "mod"])
def test_the_answer_form_offers_them_to_staff_and_moderators(app, world, who):
    page = _page(_as(app, world.users[who]), world.question)

    assert STAFF_LABEL in page


@pytest.mark.parametrize("who", ["asker", "peer", "former", "rival"])
def test_the_answer_form_offers_them_to_nobody_else(app, world, who):
    page = _page(_as(app, world.users[who]), world.question)

    assert 'name="private_details"' not in page


def test_staff_answer_with_private_details_through_the_form(app, world):
    client = _as(app, world.jane)

    response = client.post(
        f"/questions/{world.question.id}/answers",
        data={"body": "We sent a new parcel.", "private_details": "Tracking 4242"},
    )

    assert response.status_code == 303
    answer = db.session.scalars(
        Answer.__table__.select().where(Answer.body == "We sent a new parcel.")
    ).one()
    assert db.session.get(Answer, answer).private_details == "Tracking 4242"


def test_a_peer_s_private_details_are_refused_at_the_field(app, world):
    client = _as(app, world.peer)
    before = snapshot()

    response = client.post(
        f"/questions/{world.question.id}/answers",
        data={"body": "Try calling them.", "private_details": "My number"},
    )

    assert response.status_code == 422
    page = text(response)
    assert "Only Acme&#39;s staff add private details to an answer." in page
    assert "My number</textarea>" in page and "Try calling them.</textarea>" in page
    assert snapshot() == before


# Editing -----------------------------------------------------------------------------------


def test_the_asker_edits_them_on_the_edit_page(app, world):
    client = _as(app, world.asker)
    form = text(client.get(f"/questions/{world.question.id}/edit"))
    assert ASKER_LABEL in form and QUESTION_MARKER in form

    response = client.post(
        f"/questions/{world.question.id}/edit",
        data={"title": world.question.title, "body": world.question.body, "private_details": ""},
    )

    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Question, world.question.id).private_details is None


def test_staff_changing_the_kind_never_see_them_in_the_form(app, world):
    form = text(_as(app, world.jane).get(f"/questions/{world.question.id}/edit"))

    assert "Change kind or product" in form
    assert QUESTION_MARKER not in form and 'name="private_details"' not in form


def test_a_moderator_edits_them_for_the_asker(app, world):
    form = text(_as(app, world.mod).get(f"/questions/{world.question.id}/edit"))

    assert "Private details (only the asker, Acme staff and moderators" in form
    assert QUESTION_MARKER in form


def test_staff_edit_their_answer_s_private_details(app, world):
    client = _as(app, world.agent)
    form = text(client.get(f"/answers/{world.answer.id}/edit"))
    assert STAFF_LABEL in form and ANSWER_MARKER in form

    response = client.post(
        f"/answers/{world.answer.id}/edit",
        data={"body": world.answer.body, "private_details": "Refund 1"},
    )

    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Answer, world.answer.id).private_details == "Refund 1"


def test_revoked_staff_no_longer_open_their_answer_s_edit_page(app, world):
    staff_services.revoke_staff(world.jane, world.acme, world.agent)

    response = _as(app, world.agent).get(f"/answers/{world.answer.id}/edit")

    assert response.status_code == 403
    assert ANSWER_MARKER not in text(response)


def test_an_author_who_may_not_write_them_gets_an_empty_field_never_the_old_ones(app, world):
    # A moderator answered with private details, then lost the role: their answer is theirs
    # to edit, its private details no longer theirs to read.
    gone = make_user("gone")
    answer = make_answer(world.question, author=gone, body="Checked your account.")
    rendered = render("Account flagged: zqxformermod")
    answer.private_details, answer.private_details_html = (
        "Account flagged: zqxformermod",
        rendered.html,
    )
    answer.private_details_renderer_version = RENDERER_VERSION
    db.session.commit()
    client = _as(app, gone)

    form = text(client.get(f"/answers/{answer.id}/edit"))
    response = client.post(f"/answers/{answer.id}/edit", data={"body": "Checked it twice."})

    assert "zqxformermod" not in form and 'name="private_details"' not in form
    assert response.status_code == 303
    db.session.expire_all()
    kept = db.session.get(Answer, answer.id)
    assert kept.private_details == "Account flagged: zqxformermod"
    assert kept.body == "Checked it twice."


# A fixed number of statements -------------------------------------------------------------


def _with_private_answers(world, n: int) -> Question:  # noqa: ANN001 - the World
    question = make_question(world.acme, author=world.asker, title=f"{n} private answers")
    question.private_details = "Order 1"
    question.private_details_html = "<p>Order 1</p>\n"
    question.private_details_renderer_version = RENDERER_VERSION
    for i in range(n):
        answer = make_answer(
            question,
            author=world.agent,
            is_official=True,
            created_at=question.created_at + timedelta(minutes=i),
        )
        answer.private_details = f"Ref {i}"
        answer.private_details_html = f"<p>Ref {i}</p>\n"
        answer.private_details_renderer_version = RENDERER_VERSION
    return question


def _statements(client, url: str, count_queries) -> tuple[int, str]:  # noqa: ANN001
    db.session.expunge_all()  # the page must load all it shows itself
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements), text(response)


# The counts of tests/company_tools/test_official.py: question (1), answers (1), related (1);
# the user (1), their marks (1), their staff roles on a claimed company's page (1).
@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 3), ("asker", 6), ("agent", 6), ("peer", 6), ("mod", 6), ("keeper", 5)],
)
def test_the_page_runs_the_same_statements_with_private_details_on_every_answer(
    app, world, count_queries, who, expected
):
    small, large = _with_private_answers(world, 3), _with_private_answers(world, 60)
    db.session.commit()
    client = _as(app, None if who == "anonymous" else world.users[who])
    urls = [f"/questions/{q.id}/{q.slug}" for q in (small, large)]

    with_3, page_3 = _statements(client, urls[0], count_queries)
    with_60, page_60 = _statements(client, urls[1], count_queries)

    assert with_3 == with_60 == expected
    shown = 1 + 30 if who in READERS else 0  # the question's box, a page of 30 answers
    assert page_60.count("badge--private") == shown
    assert page_3.count("badge--private") == (4 if who in READERS else 0)
