"""Champions: named and removed only by the company's admins (or a site admin), among the
peers who answered its questions; a badge on their answers for that company; the company's
page lists them; through the page and the API."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.accounts import deletion
from app.answers import services as answers
from app.errors import NotFound, PermissionDenied, ValidationError
from app.extensions import db
from app.moderation.models import AuditEntry
from app.questions.models import Question
from app.reputation import champions
from app.reputation.models import Champion
from tests.api.helpers import Api, save
from tests.checks import snapshot
from tests.conftest import login_as
from tests.factories import (
    PASSWORD,
    make_answer,
    make_company,
    make_question,
    make_staff,
    make_user,
)


class World:
    def __init__(self) -> None:
        self.acme = make_company("Acme", domain="acme.example")
        self.admin = make_user("acmeadmin")
        self.agent = make_user("agent")
        make_staff(self.acme, self.admin, role="admin")
        make_staff(self.acme, self.agent, role="agent")
        self.peer = make_user("peer", display_name="Pat")
        self.stranger = make_user("stranger")
        self.question = make_question(self.acme, title="The widget beeps all night")
        self.answer = make_answer(self.question, author=self.peer, body="Take the battery out.")
        self.official = make_answer(self.question, author=self.agent, is_official=True)
        self.nimbus = make_company("Nimbus", domain="nimbus.example")
        self.elsewhere = make_answer(make_question(self.nimbus), author=self.peer)
        db.session.commit()


@pytest.fixture
def w() -> World:
    return World()


def _names(company) -> list[str]:  # noqa: ANN001
    return list(
        db.session.scalars(sa.select(Champion.user_id).where(Champion.company_id == company.id))
    )


# The service ---------------------------------------------------------------------------


def test_a_company_admin_names_a_peer_who_answered_and_removes_them(w):
    champion = champions.name_champion(w.admin, w.acme, w.peer)
    champions.name_champion(w.admin, w.acme, w.peer)  # again: nothing changes

    assert champion.user_id == w.peer.id and champion.named_by_id == w.admin.id
    assert _names(w.acme) == [w.peer.id]
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["champion.named"]

    assert champions.remove_champion(w.admin, w.acme, w.peer) is True
    assert champions.remove_champion(w.admin, w.acme, w.peer) is False
    assert _names(w.acme) == []


@pytest.mark.parametrize("who", ["agent", "peer", "stranger"])
def test_only_the_companys_admins_name_champions(w, who):
    before = snapshot()

    with pytest.raises(PermissionDenied):
        champions.name_champion(getattr(w, who), w.acme, w.peer)

    db.session.rollback()
    assert snapshot() == before


def test_a_site_admin_names_champions_of_a_claimed_company_only(w):
    keeper = make_user("keeper", is_admin=True)

    champions.name_champion(keeper, w.acme, w.peer)
    with pytest.raises(PermissionDenied):
        champions.name_champion(keeper, w.nimbus, w.peer)  # unclaimed: nobody speaks for it


def test_a_champion_must_have_answered_the_companys_questions_as_a_peer(w):
    before = snapshot()

    with pytest.raises(ValidationError) as not_peer:
        champions.name_champion(w.admin, w.acme, w.stranger)
    with pytest.raises(ValidationError) as staff:
        champions.name_champion(w.admin, w.acme, w.agent)

    assert not_peer.value.fields == {
        "username": "@stranger has not answered a question about Acme yet: champions are the "
        "customers who answer others."
    }
    assert staff.value.fields["username"].startswith("@agent is on Acme's staff")
    db.session.rollback()
    assert snapshot() == before


def test_a_hidden_answer_makes_nobody_a_peer(w):
    from app.moderation import hiding

    hiding.hide_post(make_user("mod", is_admin=True), w.answer, reason="Spam.")

    with pytest.raises(ValidationError):
        champions.name_champion(w.admin, w.acme, w.peer)


def test_a_former_member_is_nobody_to_name(w):
    deletion.delete_account(w.peer, PASSWORD)

    with pytest.raises(NotFound):
        champions.name_champion(w.admin, w.acme, db.session.get(type(w.peer), w.peer.id))


def test_a_company_has_at_most_so_many_champions(w, monkeypatch):
    monkeypatch.setattr(champions, "MAX_CHAMPIONS", 1)
    other = make_user("other")
    make_answer(w.question, author=other)
    db.session.commit()
    champions.name_champion(w.admin, w.acme, w.peer)

    with pytest.raises(ValidationError) as refused:
        champions.name_champion(w.admin, w.acme, other)

    assert "Acme has 1 champions, the most" in refused.value.fields["username"]


def test_naming_a_champion_moves_the_pages_they_answered(w):
    version = w.question.page_version

    champions.name_champion(w.admin, w.acme, w.peer)

    assert db.session.get(Question, w.question.id).page_version == version + 1


# The pages ----------------------------------------------------------------------------


def test_the_answer_card_carries_the_badge_for_that_company_only(client, w):
    champions.name_champion(w.admin, w.acme, w.peer)

    page = client.get(f"/questions/{w.question.id}/{w.question.slug}").get_data(as_text=True)
    elsewhere = client.get(f"/answers/{w.elsewhere.id}", follow_redirects=True).get_data(
        as_text=True
    )

    assert page.count("Acme champion</span>") == 1  # the peer's answer, not the official one
    assert "champion</span>" not in elsewhere


def test_the_company_page_lists_its_champions(client, w, count_queries):
    url = "/companies/acme"
    admin, acme, peer = w.admin, w.acme, w.peer
    db.session.expunge_all()
    with count_queries() as without:
        assert "has not named champions yet" in client.get(url).get_data(as_text=True)
    champions.name_champion(db.session.merge(admin), db.session.merge(acme), db.session.merge(peer))
    db.session.expunge_all()

    with count_queries() as named:
        page = client.get(url).get_data(as_text=True)

    assert 'href="/users/peer"' in page.split('id="champions-heading"')[1]
    assert len(named) == len(without)  # read with the company, in the same SELECT


def test_an_admin_names_a_champion_on_the_page(client, w):
    answers.vote_helpful(make_user("voter"), w.answer)  # 10 points at Acme: a candidate
    login_as(client, w.admin)

    shown = client.get("/companies/acme/champions").get_data(as_text=True)
    named = client.post("/companies/acme/champions", data={"username": " @Peer "})

    assert "Who helped Acme" in shown and "Name Pat (@peer) a champion" in shown
    assert named.status_code == 303
    assert _names(w.acme) == [w.peer.id]
    page = client.get("/companies/acme/champions").get_data(as_text=True)
    assert "Pat (@peer) is a champion of Acme." in page
    assert "Remove Pat (@peer) as a champion" in page


def test_a_bad_username_is_refused_at_the_field_and_kept(client, w):
    login_as(client, w.admin)

    unknown = client.post("/companies/acme/champions", data={"username": "nobody"})
    not_peer = client.post("/companies/acme/champions", data={"username": "stranger"})

    assert unknown.status_code == 422
    assert "There is nobody called @nobody on Helpsquare." in unknown.get_data(as_text=True)
    assert 'value="nobody"' in unknown.get_data(as_text=True)
    assert not_peer.status_code == 422
    assert "has not answered a question about Acme" in not_peer.get_data(as_text=True)
    assert _names(w.acme) == []


def test_an_admin_removes_a_champion_on_the_page(client, w):
    champions.name_champion(w.admin, w.acme, w.peer)
    login_as(client, w.admin)

    removed = client.post("/companies/acme/champions/peer/remove")

    assert removed.status_code == 303
    assert _names(w.acme) == []


def test_the_champions_page_form_needs_its_csrf_token(app, client, w, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    login_as(client, w.admin)

    named = client.post("/companies/acme/champions", data={"username": "peer"})
    removed = client.post("/companies/acme/champions/peer/remove")

    assert (named.status_code, removed.status_code) == (400, 400)
    assert _names(w.acme) == []


def test_anybody_reads_the_champions_but_only_admins_see_the_form(client, w):
    champions.name_champion(w.admin, w.acme, w.peer)

    page = client.get("/companies/acme/champions").get_data(as_text=True)

    assert 'href="/users/peer"' in page
    assert "Name a champion" not in page and "Remove" not in page


# The API ------------------------------------------------------------------------------


def test_the_api_names_lists_and_removes_champions(client, w):
    admin, reader = Api(client, w.admin), Api(client)
    save()

    named = admin.put("/companies/acme/champions/peer")
    again = admin.put("/companies/acme/champions/peer")
    listed = reader.get("/companies/acme/champions")
    answers_listed = reader.get(f"/questions/{w.question.id}/answers")
    removed = admin.delete("/companies/acme/champions/peer")

    assert named.status_code == again.status_code == 200
    body = named.get_json()
    assert body["user"]["username"] == "peer" and body["user"]["reputation"] == 0
    assert body["url"] == "http://helpsquare.test/companies/acme/champions"
    assert [item["user"]["username"] for item in listed.get_json()["items"]] == ["peer"]
    by_champion = {a["id"]: a["by_champion"] for a in answers_listed.get_json()["items"]}
    assert by_champion == {w.answer.id: True, w.official.id: False}
    assert removed.status_code == 204
    assert reader.get("/companies/acme/champions").get_json()["items"] == []


def test_the_api_refuses_whoever_is_not_the_companys_admin(client, w):
    as_agent, as_nobody, as_admin = Api(client, w.agent), Api(client), Api(client, w.admin)
    save()
    before = snapshot()

    agent = as_agent.put("/companies/acme/champions/peer")
    anonymous = as_nobody.put("/companies/acme/champions/peer")
    unclaimed = as_admin.put("/companies/nimbus/champions/peer")

    assert (agent.status_code, anonymous.status_code, unclaimed.status_code) == (403, 401, 403)
    assert snapshot() == before


def test_the_api_says_404_for_nobody_and_422_for_a_non_peer(client, w):
    admin = Api(client, w.admin)
    save()

    nobody = admin.put("/companies/acme/champions/nobody")
    stranger = admin.put("/companies/acme/champions/stranger")

    assert nobody.status_code == 404
    assert stranger.status_code == 422
    assert "username" in stranger.get_json()["error"]["fields"]


def test_an_answer_through_the_api_says_whether_a_champion_wrote_it(client, w):
    champions.name_champion(w.admin, w.acme, w.peer)
    voter = Api(client, make_user("voter"))
    save()

    voted = voter.post(f"/answers/{w.answer.id}/helpful")
    elsewhere = voter.post(f"/answers/{w.elsewhere.id}/helpful")

    assert voted.get_json()["by_champion"] is True
    assert voted.get_json()["author"]["reputation"] == 10
    assert elsewhere.get_json()["by_champion"] is False


def test_a_vote_through_the_page_shows_the_new_points(client, w):
    login_as(client, make_user("voter"))

    client.post(f"/answers/{w.answer.id}/helpful", data={"action": "add"})
    page = client.get(f"/questions/{w.question.id}/{w.question.slug}").get_data(as_text=True)

    assert '<span class="reputation">10 points</span>' in page


def test_deleting_ones_account_ends_being_a_champion(client, w):
    champions.name_champion(w.admin, w.acme, w.peer)

    deletion.delete_account(w.peer, PASSWORD)

    assert _names(w.acme) == []
    page = client.get(f"/questions/{w.question.id}/{w.question.slug}").get_data(as_text=True)
    assert "champion</span>" not in page


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_question_page_shows_points_and_badges_in_the_same_statements(
    client, w, count_queries, signed_in
):
    url = f"/questions/{w.question.id}/{w.question.slug}"
    admin, acme, peer = w.admin, w.acme, w.peer
    if signed_in:
        login_as(client, make_user("reader"))

    def statements() -> int:
        db.session.commit()
        db.session.expunge_all()
        with count_queries() as recorded:
            page = client.get(url).get_data(as_text=True)
        assert '<span class="reputation">' in page
        return len(recorded)

    before = statements()
    champions.name_champion(db.session.merge(admin), db.session.merge(acme), db.session.merge(peer))

    # Signed in on a claimed company: the reader, their marks and their staff roles too.
    assert statements() == before == (6 if signed_in else 3)
