"""Sign-up from any page keeps ``next`` (issue 13, item 7): the header's "Sign up" link
carries the page, sign-up leads back to it, and so does the e-mailed verification link;
a ``next`` that is not a path on this site is dropped everywhere."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from app.extensions import db
from tests.claims.helpers import sent_to
from tests.factories import PASSWORD, make_question

VERIFY_LINK = re.compile(r"https?://helpsquare\.test(/verify-email/[^\s\"<>]+)")
SIGN_UP_LINK = re.compile(r'<a class="button button--small" href="([^"]+)">Sign up</a>')


def _sign_up(client, next_url: str | None):  # noqa: ANN202
    query = {"next": next_url} if next_url is not None else {}
    return client.post(
        "/sign-up",
        query_string=query,
        data={"username": "grace", "email": "grace@example.org", "password": PASSWORD},
    )


def _link() -> str:
    (message,) = sent_to("grace@example.org")
    found = VERIFY_LINK.search(message.body_text)
    assert found, message.body_text
    return html.unescape(found[1])


def _next_of(url: str) -> str | None:
    values = parse_qs(urlsplit(url).query).get("next")
    return values[0] if values else None


def test_the_headers_sign_up_link_carries_the_page(client):
    question = make_question()
    db.session.commit()
    path = f"/questions/{question.id}/{question.slug}"

    page = client.get(path).get_data(as_text=True)

    link = html.unescape(SIGN_UP_LINK.search(page)[1])
    assert urlsplit(link).path == "/sign-up"
    assert _next_of(link).startswith(path)


def test_the_sign_in_page_links_to_sign_up_with_its_next(client):
    page = client.get("/sign-in?next=/questions").get_data(as_text=True)

    assert 'href="/sign-up?next=/questions"' in page or 'href="/sign-up?next=%2Fquestions"' in page


def test_sign_up_then_verification_lead_back_to_the_page(client):
    question = make_question()
    db.session.commit()
    path = f"/questions/{question.id}/{question.slug}"

    signed_up = _sign_up(client, path)
    assert signed_up.status_code == 302 and signed_up.location == path

    link = _link()
    assert _next_of(link) == path
    shown = client.get(link).get_data(as_text=True)
    action = html.unescape(
        re.search(r'<form method="post" action="(/verify-email/[^"]+)"', shown)[1]
    )
    assert _next_of(action) == path
    token = urlsplit(link).path.rsplit("/", 1)[1]
    verified = client.post(action, data={"token": token})

    assert verified.status_code == 303
    assert verified.location == path


def test_verified_while_signed_out_the_sign_in_keeps_the_page(client):
    _sign_up(client, "/questions")
    client.post("/sign-out")
    link = _link()
    token = urlsplit(link).path.rsplit("/", 1)[1]

    verified = client.post(link, data={"token": token})

    assert verified.status_code == 303
    assert urlsplit(verified.location).path == "/sign-in"
    assert _next_of(verified.location) == "/questions"


@pytest.mark.parametrize(
    "bad", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_an_external_next_is_dropped(client, bad):
    signed_up = _sign_up(client, bad)

    assert signed_up.status_code == 302 and signed_up.location == "/"
    link = _link()
    assert _next_of(link) is None
    token = urlsplit(link).path.rsplit("/", 1)[1]
    # And one added to the link by hand leads nowhere else either.
    verified = client.post(
        f"/verify-email/{token}", query_string={"next": bad}, data={"token": token}
    )
    assert verified.status_code == 303 and verified.location == "/"
