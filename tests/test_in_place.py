"""Actions answered in place (issue 13, app/in_place.py): the same POSTs answer JSON when
the page's script asks for it, with what the page changes; refusals answer JSON errors.
Without the script's ``Accept`` they answer as they always did (a flash and a 303)."""

from __future__ import annotations

import html
import re

import pytest

from app.answers.models import Answer, HelpfulVote
from app.extensions import db
from app.notifications.models import Follow
from app.questions.models import Kind, MeToo
from tests.conftest import login_as
from tests.factories import make_answer, make_company, make_question, make_staff, make_user
from tests.notifications.helpers import answered, notifications_of, unread_counter
from tests.questions.helpers import count, text

JSON = {"Accept": "application/json"}


@pytest.fixture
def scene():
    company = make_company("Acme")
    question = make_question(company, author=make_user("asker"), slug="q", kind=Kind.PROBLEM)
    answer = make_answer(question, author=make_user("helper"))
    return question, answer


def _json(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "Accept" in response.headers["Vary"]
    return response.get_json()


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "private, no-store"
    error = response.get_json()["error"]
    assert error["status"] == status and error["message"] and error["title"]
    return error


def _shown(page: str, css_class: str) -> str:
    """The text of the first element with ``css_class`` on a page, as a reader sees it."""
    match = re.search(rf'class="[^"]*\b{css_class}\b[^"]*">(.*?)</span>', page, flags=re.S)
    assert match, css_class
    return html.unescape(re.sub(r"\s+", " ", match.group(1))).strip()


# Helpful, me too, follow ------------------------------------------------------------------


def test_helpful_answers_the_pressed_state_and_the_page_s_count(client, scene):
    question, answer = scene
    voter = make_user("voter")
    db.session.commit()
    login_as(client, voter)

    reply = _json(
        client.post(f"/answers/{answer.id}/helpful", data={"action": "add"}, headers=JSON)
    )

    assert reply["pressed"] is True and reply["action"] == "remove"
    assert reply["count"] == 1 and reply["label"] == "Helpful"
    assert reply["message"] == "Thanks for saying this answer helped."
    assert count(HelpfulVote) == 1
    # The count's sentence is the page's own, word for word.
    page = text(client.get(f"/questions/{question.id}/q"))
    assert reply["count_text"] == _shown(page, "helpful-count") == "1 found this helpful"
    assert 'aria-pressed="true">Helpful</button>' in page
    # Nothing was flashed for a page that was never shown.
    assert "Thanks for saying" not in page

    again = _json(
        client.post(f"/answers/{answer.id}/helpful", data={"action": "remove"}, headers=JSON)
    )
    assert again["pressed"] is False and again["action"] == "add" and again["count"] == 0
    assert again["count_text"] == "0 found this helpful"


def test_without_the_script_the_action_still_redirects_and_flashes(client, scene):
    question, answer = scene
    db.session.commit()
    login_as(client, make_user("voter"))

    response = client.post(f"/answers/{answer.id}/helpful", data={"action": "add"})

    assert response.status_code == 303
    assert response.location.startswith(f"/questions/{question.id}/q")
    assert "Accept" in response.headers["Vary"]
    assert "Thanks for saying this answer helped." in text(client.get(response.location))


def test_me_too_answers_the_count_sentence_of_the_question_s_kind(client, scene):
    question, _ = scene
    db.session.commit()
    login_as(client, make_user("affected"))

    reply = _json(
        client.post(f"/questions/{question.id}/me-too", data={"action": "add"}, headers=JSON)
    )

    assert reply["pressed"] is True and reply["count"] == 1 and reply["label"] == "Me too"
    page = text(client.get(f"/questions/{question.id}/q"))
    assert reply["count_text"] == _shown(page, "me-too-count") == "1 person has this problem"
    assert count(MeToo) == 1


def test_follow_answers_the_new_label(client, scene):
    question, _ = scene
    db.session.commit()
    follower = make_user("follower")
    db.session.commit()
    login_as(client, follower)

    reply = _json(
        client.post(f"/questions/{question.id}/follow", data={"action": "add"}, headers=JSON)
    )

    assert reply == {
        "following": True,
        "action": "remove",
        "label": "Unfollow this problem",
        "message": "You follow this problem now: new activity shows under Notifications.",
        "category": "success",
    }
    assert "Unfollow this problem</button>" in text(client.get(f"/questions/{question.id}/q"))
    off = _json(
        client.post(f"/questions/{question.id}/follow", data={"action": "remove"}, headers=JSON)
    )
    assert off["following"] is False and off["label"] == "Follow this problem"
    assert count(Follow) == 0


# Endorse and the best answer --------------------------------------------------------------


def test_endorse_answers_the_badge(client, scene):
    question, answer = scene
    agent = make_staff(question.company).user
    db.session.commit()
    login_as(client, agent)

    reply = _json(
        client.post(f"/answers/{answer.id}/endorse", data={"action": "add"}, headers=JSON)
    )

    assert reply["pressed"] is True and reply["label"] == "Endorse for Acme"
    assert reply["endorsed"] == {"shown": True, "text": "Acme endorsed"}
    page = text(client.get(f"/questions/{question.id}/q"))
    assert "Acme endorsed</span>" in page
    db.session.refresh(answer)
    assert answer.is_endorsed

    off = _json(
        client.post(f"/answers/{answer.id}/endorse", data={"action": "remove"}, headers=JSON)
    )
    assert off["pressed"] is False and off["endorsed"]["shown"] is False


def test_best_answer_answers_which_answer_holds_the_badge(client, scene):
    question, answer = scene
    db.session.commit()
    login_as(client, question.author)

    reply = _json(
        client.post(
            f"/questions/{question.id}/best-answer", data={"answer_id": answer.id}, headers=JSON
        )
    )

    assert reply["best_answer_id"] == answer.id
    assert reply["badge_text"] == "Best answer"
    assert reply["unmark_label"] == "Unmark best answer"
    assert reply["choose_label"] == "Choose as best answer"
    assert reply["answered"] == {"shown": True, "text": "Answered"}
    cleared = _json(
        client.post(f"/questions/{question.id}/best-answer", data={"action": "clear"}, headers=JSON)
    )
    assert cleared["best_answer_id"] is None
    assert cleared["answered"]["shown"] is False
    db.session.refresh(question)
    assert question.best_answer_id is None


# Refusals -------------------------------------------------------------------------------


def test_a_refusal_answers_403_in_json_and_changes_nothing(client, scene):
    question, answer = scene
    db.session.commit()
    login_as(client, answer.author)  # nobody votes their own answer helpful

    error = _error(
        client.post(f"/answers/{answer.id}/helpful", data={"action": "add"}, headers=JSON), 403
    )

    assert error["code"] == "forbidden"
    assert count(HelpfulVote) == 0
    db.session.refresh(answer)
    assert answer.helpful_count == 0


def test_a_customer_cannot_endorse_403_in_json(client, scene):
    question, answer = scene
    make_staff(question.company)
    db.session.commit()
    login_as(client, make_user("customer"))

    _error(client.post(f"/answers/{answer.id}/endorse", data={"action": "add"}, headers=JSON), 403)

    db.session.refresh(answer)
    assert not answer.is_endorsed


def test_a_locked_question_refuses_me_too_in_json_with_its_message(client, scene):
    question, _ = scene
    question.locked = True
    question.lock_reason = "Settled."
    db.session.commit()
    login_as(client, make_user("late"))

    response = client.post(f"/questions/{question.id}/me-too", data={"action": "add"}, headers=JSON)

    error = _error(response, response.status_code)
    assert response.status_code in (403, 409)
    assert count(MeToo) == 0
    assert "<" not in error["message"]


def test_signed_out_answers_401_in_json_not_a_redirect(client, scene):
    question, answer = scene
    db.session.commit()

    for url, data in [
        (f"/answers/{answer.id}/helpful", {"action": "add"}),
        (f"/questions/{question.id}/me-too", {"action": "add"}),
        (f"/questions/{question.id}/follow", {"action": "add"}),
        (f"/answers/{answer.id}/endorse", {"action": "add"}),
        (f"/questions/{question.id}/best-answer", {"answer_id": answer.id}),
        ("/notifications/1/read", {}),
    ]:
        error = _error(client.post(url, data=data, headers=JSON), 401)
        assert error["code"] == "sign_in"
        assert error["message"] == "Please sign in to do that."
        assert error["sign_in_url"] == "/sign-in"
    assert count(HelpfulVote) == count(MeToo) == count(Follow) == 0


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def test_a_missing_csrf_token_answers_400_in_json(client, csrf_on, scene):
    question, answer = scene
    db.session.commit()
    login_as(client, make_user("voter"))
    page = text(client.get(f"/questions/{question.id}/q"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    error = _error(
        client.post(f"/answers/{answer.id}/helpful", data={"action": "add"}, headers=JSON), 400
    )

    assert error["code"] == "csrf"
    assert "Reload the page" in error["message"]
    assert count(HelpfulVote) == 0
    # The token in the X-CSRFToken header, as the script sends it, is accepted.
    reply = _json(
        client.post(
            f"/answers/{answer.id}/helpful",
            data={"action": "add"},
            headers={**JSON, "X-CSRFToken": token},
        )
    )
    assert reply["pressed"] is True and count(HelpfulVote) == 1


def test_a_refusal_speaks_danish(client, scene):
    question, answer = scene
    db.session.commit()

    error = _error(
        client.post(
            f"/answers/{answer.id}/helpful",
            data={"action": "add"},
            headers={**JSON, "Accept-Language": "da"},
        ),
        401,
    )

    assert error["message"] == "Log ind for at gøre det."


# Mark read -------------------------------------------------------------------------------


def test_mark_read_answers_the_bell(client):
    alice = make_user("alice")
    answered(alice, 2)
    first, _second = notifications_of(alice)
    login_as(client, alice)

    reply = _json(client.post(f"/notifications/{first.id}/read", headers=JSON))

    assert reply["read"] is True and reply["message"] == "Marked as read."
    assert reply["bell"] == {"count": 1, "label": "Notifications, 1 unread"}
    assert unread_counter(alice) == 1
    again = _json(client.post(f"/notifications/{first.id}/read", headers=JSON))
    assert again["bell"]["count"] == 1 and again["category"] == "info"


def test_someone_else_s_notification_is_not_found_in_json(client):
    alice, mallory = make_user("alice"), make_user("mallory")
    answered(alice, 1)
    (mine,) = notifications_of(alice)
    login_as(client, mallory)

    _error(client.post(f"/notifications/{mine.id}/read", headers=JSON), 404)

    assert unread_counter(alice) == 1


def test_a_browser_s_own_navigation_still_gets_pages(client, scene):
    """A browser's usual Accept prefers HTML: the answer stays the redirect."""
    question, answer = scene
    db.session.commit()
    login_as(client, make_user("voter"))
    browser = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}

    response = client.post(f"/answers/{answer.id}/helpful", data={"action": "add"}, headers=browser)

    assert response.status_code == 303
    assert count(Answer) == 1
