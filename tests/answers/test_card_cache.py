"""The answer cards kept rendered (app/answers/cards.py, issue 19): every change a card shows
reaches every kind of viewer on the next view, a kept card never carries another viewer's
controls nor a hidden answer's notice to someone who may not see it, and no CSRF token is
kept in the shared store."""

from __future__ import annotations

import re
from functools import partial
from typing import Any

import pytest

from app.answers import services as answer_services
from app.answers.cards import CSRF_MARKER
from app.comments import services as comment_services
from app.extensions import db
from app.moderation import hiding
from tests.conftest import login_as
from tests.questions import kept_page
from tests.questions.helpers import text
from tests.questions.kept_page import Thread

# The cache on, and empty before and after each test (the suite turns it off).
pytestmark = pytest.mark.usefixtures("page_cache_on")


@pytest.fixture
def thread() -> Thread:
    return kept_page.make_thread()


def cards(app, t: Thread, kind: str, *, cached: bool = True, language: str = "en") -> str:
    """The page's answers as the viewer sees them."""
    response = kept_page.open_page(app, t, kind, cached=cached, language=language)
    assert response.status_code == 200
    page = text(response)
    start, end = (
        page.find('<ol class="answers">'),
        page.find("</ol>", page.find('<ol class="answers">')),
    )
    section = page[start:end] if start >= 0 else ""
    return kept_page.blank_tokens(section)


def assert_fresh(app, t: Thread) -> dict[str, str]:
    """Every kind of viewer gets, through the cache, what a render without it gives."""
    return kept_page.assert_kept_equals_fresh(partial(cards, app, t), kept_page.VIEWERS)


def _hide(t: Thread) -> None:
    hiding.hide_post(t.moderator, t.answer, reason="Spam link.")


def _comment(t: Thread) -> None:
    comment_services.post_comment(t.reader, t.answer, body="Which version, exactly?")


def _image(t: Thread) -> None:
    kept_page.add_image(t.peer, t.question, t.answer)


def _points(t: Thread) -> None:
    t.peer.reputation += 25  # earned on another question: nothing of this page moved


# (what was done before, the change)
CHANGES: dict[str, tuple[Any, Any]] = {
    "helpful vote": (None, lambda t: answer_services.vote_helpful(t.reader, t.answer)),
    "helpful vote withdrawn": (
        lambda t: answer_services.vote_helpful(t.reader, t.answer),
        lambda t: answer_services.withdraw_helpful(t.reader, t.answer),
    ),
    "best answer": (
        None,
        lambda t: answer_services.choose_best_answer(t.asker, t.question, t.answer),
    ),
    "best answer cleared": (
        lambda t: answer_services.choose_best_answer(t.asker, t.question, t.answer),
        lambda t: answer_services.clear_best_answer(t.asker, t.question),
    ),
    "endorsed": (None, lambda t: answer_services.endorse_answer(t.agent, t.answer)),
    "edited": (
        None,
        lambda t: answer_services.edit_answer(t.peer, t.answer, body="Reinstall the app."),
    ),
    "hidden": (None, _hide),
    "restored": (_hide, lambda t: hiding.restore_post(t.moderator, t.answer)),
    "comment posted": (None, _comment),
    "comment hidden": (
        _comment,
        lambda t: comment_services.hide_comment(t.moderator, _the_comment(t), reason="Rude."),
    ),
    "author's points": (None, _points),
    "image": (None, _image),
}


def _the_comment(t: Thread) -> Any:
    from app.comments.models import Comment

    return db.session.query(Comment).filter_by(answer_id=t.answer.id).one()


@pytest.mark.parametrize("change", list(CHANGES))
def test_every_change_to_a_card_shows_to_every_viewer_on_the_next_view(app, thread, change):
    read = partial(cards, app, thread)
    kept_page.assert_change_shows(read, kept_page.VIEWERS, *CHANGES[change], thread)


def test_points_and_images_show_through_the_cache(app, thread):
    assert_fresh(app, thread)
    _points(thread)
    _image(thread)
    db.session.commit()

    page = cards(app, thread, "reader")
    assert "25 points" in page
    assert re.search(r'<img src="/images/[^"]+"', page)


def test_a_kept_card_speaks_the_viewers_language(app, thread):
    kept_page.assert_kept_per_language(partial(cards, app, thread), "found this helpful")


def test_a_hidden_answers_notice_never_reaches_a_viewer_who_may_not_see_it(app, thread):
    _hide(thread)
    db.session.commit()
    # Those who may see it fill the cache first.
    for kind in ("moderator", "author"):
        page = cards(app, thread, kind)
        assert "Spam link." in page and "Sign out and in again." in page

    for kind in ("signed out", "reader", "asker", "staff"):
        page = cards(app, thread, kind)
        assert "Spam link." not in page, kind
        assert "Sign out and in again." not in page, kind
        assert f'id="answer-{thread.answer.id}"' not in page, kind

    hiding.restore_post(thread.moderator, thread.answer)
    db.session.commit()
    for kind in kept_page.VIEWERS:
        page = cards(app, thread, kind)
        assert "Sign out and in again." in page and "Spam link." not in page, kind


def test_no_viewer_gets_another_viewers_controls(app, thread):
    answer_services.vote_helpful(thread.reader, thread.answer)
    db.session.commit()
    for _ in range(2):
        seen = assert_fresh(app, thread)

    edit = f'href="/answers/{thread.answer.id}/edit"'
    hide = f'action="/answers/{thread.answer.id}/hide"'
    assert edit in seen["author"] and edit in seen["moderator"]
    assert edit not in seen["reader"] and edit not in seen["signed out"]
    assert hide in seen["moderator"] and hide not in seen["staff"]
    assert 'aria-pressed="true"' in seen["reader"]
    assert 'aria-pressed="true"' not in seen["signed out"]
    assert "csrf_token" not in seen["signed out"]
    assert (
        "Choose as best answer" in seen["asker"] and "Choose as best answer" not in seen["reader"]
    )


def test_no_csrf_token_is_kept_in_the_store(app, thread):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = login_as(app.test_client(), thread.moderator)
        page = client.get(f"/questions/{thread.question.id}/{thread.question.slug}").get_data(
            as_text=True
        )
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    tokens = set(re.findall(r'name="csrf_token" value="([^"]+)"', page))
    assert tokens and CSRF_MARKER not in page

    kept = kept_page.kept_values(app)
    assert kept
    for token in tokens:
        assert not any(token in str(value) for value in kept)
    assert any(CSRF_MARKER in str(value) for value in kept)


def test_each_viewer_posts_with_their_own_token_from_a_kept_page(app, thread):
    """The kept forms (the answer form, each card's buttons) carry the viewer's own CSRF
    token: one filled the store, another posts with what their page gave them."""
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        first = login_as(app.test_client(), thread.asker)
        address = f"/questions/{thread.question.id}/{thread.question.slug}"
        first.get(address)
        second = login_as(app.test_client(), thread.reader)
        page = second.get(address).get_data(as_text=True)
        form = re.search(r'action="/questions/\d+/answers".*?</form>', page, re.S).group(0)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
        vote = re.search(
            rf'action="/answers/{thread.answer.id}/helpful".*?value="([^"]+)"', page, re.S
        ).group(1)

        posted = second.post(
            f"/questions/{thread.question.id}/answers", data={"body": "Mine.", "csrf_token": token}
        )
        voted = second.post(
            f"/answers/{thread.answer.id}/helpful", data={"action": "add", "csrf_token": vote}
        )
    finally:
        app.config["WTF_CSRF_ENABLED"] = False

    assert posted.status_code == 303
    assert voted.status_code == 303
