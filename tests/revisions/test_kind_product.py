"""Changing a question's kind and product: the author, staff of its claimed company and
moderators; a status the new kind lacks goes back to open; product counts stay exact; the
change is a revision. On the edit page and through PATCH /api/v1/questions/{id}."""

from __future__ import annotations

import pytest

from app.companies.models import Membership, StaffRole
from app.extensions import db
from app.notifications.models import Follow, NotificationKind
from app.questions import services
from app.questions.models import Kind, Status
from tests.api.helpers import Api, error_of, save
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
from tests.notifications.helpers import recipients
from tests.questions.helpers import assert_counters_match_rows, is_sign_in_redirect, text
from tests.revisions.helpers import revision_rows


@pytest.fixture
def acme():
    acme = make_company("Acme", domain="acme.example")
    make_product(acme, "Rocket")
    make_product(acme, "Jet")
    return acme


def _product(company, slug):
    return next(p for p in company.products if p.slug == slug)


@pytest.fixture
def problem(acme):
    return make_question(
        acme,
        author=make_user("asker"),
        kind=Kind.PROBLEM,
        status=Status.ACKNOWLEDGED,
        product=_product(acme, "rocket"),
        title="The rocket will not launch",
    )


def _unclaimed_staff(company):
    """Someone with a membership of a company that is not claimed (yet, or any more)."""
    user = make_user("exstaff")
    db.session.add(
        Membership(
            company=company,
            user=user,
            role=StaffRole.ADMIN,
            title="",
            work_email=f"{user.username}@{company.domain}",
        )
    )
    db.session.flush()
    return user


def _who(role, acme):
    if role == "author":
        return None  # the question's author, filled in by the test
    if role == "staff":
        return make_staff(acme, make_user("agent"), role="agent").user
    if role == "moderator":
        return make_user("keeper", is_admin=True)
    if role == "unclaimed_staff":
        return _unclaimed_staff(acme)
    if role == "other_staff":
        return make_staff(make_company("Globex", domain="globex.example"), make_user("g")).user
    return make_user("stranger")


# The edit page -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["author", "staff", "moderator"])
def test_who_may_changes_kind_and_product_on_the_edit_page(client, acme, problem, role):
    if role == "staff":
        acme.claimed_at = problem.created_at
    user = _who(role, acme) or problem.author
    save()
    login_as(client, user)

    form = client.get(f"/questions/{problem.id}/edit")
    response = client.post(
        f"/questions/{problem.id}/edit",
        data={"kind": "idea", "product": "jet", "title": problem.title, "body": problem.body},
    )

    assert form.status_code == 200
    assert response.status_code == 303
    db.session.expire_all()
    assert (problem.kind, problem.product.slug) == (Kind.IDEA, "jet")
    assert problem.status is Status.OPEN  # an idea is never "acknowledged"
    assert revision_rows() == 1
    assert_counters_match_rows()
    page = text(client.get(response.location))
    assert "The status went back to Open: a idea cannot be Acknowledged." not in page
    assert "The status went back to Open: an idea cannot be Acknowledged." in page


def test_staff_see_only_kind_and_product_and_cannot_rewrite_the_words(client, acme, problem):
    agent = _who("staff", acme)
    save()
    login_as(client, agent)

    question_page = text(client.get(f"/questions/{problem.id}/{problem.slug}"))
    form = text(client.get(f"/questions/{problem.id}/edit"))
    response = client.post(
        f"/questions/{problem.id}/edit",
        data={"kind": "problem", "product": "", "title": "Rewritten by staff", "body": "Gone."},
    )

    assert "Change kind or product</a>" in question_page and "Edit question" not in question_page
    assert "<h1>Change kind or product</h1>" in form
    assert 'name="kind"' in form and 'name="product"' in form
    assert 'name="title"' not in form and 'name="body"' not in form
    assert response.status_code == 303
    db.session.expire_all()
    # The fields staff may not change are not read at all; the product moved.
    assert (problem.title, problem.product) == ("The rocket will not launch", None)


@pytest.mark.parametrize("role", ["stranger", "unclaimed_staff", "other_staff"])
def test_anyone_else_is_refused_and_nothing_changes(client, acme, problem, role):
    user = _who(role, acme)
    save()
    login_as(client, user)
    before = snapshot()

    form = client.get(f"/questions/{problem.id}/edit")
    response = client.post(f"/questions/{problem.id}/edit", data={"kind": "idea", "product": "jet"})
    page = text(client.get(f"/questions/{problem.id}/{problem.slug}"))

    assert (form.status_code, response.status_code) == (403, 403)
    assert snapshot() == before
    assert "Change kind or product" not in page


def test_anonymous_visitors_are_sent_to_sign_in(client, problem):
    save()
    before = snapshot()

    assert is_sign_in_redirect(client.get(f"/questions/{problem.id}/edit"))
    assert is_sign_in_redirect(client.post(f"/questions/{problem.id}/edit", data={"kind": "idea"}))
    assert snapshot() == before


def test_a_product_of_another_company_is_refused_at_the_field(client, acme, problem):
    save()
    login_as(client, problem.author)

    response = client.post(
        f"/questions/{problem.id}/edit",
        data={
            "kind": "problem",
            "product": "not-ours",
            "title": "A title the author typed",
            "body": problem.body,
        },
    )

    assert response.status_code == 422
    page = text(response)
    assert 'id="product-error"' in page
    assert 'value="A title the author typed"' in page
    db.session.expire_all()
    assert problem.product.slug == "rocket"
    globex_product = make_product(make_company("Globex"), "Oven")
    with pytest.raises(services.ValidationError) as refused:
        services.edit_question(problem.author, problem, product=globex_product)
    assert set(refused.value.fields) == {"product"}


# Statuses ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, status, official, new_kind, expected",
    [
        (Kind.PROBLEM, Status.SOLVED, False, Kind.IDEA, Status.OPEN),
        (Kind.PROBLEM, Status.ACKNOWLEDGED, False, Kind.PRAISE, Status.ACKNOWLEDGED),
        (Kind.IDEA, Status.PLANNED, False, Kind.QUESTION, Status.OPEN),
        (Kind.IDEA, Status.PLANNED, True, Kind.QUESTION, Status.ANSWERED),
        (Kind.PROBLEM, Status.OPEN, True, Kind.QUESTION, Status.ANSWERED),
        (Kind.QUESTION, Status.ANSWERED, True, Kind.PROBLEM, Status.OPEN),
        (Kind.QUESTION, Status.ANSWERED, False, Kind.IDEA, Status.OPEN),
    ],
)
def test_a_status_the_new_kind_lacks_goes_back_to_open(
    acme, kind, status, official, new_kind, expected
):
    question = make_question(acme, kind=kind, status=status, has_official_answer=official)

    services.edit_question(question.author, question, kind=new_kind)

    assert (question.kind, question.status) == (new_kind, expected)


def test_a_question_with_a_best_answer_becomes_answered(acme):
    question = make_question(acme, kind=Kind.IDEA, status=Status.DECLINED)
    answer = make_answer(question)
    question.best_answer_id = answer.id
    db.session.flush()

    services.edit_question(question.author, question, kind="question")

    assert question.status is Status.ANSWERED


# Counters and followers ----------------------------------------------------------------------


def test_moving_between_products_keeps_every_count_exact(client, acme, problem):
    jet = _product(acme, "jet")
    make_question(acme, product=jet)
    save()

    services.edit_question(problem.author, problem, product=jet)
    assert_counters_match_rows()
    services.edit_question(problem.author, problem, product=None)
    assert_counters_match_rows()
    services.edit_question(problem.author, problem, product=_product(acme, "rocket"))
    assert_counters_match_rows()

    db.session.expire_all()
    assert [(p.slug, p.question_count) for p in sorted(acme.products, key=lambda p: p.id)] == [
        ("rocket", 1),
        ("jet", 1),
    ]
    assert revision_rows() == 3


def test_followers_of_the_new_product_are_not_told(acme, problem):
    fan = make_user("fan")
    db.session.add(Follow(user_id=fan.id, product_id=_product(acme, "jet").id))
    db.session.flush()

    services.edit_question(problem.author, problem, product=_product(acme, "jet"))

    assert fan.id not in recipients(NotificationKind.NEW_QUESTION)


# The API -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["author", "staff", "moderator"])
def test_the_api_changes_kind_and_product_for_those_allowed(client, acme, problem, role):
    user = _who(role, acme) or problem.author
    acme.claimed_at = problem.created_at
    api = Api(client, user)
    save()

    response = api.patch(f"/questions/{problem.id}", {"kind": "idea", "product": "jet"})
    general = api.patch(f"/questions/{problem.id}", {"product": None})

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["kind"], body["product"], body["status"]) == ("idea", "jet", "open")
    assert general.get_json()["product"] is None
    assert revision_rows() == 2
    assert_counters_match_rows()


@pytest.mark.parametrize(
    "role, status", [("stranger", 403), ("unclaimed_staff", 403), ("other_staff", 403)]
)
def test_the_api_refuses_anyone_else_and_changes_nothing(client, acme, problem, role, status):
    api = Api(client, _who(role, acme))
    save()
    before = snapshot()

    response = api.patch(f"/questions/{problem.id}", {"kind": "idea", "product": "no-such"})

    assert response.status_code == status
    assert snapshot() == before


def test_staff_naming_the_words_with_new_values_get_422_naming_each(client, acme, problem):
    agent = _who("staff", acme)
    api = Api(client, agent)
    save()
    before = snapshot()

    changed = api.patch(
        f"/questions/{problem.id}",
        {"title": "Taken over by staff", "body": "New words.", "kind": "idea"},
    )
    same = api.patch(
        f"/questions/{problem.id}",
        {"title": problem.title, "body": problem.body, "kind": "praise"},
    )

    assert changed.status_code == 422
    assert set(error_of(changed)["fields"]) == {"title", "body"}
    assert same.status_code == 200
    assert same.get_json()["kind"] == "praise"
    db.session.expire_all()
    assert snapshot() != before and problem.title == "The rocket will not launch"


@pytest.mark.parametrize(
    "patch, field",
    [
        ({"kind": "rant"}, "kind"),
        ({"product": "no-such-product"}, "product"),
        ({"product": 7}, "product"),
        ({"kind": None}, "kind"),
    ],
)
def test_bad_kinds_and_products_are_422_at_the_field(client, problem, patch, field):
    api = Api(client, problem.author)
    save()
    before = snapshot()

    response = api.patch(f"/questions/{problem.id}", patch)

    assert response.status_code == 422
    assert field in error_of(response)["fields"]
    assert snapshot() == before
