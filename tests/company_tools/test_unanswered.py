"""The "Waiting for an answer from <company>" page: what waits for the company's staff,
oldest first."""

from __future__ import annotations

import base64
import html
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from app.db import utcnow
from app.extensions import db
from app.pagination import BadCursor
from app.questions.models import Kind
from app.questions.queries import list_unanswered
from tests.company_tools.helpers import error_at, listed_titles, make_acme
from tests.conftest import login_as
from tests.factories import make_answer, make_company, make_product, make_question, make_staff
from tests.questions.helpers import text

URL = "/companies/acme/unanswered"


@pytest.fixture
def acme():
    return make_acme()


def _ask(acme, title: str, days: int, **fields):
    return make_question(
        acme.company, author=acme.asker, title=title, age=timedelta(days=days), **fields
    )


@pytest.fixture
def questions(acme):
    """Acme's questions, from the oldest; two of them are answered for Acme."""
    gadget = make_product(acme.company, "Gadget")
    waiting = _ask(acme, "Oldest and never answered", 9)
    peers_only = _ask(acme, "Only fellow customers answered", 8, product=acme.product)
    make_answer(peers_only, author=acme.peer)
    make_answer(peers_only, author=acme.rival)  # staff of another company: a peer here
    official = _ask(acme, "Acme answered officially", 7)
    make_answer(official, author=acme.jane, is_official=True)
    official.has_official_answer = True
    best = _ask(acme, "The asker chose a best answer", 6, kind=Kind.PROBLEM)
    best.best_answer_id = make_answer(best, author=acme.peer).id
    idea = _ask(acme, "An idea nobody answered", 5, kind=Kind.IDEA, product=gadget)
    newest = _ask(acme, "The newest problem", 1, kind=Kind.PROBLEM, product=acme.product)
    make_question(make_company("Elsewhere", domain="elsewhere.com"), title="Not about Acme")
    return {
        "waiting": waiting,
        "peers_only": peers_only,
        "idea": idea,
        "newest": newest,
        "gadget": gadget,
    }


def test_staff_see_what_waits_for_the_company_oldest_first(client, acme, questions):
    db.session.commit()
    login_as(client, acme.jane)

    response = client.get(URL)

    assert response.status_code == 200
    page = text(response)
    assert page.count("<h1") == 1
    assert "<h1>Waiting for an answer from Acme</h1>" in page
    assert listed_titles(page) == [
        "Oldest and never answered",
        "Only fellow customers answered",
        "An idea nobody answered",
        "The newest problem",
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?product=drive", ["Only fellow customers answered", "The newest problem"]),
        ("?kind=problem", ["The newest problem"]),
        ("?kind=idea", ["An idea nobody answered"]),
        ("?product=gadget&kind=idea", ["An idea nobody answered"]),
        ("?product=gadget&kind=problem", []),
        ("?product=&kind=", None),  # "all" for both
    ],
)
def test_the_list_filters_by_product_and_kind(client, acme, questions, query, expected):
    db.session.commit()
    login_as(client, acme.jane)

    page = text(client.get(URL + query))

    if expected is None:
        assert len(listed_titles(page)) == 4
    else:
        assert listed_titles(page) == expected
    if expected == []:
        assert "Nothing is waiting for Acme here." in page


def test_the_filter_form_offers_the_companys_products_and_the_kinds(client, acme, questions):
    db.session.commit()
    login_as(client, acme.jane)

    page = text(client.get(URL + "?kind=idea"))

    assert '<form method="get" action="/companies/acme/unanswered"' in page
    assert '<option value="drive">Drive</option>' in page
    assert '<option value="gadget">Gadget</option>' in page
    assert '<option selected value="idea">Idea</option>' in page
    assert "Filter</button>" in page


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("?product=nothing", "product", "Choose one of this company's products, or all."),
        ("?kind=rant", "kind", "Choose one of: question, problem, idea or praise, or all."),
    ],
)
def test_an_unknown_filter_value_is_shown_at_the_field(
    client, acme, questions, query, field, message
):
    db.session.commit()
    login_as(client, acme.jane)

    response = client.get(URL + query)

    assert response.status_code == 422
    page = text(response)
    assert html.unescape(error_at(page, field)) == message
    assert listed_titles(page) == []


def test_the_pages_follow_one_another_without_gaps_or_repeats(client, app, acme, monkeypatch):
    titles = [f"Waiting question number {i:02}" for i in range(7)]
    start = utcnow() - timedelta(days=3)
    for i, title in enumerate(titles):
        question = make_question(acme.company, title=title)
        # Pairs share a creation time: the id keeps the order stable.
        question.created_at = start + timedelta(hours=i // 2)
    make_question(acme.company, title="An idea, filtered out", kind=Kind.IDEA)
    db.session.commit()
    monkeypatch.setitem(app.config, "PAGE_SIZE", 3)
    login_as(client, acme.jane)

    seen: list[str] = []
    url = URL + "?kind=question"
    for _ in range(3):
        page = text(client.get(url))
        seen += listed_titles(page)
        next_link = _next_link(page)
        if next_link is None:
            break
        url = next_link
        assert parse_qs(urlsplit(url).query)["kind"] == ["question"]  # the filter is kept

    assert seen == titles
    assert next_link is None


def _next_link(page: str) -> str | None:
    marker = '<a rel="next" href="'
    if marker not in page:
        return None
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)].replace("&amp;", "&")


def test_list_unanswered_pages_ascending_by_creation_then_id(acme, questions):
    first = list_unanswered(acme.company.id, limit=2)
    second = list_unanswered(acme.company.id, cursor=first.next_cursor, limit=2)

    assert [q.title for q in first.items + second.items] == [
        "Oldest and never answered",
        "Only fellow customers answered",
        "An idea nobody answered",
        "The newest problem",
    ]
    assert second.next_cursor is None
    with pytest.raises(BadCursor):
        list_unanswered(acme.company.id, cursor="nonsense")


@pytest.mark.parametrize("cursor", ["nonsense", "padded"])
def test_a_bad_cursor_is_a_clear_400(client, acme, cursor):
    db.session.commit()
    login_as(client, acme.jane)
    if cursor == "padded":  # well formed, but far longer than any cursor this server issues
        padded = f'[{" " * 300}"{utcnow().isoformat()}",1]'.encode()
        cursor = base64.urlsafe_b64encode(padded).decode()

    response = client.get(URL, query_string={"cursor": cursor})

    assert response.status_code == 400
    assert "That page link is not valid" in text(response)


def test_a_question_leaves_the_list_once_staff_answer_it(client, acme, questions):
    db.session.commit()
    login_as(client, acme.jane)

    client.post(f"/questions/{questions['waiting'].id}/answers", data={"body": "Here you go."})

    assert "Oldest and never answered" not in listed_titles(text(client.get(URL)))


# Who may see it. -----------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), [("jane", 200), ("boss", 200), ("keeper", 200)])
def test_staff_and_site_admins_may_see_it(client, acme, who, status):
    db.session.commit()
    login_as(client, getattr(acme, who))

    assert client.get(URL).status_code == status


@pytest.mark.parametrize("who", ["asker", "peer", "rival", "revoked"])
def test_everyone_else_is_refused(client, acme, who):
    if who == "revoked":
        acme.jane_membership.revoked_at = utcnow()
        user = acme.jane
    else:
        user = getattr(acme, who)
    db.session.commit()
    login_as(client, user)

    response = client.get(URL)

    assert response.status_code == 403
    assert "Waiting for Acme" not in text(response)


def test_anonymous_visitors_are_sent_to_sign_in_and_back(client, acme):
    db.session.commit()

    response = client.get(URL + "?kind=idea")

    assert response.status_code == 303
    assert urlsplit(response.location).path == "/sign-in"
    assert parse_qs(urlsplit(response.location).query)["next"] == [URL + "?kind=idea"]


def test_an_unknown_company_is_not_found(client, acme):
    db.session.commit()
    login_as(client, acme.keeper)

    assert client.get("/companies/nobody/unanswered").status_code == 404


def test_the_question_page_links_to_it_for_those_who_may_see_it(client, acme, questions):
    db.session.commit()
    question = questions["waiting"]
    url = f"/questions/{question.id}/{question.slug}"
    link = '<a href="/companies/acme/unanswered">Waiting for an answer from Acme</a>'

    anonymous = text(client.get(url))
    login_as(client, acme.peer)
    peer = text(client.get(url))
    login_as(client, acme.jane)
    staff = text(client.get(url))

    assert link not in anonymous and link not in peer
    assert link in staff


# A fixed cost, whatever the number of questions. --------------------------------------------


@pytest.mark.parametrize("who", ["jane", "keeper"])
def test_the_page_runs_a_fixed_number_of_statements(client, count_queries, acme, who):
    small = make_acme_like("Small Co", 5)
    large = make_acme_like("Large Co", 50)
    if who == "jane":
        make_staff(small, acme.jane)
        make_staff(large, acme.jane)
    db.session.commit()
    login_as(client, getattr(acme, who))

    counts = []
    for slug in ("small-co", "large-co"):
        db.session.expunge_all()
        with count_queries() as statements:
            response = client.get(f"/companies/{slug}/unanswered")
        assert response.status_code == 200
        counts.append(len(statements))

    # the user (1), the company (1), its products (1), the page of questions (1), and for
    # staff their staff roles (1; a site admin needs none but, as a moderator, reads the
    # header's count of flags waiting for review: 1).
    assert counts == [5, 5]


def make_acme_like(name: str, n: int):
    company = make_company(name, domain=f"{name.split()[0].lower()}.com")
    product = make_product(company, "Thing")
    for i in range(n):
        make_question(company, product=product if i % 2 else None, age=timedelta(hours=n - i))
    return company
