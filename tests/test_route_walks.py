"""Promises that hold on every route, proven by walking the whole URL map with real values
(tests/route_walk.py) rather than a list someone must remember to extend
(docs/security.md, "Caches and methods"):

- HEAD never changes anything: it is a GET without the body;
- signed-in pages, and API answers to a token, are ``Cache-Control: private, no-store``;
  /healthz, /readyz and /metrics are ``no-store`` for everybody and set no cookie;
- a cursor the server did not issue, however crafted, is a 400 on every list, never a 500.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import datetime
from html import unescape
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

import pytest

from app.companies.queries import get_company
from app.pagination import BadCursor, decode_cursor
from tests.api.helpers import save
from tests.checks import snapshot
from tests.conftest import login_as
from tests.route_walk import World, build_world, get_rules

PRIVATE = "private, no-store"


@pytest.fixture
def world() -> World:
    return build_world()


def _client(app, world: World, who: str):
    client = app.test_client()
    if who in world.users:
        login_as(client, world.users[who])
    return client


def _fetch(client, method: str, path: str, headers: dict[str, str] | None = None):
    """The response, read and closed (a static file is streamed from an open file)."""
    response = client.open(path, method=method, headers=headers or {})
    response.get_data()
    response.close()
    return response


def _headers(world: World, who: str, path: str) -> dict[str, str]:
    if who == "token" and path.startswith("/api/"):
        return {"Authorization": f"Bearer {world.api_token}"}
    return {}


# HEAD ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "asker", "keeper", "token"])
def test_head_changes_nothing_on_any_route(app, world, who):
    """Every route that answers GET, asked with HEAD by each kind of visitor: the same
    status as GET, no body, and every row of every table as it was."""
    client = _client(app, world, who)
    before = snapshot()
    for rule in get_rules(app):
        path = world.url(rule)
        headers = _headers(world, who, path)

        head = _fetch(client, "HEAD", path, headers)

        after = snapshot()
        changed = {name for name in before if before[name] != after[name]}
        assert changed == set(), f"HEAD {path} changed {sorted(changed)}"
        assert head.data == b"", path
        get = _fetch(client, "GET", path, headers)
        assert head.status_code == get.status_code, path
        before = snapshot()


def test_head_on_the_unsubscribe_link_keeps_the_email(client, world):
    """The finding: a HEAD (a mail scanner, a link preview) unsubscribed."""
    link = f"/notifications/unsubscribe/{world.tokens['notifications.unsubscribe']}"

    assert client.head(link).status_code == 200
    page = client.get(link).get_data(as_text=True)

    assert "Unsubscribe</button>" in page  # still subscribed: the button is offered
    assert "You will no longer" not in page


# Cache-Control -------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "asker", "keeper", "token"])
def test_signed_in_pages_and_token_answers_are_private(app, world, who):
    """Every GET route: a browser signed in, or an API client with a token, gets
    ``private, no-store``; signed-out visitors get what they got before (no such header).
    Static files are the same for everybody and keep their long cache life."""
    client = _client(app, world, who)
    signed_in = who in ("asker", "keeper")
    for rule in get_rules(app):
        path = world.url(rule)
        response = _fetch(client, "GET", path, _headers(world, who, path))
        cache_control = response.headers.get("Cache-Control", "")
        # The API reads a token (its own blueprint) and no cookie; a browser signed in on
        # the pages is private there too.
        private = signed_in or (who == "token" and rule.endpoint.startswith("api."))
        if rule.endpoint == "static":
            assert "no-store" not in cache_control, path
        elif rule.endpoint.startswith("ops."):
            # For load balancers and scrapers: never kept, and the session never read.
            assert cache_control == "no-store", path
            assert "Set-Cookie" not in response.headers, path
        else:
            assert (cache_control == PRIVATE) is private, (path, cache_control)
            if not private:
                assert "no-store" not in cache_control and "private" not in cache_control


def test_a_post_by_a_signed_in_person_is_private_too(client, world):
    login_as(client, world.users["answerer"])

    response = client.post(f"/questions/{world.question.id}/me-too", data={"action": "add"})

    assert response.status_code == 303
    assert response.headers["Cache-Control"] == PRIVATE


# Framing -------------------------------------------------------------------------------


def test_only_the_widgets_embedded_page_may_be_framed_elsewhere(app, world):
    """Every route keeps ``frame-ancestors 'self'`` (and X-Frame-Options) but the embedded
    page, which lists exactly the company's widget origins (issue 15)."""
    get_company("acme").widget_origins = "https://shop.acme.com"
    save()
    client = _client(app, world, "asker")
    for rule in get_rules(app):
        path = world.url(rule)
        response = _fetch(client, "GET", path, _headers(world, "asker", path))
        policy = response.headers.get("Content-Security-Policy", "")
        if rule.endpoint == "static":
            continue
        if rule.endpoint == "integrations.embed":
            assert "frame-ancestors https://shop.acme.com;" in policy + ";", path
            assert "X-Frame-Options" not in response.headers
        else:
            assert "frame-ancestors 'self'" in policy, path
            assert response.headers["X-Frame-Options"] == "SAMEORIGIN", path


# Crafted cursors -----------------------------------------------------------------------


def _b64(value: Any) -> str:
    raw = json.dumps(value, ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


CRAFTED = {
    "year 1 east of UTC": _b64(["0001-01-01T00:00:00+14:00", 1]),
    "year 9999 west of UTC": _b64(["9999-12-31T23:59:59-14:00", 1]),
    "id too large": _b64(["2026-01-01T00:00:00+00:00", 2**31]),
    "id far too large": _b64(["2026-01-01T00:00:00+00:00", 10**40]),
    "negative id": _b64(["2026-01-01T00:00:00+00:00", -1]),
    "zero id": _b64([0, 0]),
    "huge key": _b64([10**40, 1]),
    "negative key": _b64([-(2**31), 1]),
    "float key": _b64([1.5, 1]),
    "float id": _b64(["2026-01-01T00:00:00+00:00", 1.0]),
    "infinite key": base64.urlsafe_b64encode(b"[Infinity, 1]").decode(),
    "boolean key": _b64([True, 1]),
    "boolean id": _b64(["2026-01-01T00:00:00+00:00", True]),
    "nested lists": _b64([[["2026-01-01T00:00:00+00:00"]], [1]]),
    "three items": _b64(["2026-01-01T00:00:00+00:00", 1, 2]),
    "an object": _b64({"key": 1, "id": 1}),
    "a string": _b64("2026-01-01T00:00:00+00:00"),
    "null": _b64([None, None]),
    "non-ASCII digits": _b64(["２０２６-01-01T00:00:00+00:00", 1]),
    "non-ASCII cursor": "Wy%C3%BF%E2%82%AC",
    "no offset": _b64(["2026-01-01T00:00:00", 1]),
    "not JSON": base64.urlsafe_b64encode(b"\xff\xfe[1,").decode(),
    "not base64": "!!!",
}


@pytest.mark.parametrize("cursor", list(CRAFTED.values()), ids=list(CRAFTED))
@pytest.mark.parametrize("key_type", ["datetime", "int"])
def test_decode_cursor_refuses_every_crafted_cursor(cursor, key_type):
    with pytest.raises(BadCursor):
        decode_cursor(unquote(cursor), datetime if key_type == "datetime" else int)


_NEXT = re.compile(r'<a rel="next"[^>]* href="([^"]+)"')


def _prefix(value: str) -> str | None:
    """What comes before the ``decode_cursor`` part of a cursor the server issued (the
    answers', staff's and claims' cursors put digits in front), so crafted keys go where
    the server's went; None for a value that holds no cursor of ours (a sort, a page
    number such as search's ``page=2``)."""
    for start in range(len(value)):
        for key_type in (int, datetime):
            try:
                decode_cursor(value[start:], key_type)
            except BadCursor:
                continue
            return value[:start]
    return None


def _next_pages(client, path: str, headers: dict[str, str]) -> list[tuple[str, str, str]]:
    """The (page, cursor parameter, real cursor) of every next-page link on ``path``."""
    if path.startswith("/api/"):
        query = dict(parse_qsl(urlsplit(path).query), limit="1")
        page = urlsplit(path).path + "?" + urlencode(query)
        response = _fetch(client, "GET", page, headers)
        body = response.get_json(silent=True)
        if not isinstance(body, dict) or not body.get("next_cursor"):
            return []
        return [(page, "cursor", body["next_cursor"])]
    response = _fetch(client, "GET", path)
    if response.status_code != 200 or "html" not in response.content_type:
        return []
    found = []
    for link in _NEXT.findall(response.get_data(as_text=True)):
        link = unescape(link).split("#")[0]
        for name, value in parse_qsl(urlsplit(link).query):
            if _prefix(value) is not None:
                found.append((link, name, value))
    return found


def _refused(response, path: str) -> None:
    assert response.status_code == 400, (path, response.status_code)
    if path.startswith("/api/"):
        assert response.get_json()["error"]["code"] == "bad_cursor", path
    else:
        assert "Start again from the first page." in response.get_data(as_text=True), path


def _with(page: str, name: str, value: str) -> str:
    query = dict(parse_qsl(urlsplit(page).query))
    query[name] = value
    # The crafted value is already URL-safe (or deliberately percent-encoded).
    return urlsplit(page).path + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def test_a_crafted_cursor_is_a_400_on_every_list(app, world, monkeypatch):
    """Every list (HTML and API) that has a next page with a page size of 1, each crafted
    cursor in place of the real one: 400 with a sentence (HTML) or ``bad_cursor`` (API)."""
    monkeypatch.setitem(app.config, "PAGE_SIZE", 1)
    client = _client(app, world, "keeper")
    headers = {"Authorization": f"Bearer {world.api_token}"}
    paths = [world.url(rule) for rule in get_rules(app)] + world.extra_urls
    lists = {}
    for path in paths:
        for page, name, real in _next_pages(client, path, headers):
            lists[(urlsplit(page).path, name)] = (page, real)
            assert _fetch(client, "GET", _with(page, name, real), headers).status_code == 200

    for (_, name), (page, real) in sorted(lists.items()):
        for crafted in CRAFTED.values():
            for cursor in {crafted, _prefix(real) + crafted}:
                url = _with(page, name, cursor)
                _refused(_fetch(client, "GET", url, headers), url)

    # Every list of the URL map is in the walk: any route that refuses a cursor of
    # nonsense (and answers without one: the SSO landing is a 400 without its token) reads
    # one, and must have shown a next page above.
    reads_a_cursor = {
        urlsplit(path).path
        for path in paths
        if _fetch(client, "GET", _with(path, "cursor", "nonsense"), headers).status_code == 400
        and _fetch(client, "GET", path, headers).status_code != 400
    }
    assert reads_a_cursor <= {list_path for list_path, _ in lists}
    assert len(lists) >= 15, sorted(lists)
