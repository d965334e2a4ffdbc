"""Moderation in Danish (``Accept-Language: da``): the review queue, a moderator's
decision and its refusal, the report page, the public moderation log (with the reasons
Helpsquare itself stored, worded for the reader), suspending, and the audit log."""

from __future__ import annotations

from app.extensions import db
from app.moderation import flags
from app.moderation.deleting import delete_post
from tests.claims.helpers import text
from tests.conftest import login_as
from tests.factories import make_user
from tests.moderation import test_flags_pages
from tests.moderation.helpers import flagged_of

DA = {"Accept-Language": "da"}
# The world of the English report and queue tests: Acme, a spam answer, a reader, a moderator.
world = test_flags_pages.world


def _danish(response) -> str:
    page = text(response)
    assert '<html lang="da"' in page
    return page


def test_the_flag_queue_speaks_danish(client, world):
    for name in ("r1", "r2", "r3"):
        flags.flag_post(make_user(name), world.answer, reason="spam")
    flags.flag_post(world.reader, world.answer, reason="off_topic")
    login_as(client, world.moderator)

    page = _danish(client.get("/moderation/flags", headers=DA))

    assert "<h1>Anmeldelser</h1>" in page
    assert ">Venter på gennemgang</a>" in page
    assert "4 anmeldelser:" in page and "Spam (3)" in page and "Uden for emnet (1)" in page
    assert "Svar på" in page and "først anmeldt" in page
    # Three spam flags hid it; the stored reason is read in the reader's language.
    assert "Skjult efter anmeldelser, indtil en moderator har set på det" in page
    assert "Afvis anmeldelserne, og vis det igen" in page
    for english in ("Waiting for review", "Dismiss the flags", "Hidden pending review"):
        assert english not in page, english


def test_a_decision_refused_and_then_taken_is_told_in_danish(client, world):
    flags.flag_post(world.reader, world.answer, reason="spam")
    flagged = flagged_of(world.answer)
    login_as(client, world.moderator)
    url = f"/moderation/flags/{flagged.id}"

    refused = client.post(url, data={f"flag-{flagged.id}-action": "hide"}, headers=DA)

    assert refused.status_code == 422
    assert "Giv en begrundelse, som forfatteren kan se." in _danish(refused)

    done = client.post(
        url,
        data={f"flag-{flagged.id}-action": "hide", f"flag-{flagged.id}-note": "Reklame."},
        headers=DA,
    )
    assert done.status_code == 303
    assert "Færdig: indlægget er skjult." in _danish(client.get(done.location, headers=DA))


def test_the_report_page_lists_danish_reasons_and_thanks_in_danish(client, world):
    login_as(client, world.reader)

    page = _danish(client.get(f"/answers/{world.answer.id}/flag", headers=DA))

    assert "<h1>Anmeld et svar</h1>" in page
    assert "Hvorfor skal en moderator se på det?" in page
    assert "Krænkende eller uhøfligt" in page and "Noget andet" in page
    missing_note = client.post(
        f"/answers/{world.answer.id}/flag", data={"reason": "other"}, headers=DA
    )
    assert "Skriv med få ord, hvad der er galt." in _danish(missing_note)

    response = client.post(f"/answers/{world.answer.id}/flag", data={"reason": "spam"}, headers=DA)

    assert response.status_code == 303
    assert "Tak – en moderator vil se på det." in text(client.get(response.location, headers=DA))


def test_the_public_moderation_log_speaks_danish(client, world):
    delete_post(world.author, world.answer)

    page = _danish(client.get("/moderation/log", headers=DA))

    assert "<h1>Moderationslog</h1>" in page
    assert '<th scope="col">Hvornår</th>' in page
    assert f">svar {world.answer.id}</a>" in page and "slettede" in page
    assert "slettet af forfatteren" in page  # stored in English, read in Danish
    english = text(client.get("/moderation/log"))
    assert "deleted by its author" in english and '<html lang="en"' in english


def test_suspending_speaks_danish(client, world):
    login_as(client, world.moderator)
    url = f"/admin/users/{world.reader.username}/suspend"

    page = _danish(client.get(url, headers=DA))
    assert "For altid" in page and "Offentlig begrundelse" in page

    refused = client.post(url, data={"days": "0", "reason": "Spam."}, headers=DA)
    assert "Brug et helt tal fra 1 til 3.650." in _danish(refused)

    response = client.post(url, data={"forever": "y", "reason": "Spam."}, headers=DA)
    assert response.status_code == 303
    profile = text(client.get(response.location, headers=DA))
    assert "er udelukket for altid. Moderatorens begrundelse: Spam." in profile


def test_the_audit_log_and_moderators_page_speak_danish(client, world):
    admin = make_user("root", is_admin=True)
    db.session.commit()
    login_as(client, admin)

    granted = client.post("/admin/moderators", data={"username": "reader"}, headers=DA)
    assert granted.status_code == 303
    moderators = _danish(client.get(granted.location, headers=DA))
    assert "er moderator nu." in moderators and "<h1>Moderatorer</h1>" in moderators

    audit = _danish(client.get("/admin/audit", headers=DA))
    assert "<h1>Revisionslog</h1>" in audit and "gav rollen som moderator" in audit
