"""The insights page and its CSV downloads: staff and moderators only, the figures of
tests/insights/test_insights.py as a reader sees them, each chart an SVG image with its
table and its CSV, a fixed number of statements."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from html import unescape
from urllib.parse import urlsplit

import pytest

from app.companies import staff as staff_services
from app.extensions import db
from app.questions.models import Kind
from tests.conftest import login_as
from tests.factories import make_company, make_product, make_question, make_staff, make_user

PAGE = "/companies/acme/insights"


def _html(response) -> str:
    return response.get_data(as_text=True)


def _figure(html: str, term: str) -> str:
    found = re.search(rf"<dt>{re.escape(term)}</dt><dd>([^<]*)</dd>", html)
    assert found, term
    return found[1]


# Who may look ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["ann", "dee"])  # an admin, an agent who has not answered yet
def test_staff_see_their_company_s_insights(client, acme_data, who):
    login_as(client, getattr(acme_data, who))

    response = client.get(PAGE)

    assert response.status_code == 200
    html = _html(response)
    assert "<h1>Insights for Acme</h1>" in html
    assert "in the last 30 days (since 16 February 2026)" in html


def test_a_moderator_sees_them_too(client, acme_data):
    login_as(client, make_user("mod", is_moderator=True))
    assert client.get(PAGE).status_code == 200


@pytest.mark.parametrize("who", ["stranger", "customer", "other staff"])
def test_everyone_else_is_refused(client, acme_data, who):
    if who == "other staff":
        user = make_staff(make_company("Other Two", domain="two.example")).user
    else:
        user = make_user(who) if who == "stranger" else acme_data.q["q1"].author
    db.session.commit()
    login_as(client, user)

    assert client.get(PAGE).status_code == 403
    assert client.get(f"{PAGE}/kinds.csv").status_code == 403
    # Refused before the query string is read: a bad one says nothing more.
    assert client.get(f"{PAGE}?days=7").status_code == 403


def test_a_visitor_is_asked_to_sign_in(client, acme_data):
    response = client.get(PAGE)

    assert response.status_code in (302, 303)
    assert urlsplit(response.location).path == "/sign-in"


def test_revoked_staff_lose_the_insights_at_once(client, acme_data):
    login_as(client, acme_data.bob)
    assert client.get(PAGE).status_code == 200

    staff_services.revoke_staff(acme_data.ann, acme_data.company, acme_data.bob)

    assert client.get(PAGE).status_code == 403
    assert client.get(f"{PAGE}/staff.csv").status_code == 403


def test_an_unknown_company_is_not_found(client, acme_data):
    login_as(client, acme_data.ann)
    assert client.get("/companies/nobody/insights").status_code == 404


def test_the_company_page_links_to_insights_for_staff_and_moderators_only(client, acme_data):
    link = 'href="/companies/acme/insights"'
    assert link not in _html(client.get("/companies/acme"))
    login_as(client, make_user("someone"))
    assert link not in _html(client.get("/companies/acme"))
    login_as(client, acme_data.dee)
    assert link in _html(client.get("/companies/acme"))
    login_as(client, make_user("mod", is_moderator=True))
    assert link in _html(client.get("/companies/acme"))


# The window ------------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "days"), [("", 30), ("?days=30", 30), ("?days=90", 90)])
def test_the_window_is_30_days_unless_asked(client, acme_data, query, days):
    login_as(client, acme_data.ann)

    html = _html(client.get(PAGE + query))

    assert re.search(rf'days={days}" aria-current="page">Last {days} days<', html)
    assert f"in the last {days} days" in html


@pytest.mark.parametrize("bad", ["7", "abc", "30.0", "", "-30", "٣٠", "365 ", "0x1e"])
def test_another_window_is_refused_with_a_sentence(client, acme_data, bad):
    login_as(client, acme_data.ann)

    response = client.get(PAGE, query_string={"days": bad})

    assert response.status_code == 422
    html = _html(response)
    assert "Choose 30, 90 or 365 days." in html
    assert "Last 90 days</a>" in html  # the way on
    assert "chart__svg" not in html
    csv_response = client.get(f"{PAGE}/kinds.csv", query_string={"days": bad})
    assert csv_response.status_code == 422


# What it shows ---------------------------------------------------------------------------


def test_the_figures(client, acme_data):
    login_as(client, acme_data.ann)

    html = _html(client.get(PAGE))

    assert _figure(html, "Questions asked") == "6"
    assert _figure(html, "Answered officially") == "67%"
    assert _figure(html, "Answered officially within 24 hours") == "50%"
    assert _figure(html, "Median time to the first official answer") == "4 hours"
    assert _figure(html, "90th percentile of that time") == "1 day"  # 126,360 s
    assert _figure(html, "With a best answer") == "33%"


def test_each_chart_is_an_svg_image_with_its_table_and_csv(client, acme_data):
    login_as(client, acme_data.ann)

    html = _html(client.get(PAGE))

    for name, title in [
        ("kinds", "Questions by kind and week"),
        ("feelings", "Feelings over time"),
        ("products", "Questions per product"),
        ("staff", "Official answers per staff member"),
    ]:
        svg = re.search(
            rf'<svg class="chart__svg"[^>]*aria-labelledby="{name}-title" '
            rf'aria-describedby="{name}-desc"',
            html,
        )
        assert svg and 'role="img"' in svg[0], name
        assert f'<title id="{name}-title">{title}</title>' in html
        assert f'<desc id="{name}-desc">' in html
        assert f'href="/companies/acme/insights/{name}.csv?days=30" download' in html
    assert html.count("<table") == 5  # the four charts' and the open problems'
    assert 'href="/companies/acme/insights/problems.csv?days=30"' in html


def test_the_tables_hold_the_numbers(client, acme_data):
    login_as(client, acme_data.ann)

    html = unescape(_html(client.get(PAGE)))

    # Per product: Drive 3 questions, 67% answered officially, 67% within a day, median 2 hours
    # (7,200 s), 90th percentile 3 hours (10,080 s), a best answer for 33%.
    drive = re.search(r'<th scope="row">Drive</th>(.*?)</tr>', html, re.S)[1]
    cells = re.findall(r'<td class="num">([^<]*)</td>', drive)
    assert cells == ["3", "67%", "67%", "2 hours", "3 hours", "33%"]
    general = re.search(r'<th scope="row">In general \(no product\)</th>(.*?)</tr>', html, re.S)
    assert re.findall(r'<td class="num">([^<]*)</td>', general[1]) == [
        "1",
        "0%",
        "0%",
        "–",
        "–",
        "100%",
    ]
    cy = re.search(r'<th scope="row">@cy \(former staff\)</th>(.*?)</tr>', html, re.S)[1]
    assert re.findall(r'<td class="num">([^<]*)</td>', cy) == ["1", "1", "5 hours", "0"]
    problems = re.search(r'id="problems-heading".*?</section>', html, re.S)[0]
    assert problems.index(acme_data.q["q2"].title) < problems.index(acme_data.q["q5"].title)
    assert "A hidden problem about Drive" not in html


def test_user_words_are_escaped_in_charts_tables_and_titles(client, acme_data):
    product = make_product(acme_data.company, '<script>alert("p")</script>', slug="hostile")
    make_question(
        acme_data.company,
        product=product,
        kind=Kind.PROBLEM,
        title='<img src=x onerror=alert("t")>',
        age=timedelta(days=1),
        me_too_count=99,
    )
    db.session.commit()
    login_as(client, acme_data.ann)

    html = _html(client.get(PAGE))

    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(&#34;t&#34;)&gt;" in html  # the problems' table
    # The product's bar (its name cut short), the bar's title and the table.
    assert ">&lt;script&gt;alert(&#34;p&#34;)&lt;/scr…</text>" in html
    assert (
        "<title>&lt;script&gt;alert(&#34;p&#34;)&lt;/script&gt;: 1 not answered officially" in html
    )
    assert '<th scope="row">&lt;script&gt;alert(&#34;p&#34;)&lt;/script&gt;</th>' in html


def test_the_page_runs_a_fixed_number_of_statements(client, acme_data, count_queries):
    small = make_company("Small", domain="small.example")
    make_staff(small, acme_data.ann)
    make_question(small, age=timedelta(days=1))
    db.session.commit()
    login_as(client, acme_data.ann)

    counts = []
    for slug in ("small", "acme"):
        for days in (30, 365):
            db.session.expunge_all()
            with count_queries() as statements:
                assert client.get(f"/companies/{slug}/insights?days={days}").status_code == 200
            counts.append(len(statements))

    # The user, the company, the staff roles, and the four of the insights.
    assert counts == [7, 7, 7, 7]


# CSV -------------------------------------------------------------------------------------


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_a_table_downloads_as_csv(client, acme_data):
    login_as(client, acme_data.bob)

    response = client.get(f"{PAGE}/products.csv?days=30")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="acme-products-30-days.csv"'
    )
    assert _rows(response) == [
        [
            "Product",
            "Questions",
            "Answered officially",
            "Within 24 hours",
            "Median first official answer",
            "90th percentile",
            "With a best answer",
        ],
        ["Drive", "3", "0.6667", "0.6667", "7200", "10080", "0.3333"],
        ["Vault", "2", "1.0", "0.5", "95400", "157320", "0.0"],
        ["In general (no product)", "1", "0.0", "0.0", "", "", "1.0"],
    ]


def test_every_table_downloads(client, acme_data):
    login_as(client, acme_data.ann)
    weeks = _rows(client.get(f"{PAGE}/kinds.csv?days=90"))
    assert weeks[0] == ["Week of", "Question", "Problem", "Idea", "Praise", "All"]
    assert len(weeks) == 1 + 14  # 90 days touch 14 weeks (from Monday 15 December)
    assert weeks[1][0] == "2025-12-15"
    assert sum(int(row[-1]) for row in weeks[1:]) == 7
    feelings = _rows(client.get(f"{PAGE}/feelings.csv?days=365"))
    assert feelings[0][-1] == "No feeling given" and len(feelings) == 1 + 53
    staff = _rows(client.get(f"{PAGE}/staff.csv"))
    assert staff[1] == ["ann", "2", "2", "88200", "0"]
    assert staff[3] == ["cy (former staff)", "1", "1", "18000", "0"]
    problems = _rows(client.get(f"{PAGE}/problems.csv"))
    assert problems[1] == [acme_data.q["q2"].title, "Open", "5", "2026-03-15"]


def test_an_unknown_table_is_not_found(client, acme_data):
    login_as(client, acme_data.ann)
    assert client.get(f"{PAGE}/secrets.csv").status_code == 404


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_cells_that_would_be_formulas_are_quoted(client, acme_data, start):
    make_question(
        acme_data.company,
        kind=Kind.PROBLEM,
        title=f'{start}HYPERLINK("https://evil.example","click")',
        age=timedelta(hours=1),
        me_too_count=1000,
    )
    db.session.commit()
    login_as(client, acme_data.ann)

    rows = _rows(client.get(f"{PAGE}/problems.csv"))

    assert rows[1][0] == f'\'{start}HYPERLINK("https://evil.example","click")'
    assert rows[1][2] == "1000"  # numbers stay numbers
