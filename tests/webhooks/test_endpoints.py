"""Registering, listing, testing and deleting webhook endpoints, through the pages and the
API: company admin staff and site admins only; addresses that are not public refused."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.db import utcnow
from app.extensions import db
from app.webhooks import services
from app.webhooks.models import EVENTS, TEST_EVENT, WebhookDelivery, WebhookEndpoint
from tests.api.helpers import Api, count, error_of, save
from tests.checks import snapshot
from tests.conftest import login_as
from tests.factories import make_company
from tests.servers import http_receiver
from tests.webhooks.helpers import add_endpoint, deliveries, make_shop


@pytest.fixture
def shop():
    return make_shop()


def _hooks(shop) -> str:  # noqa: ANN001
    return f"/companies/{shop.company.slug}/webhooks"


def _error_at(page: str, field: str) -> str:
    match = re.search(rf'<p class="field__error" id="{field}-error">(.*?)</p>', page, flags=re.S)
    assert match, f"no error at {field}"
    return match.group(1)


# Pages -------------------------------------------------------------------------------------


def test_an_admin_adds_an_endpoint_and_sees_its_secret_once(client, shop, allow_private):
    login_as(client, shop.boss)
    assert client.get(_hooks(shop)).status_code == 200
    response = client.post(
        _hooks(shop), data={"url": "http://127.0.0.1:9/hook", "events": ["answer.created"]}
    )
    assert response.status_code == 303
    endpoint = db.session.query(WebhookEndpoint).one()
    assert endpoint.secret.startswith("whsec_")
    assert endpoint.event_list == ["answer.created"]
    # Not in the session cookie: only the endpoint's id is.
    assert endpoint.secret not in response.headers.get("Set-Cookie", "")
    assert endpoint.secret in client.get(response.location).get_data(as_text=True)
    # Never again: not on the list, not in the log.
    assert endpoint.secret not in client.get(_hooks(shop)).get_data(as_text=True)
    page = client.get(f"{_hooks(shop)}/{endpoint.id}").get_data(as_text=True)
    assert endpoint.secret not in page


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("https://127.0.0.1/hook", "not a public address"),
        ("https://169.254.169.254/latest/meta-data/", "not a public address"),
        ("https://[::1]/", "not a public address"),
        ("http://93.184.215.14/hook", "https://"),
        ("https://u:p@93.184.215.14/", "user name"),
    ],
)
def test_an_address_that_is_not_public_is_refused_at_the_field(client, shop, url, why):
    """SSRF: WEBHOOKS_ALLOW_PRIVATE is off here, as in production."""
    login_as(client, shop.boss)
    before = snapshot()
    response = client.post(_hooks(shop), data={"url": url, "events": list(EVENTS)})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert why in _error_at(page, "url").replace("&#39;", "'")
    assert url.replace("&", "&amp;") in page  # what was typed stays
    assert snapshot() == before


def test_no_event_chosen_is_refused(client, shop, allow_private):
    login_as(client, shop.boss)
    response = client.post(_hooks(shop), data={"url": "http://127.0.0.1:9/"})
    assert response.status_code == 422
    assert "Choose at least one event" in response.get_data(as_text=True)
    assert count(WebhookEndpoint) == 0


def test_a_company_has_at_most_ten_endpoints(client, shop, allow_private):
    for n in range(services.ENDPOINTS_PER_COMPANY):
        add_endpoint(shop, f"http://127.0.0.1:9/{n}")
    login_as(client, shop.boss)
    response = client.post(
        _hooks(shop), data={"url": "http://127.0.0.1:9/11", "events": ["answer.created"]}
    )
    assert response.status_code == 409
    assert count(WebhookEndpoint) == services.ENDPOINTS_PER_COMPANY
    assert "the most we allow" in client.get(_hooks(shop)).get_data(as_text=True)


@pytest.mark.parametrize("who", ["agent", "asker"])
def test_only_admins_manage_webhooks(client, shop, allow_private, who):
    endpoint = add_endpoint(shop, "http://127.0.0.1:9/")
    login_as(client, getattr(shop, who))
    before = snapshot()
    assert client.get(_hooks(shop)).status_code == 403
    assert client.get(f"{_hooks(shop)}/{endpoint.id}").status_code == 403
    data = {"url": "http://127.0.0.1:9/x", "events": ["answer.created"]}
    assert client.post(_hooks(shop), data=data).status_code == 403
    assert client.post(f"{_hooks(shop)}/{endpoint.id}/test").status_code == 403
    assert client.post(f"{_hooks(shop)}/{endpoint.id}/delete").status_code == 403
    endpoint.disabled_at = utcnow()
    save()
    before = snapshot()
    assert client.post(f"{_hooks(shop)}/{endpoint.id}/enable").status_code == 403
    assert snapshot() == before
    assert services.enable_endpoint(shop.boss, endpoint)  # the admin may: the rule is the service's


def test_anonymous_visitors_are_sent_to_sign_in(client, shop):
    response = client.get(_hooks(shop))
    assert response.status_code in (302, 303)
    assert "/sign-in" in response.location


def test_the_test_event_is_delivered_signed_and_rate_limited(client, shop, allow_private):
    with http_receiver() as receiver:
        endpoint = add_endpoint(shop, receiver.url(), events=["question.merged"])
        login_as(client, shop.boss)
        for _ in range(services.TEST_EVENTS_PER_HOUR):
            response = client.post(f"{_hooks(shop)}/{endpoint.id}/test")
            assert response.status_code == 303
        before = snapshot()
        refused = client.post(f"{_hooks(shop)}/{endpoint.id}/test")
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) > 0
        assert "the most we allow" in refused.get_data(as_text=True)
        assert snapshot() == before
    assert len(receiver.requests) == services.TEST_EVENTS_PER_HOUR
    assert b'"type":"webhook.test"' in receiver.requests[0].body
    # An hour later it works again.
    for row in deliveries(endpoint.id):
        row.created_at = utcnow() - timedelta(hours=1, seconds=1)
    db.session.commit()
    assert services.send_test_event(shop.boss, endpoint).event_type == TEST_EVENT


def test_the_delivery_log_pages_newest_first(client, shop, allow_private, app):
    size = app.config["PAGE_SIZE"]
    endpoint = add_endpoint(shop, "http://127.0.0.1:9/")
    for n in range(size + 3):
        db.session.add(
            WebhookDelivery(
                endpoint_id=endpoint.id,
                event_type="answer.created",
                message_id=f"msg_{n}",
                payload="{}",
                state="delivered",
                response_status=200 + n,
                last_error="",
            )
        )
    db.session.commit()
    login_as(client, shop.boss)
    first = client.get(f"{_hooks(shop)}/{endpoint.id}").get_data(as_text=True)
    assert first.count("<tr>") == size + 1  # with the heading row
    assert "<td>222</td>" in first and "<td>202</td>" not in first
    cursor = re.search(r'href="[^"]*cursor=([^"&]+)"', first).group(1)
    second = client.get(f"{_hooks(shop)}/{endpoint.id}?cursor={cursor}").get_data(as_text=True)
    assert "<td>202</td>" in second and "<td>200</td>" in second
    assert client.get(f"{_hooks(shop)}/{endpoint.id}?cursor=nonsense").status_code == 400


def test_the_pages_run_a_fixed_number_of_queries(client, shop, allow_private, count_queries):
    for n in range(3):
        add_endpoint(shop, f"http://127.0.0.1:9/{n}")
    login_as(client, shop.boss)
    url = _hooks(shop)
    client.get(url)
    with count_queries() as few:
        client.get(url)
    for n in range(5):
        add_endpoint(shop, f"http://127.0.0.1:9/more{n}")
    with count_queries() as more:
        client.get(url)
    # The company, the viewer, the viewer's roles, the endpoints.
    assert len(few) == len(more) == 4


def test_an_admin_turns_a_disabled_endpoint_back_on(client, shop, allow_private):
    endpoint = add_endpoint(shop, "http://127.0.0.1:9/")
    services.send_test_event(shop.boss, endpoint)
    endpoint.disabled_at = utcnow()
    endpoint.disabled_reason = "http://127.0.0.1:9/ answered 500"
    save()
    login_as(client, shop.boss)
    log_url = f"{_hooks(shop)}/{endpoint.id}"
    page = client.get(log_url).get_data(as_text=True)
    assert "Turn this endpoint back on" in page
    assert "Send test event" not in page
    refused = client.post(f"{log_url}/test")
    assert refused.status_code == 409
    assert "Turn it back on once it is mended" in refused.get_data(as_text=True)

    response = client.post(f"{log_url}/enable")

    assert response.status_code == 303
    assert response.location.endswith(log_url)
    db.session.refresh(endpoint)
    assert endpoint.is_active
    assert endpoint.disabled_reason == ""
    assert len(deliveries(endpoint.id)) == 1  # its log kept
    page = client.get(log_url).get_data(as_text=True)
    assert "is on again: new events go to it" in page
    assert "Send test event" in page
    # Pressing it again changes nothing and says nothing.
    assert client.post(f"{log_url}/enable").status_code == 303
    assert "is on again" not in client.get(log_url).get_data(as_text=True)


def test_deleting_an_endpoint_deletes_its_log(client, shop, allow_private):
    endpoint = add_endpoint(shop, "http://127.0.0.1:9/")
    services.send_test_event(shop.boss, endpoint)
    login_as(client, shop.boss)
    assert client.post(f"{_hooks(shop)}/{endpoint.id}/delete").status_code == 303
    assert count(WebhookEndpoint) == 0
    assert count(WebhookDelivery) == 0


def test_an_endpoint_of_another_company_is_not_found(client, shop, allow_private):
    other = make_company("Globex", domain="globex.com")
    keeper_endpoint = services.create_endpoint(
        shop.keeper, other, url="http://127.0.0.1:9/", events=["answer.created"]
    )
    login_as(client, shop.boss)
    assert client.get(f"{_hooks(shop)}/{keeper_endpoint.id}").status_code == 404
    assert client.post(f"{_hooks(shop)}/{keeper_endpoint.id}/delete").status_code == 404


# API ---------------------------------------------------------------------------------------


def test_the_api_registers_lists_and_deletes(client, shop, allow_private):
    api = Api(client, shop.boss)
    save()
    created = api.post(
        f"/companies/{shop.company.slug}/webhooks",
        {"url": "http://127.0.0.1:9/hook", "events": ["question.created", "answer.created"]},
    )
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["secret"].startswith("whsec_")
    assert body["events"] == ["question.created", "answer.created"]
    assert body["active"] is True
    listed = api.get(f"/companies/{shop.company.slug}/webhooks").get_json()
    assert [item["id"] for item in listed["items"]] == [body["id"]]
    assert "secret" not in listed["items"][0]
    deleted = api.delete(f"/companies/{shop.company.slug}/webhooks/{body['id']}")
    assert deleted.status_code == 204
    assert count(WebhookEndpoint) == 0


def test_the_api_refuses_private_addresses_and_bad_events(client, shop):
    api = Api(client, shop.boss)
    save()
    before = snapshot()
    for url in ("https://127.0.0.1/", "https://169.254.169.254/latest/meta-data/"):
        response = api.post(
            f"/companies/{shop.company.slug}/webhooks", {"url": url, "events": ["nonsense"]}
        )
        assert response.status_code == 422
        fields = error_of(response)["fields"]
        assert "not a public address" in fields["url"]
        assert "events" in fields
    assert snapshot() == before


@pytest.mark.parametrize("who", ["agent", "asker"])
def test_the_api_refuses_everyone_but_admins(client, shop, allow_private, who):
    endpoint = add_endpoint(shop, "http://127.0.0.1:9/")
    api = Api(client, getattr(shop, who))
    save()
    before = snapshot()
    path = f"/companies/{shop.company.slug}/webhooks"
    assert api.get(path).status_code == 403
    assert api.post(path, {"url": "http://127.0.0.1:9/", "events": EVENTS}).status_code == 403
    assert api.delete(f"{path}/{endpoint.id}").status_code == 403
    assert snapshot() == before
    assert Api(client).get(path).status_code == 401
