"""Webhook pages in Danish (``Accept-Language: da``). The delivery log's sentences are
stored in English (a sender has no reader, and the API reports them as written) and shown
in the reader's language; a refused address is explained in Danish at its field."""

from __future__ import annotations

import html
import re

import pytest

from app.extensions import db
from app.webhooks import delivery
from app.webhooks.models import WebhookDelivery
from tests.conftest import login_as
from tests.servers import http_receiver
from tests.webhooks.helpers import add_endpoint, deliveries, make_shop

DANISH = {"Accept-Language": "da"}


@pytest.fixture
def shop():
    return make_shop()


def _page(response) -> str:  # noqa: ANN001 - a test response
    return html.unescape(response.get_data(as_text=True))


def test_the_webhooks_page_speaks_danish(client, shop, allow_private):
    add_endpoint(shop, "http://127.0.0.1:9/hooks")
    db.session.commit()
    login_as(client, shop.boss)

    page = _page(client.get("/companies/acme/webhooks", headers=DANISH))

    assert '<html lang="da"' in page
    for words in (
        "Helpsquare sender hændelser fra Acme til jeres HTTPS-endpoints",
        "Aktiv",
        "Leveringslog",
        "Tilføj et endpoint",
        "Hændelser, der skal sendes",
        "Et spørgsmål bliver stillet (",
        "Et spørgsmåls status ændres (",
        "Tilføj endpoint",
    ):
        assert words in page
    assert "question.created" in page  # the event's code, which the API uses, stays
    assert "Add an endpoint" not in page and "Delivery log" not in page


def test_a_refused_address_is_explained_in_danish_at_its_field(client, shop):
    login_as(client, shop.boss)

    response = client.post(
        "/companies/acme/webhooks",
        data={"url": "http://hooks.example.com/", "events": ["question.created"]},
        headers=DANISH,
    )

    assert response.status_code == 422
    error = re.search(r'id="url-error">(.*?)</p>', _page(response), flags=re.S)
    assert error and error.group(1) == "Adressen skal begynde med https://."


def test_the_delivery_log_stores_english_and_shows_danish(client, shop, allow_private):
    endpoint = add_endpoint(shop, "http://127.0.0.1:9/hooks")
    sentences = [
        "The endpoint answered 500.",
        "Not sent: example.org resolves to 10.0.0.1, which is not a public address: "
        "Helpsquare only sends to addresses on the public internet.",
        "Not sent: its post was hidden or deleted before it went out.",
        "ConnectError: [Errno 111] Connection refused",
    ]
    for n, sentence in enumerate(sentences):
        db.session.add(
            WebhookDelivery(
                endpoint_id=endpoint.id,
                event_type="answer.created",
                message_id=f"msg_{n}",
                payload="{}",
                state="pending" if n != 2 else "withheld",
                last_error=sentence,
            )
        )
    db.session.commit()
    login_as(client, shop.boss)

    danish = _page(client.get(f"/companies/acme/webhooks/{endpoint.id}", headers=DANISH))
    english = _page(client.get(f"/companies/acme/webhooks/{endpoint.id}"))

    assert '<html lang="da"' in danish
    assert "Endpointet svarede 500." in danish
    assert (
        "Ikke sendt: example.org peger på 10.0.0.1, som ikke er en offentlig adresse: "
        "Helpsquare sender kun til adresser på det offentlige internet."
    ) in danish
    assert "Ikke sendt: indlægget blev skjult eller slettet, før det blev sendt." in danish
    assert "ConnectError: [Errno 111] Connection refused" in danish  # the library's words
    assert "<td>tilbageholdt<br>" in danish and "<td>venter<br>" in danish
    assert "Send testhændelse" in danish and "Leveringer gemmes i 30 dage." in danish
    for sentence in sentences:
        assert sentence in english


def test_a_sentence_written_after_a_danish_request_is_stored_in_english(app):
    with app.test_request_context(headers=DANISH):
        from app.i18n import current_language

        assert current_language() == "da"
        stored = delivery._english(delivery.ANSWERED, status=502)
        assert stored == "The endpoint answered 502."
        assert delivery.shown(stored) == "Endpointet svarede 502."


def test_a_delivery_after_a_danish_request_is_logged_in_english(client, shop, allow_private):
    with http_receiver(status=500) as receiver:
        endpoint = add_endpoint(shop, receiver.url())
        login_as(client, shop.asker)
        response = client.post(
            "/companies/acme/ask",
            data={"title": "Hvor er min pakke i dag?", "body": "Den kom ikke.", "kind": "question"},
            headers=DANISH,
        )
        assert response.status_code == 303
    (sent,) = deliveries(endpoint.id)
    assert sent.last_error == "The endpoint answered 500."
