"""The question's own part of its page kept rendered (app/questions/header.py, issue 19):
every change it shows reaches every kind of viewer on the next view, a kept piece never
carries another viewer's controls, a hidden question or private details to someone who may
not see them, and no CSRF token is kept in the shared store."""

from __future__ import annotations

import re
from functools import partial
from typing import Any

import pytest

from app.answers import services as answer_services
from app.comments import services as comment_services
from app.extensions import db
from app.moderation import flags, hiding
from app.notifications import services as notification_services
from app.page_cache import CSRF_MARKER
from app.questions import services
from app.search import index as search_index
from tests.conftest import login_as
from tests.factories import make_answer, make_question
from tests.questions import kept_page
from tests.questions.helpers import text
from tests.questions.kept_page import Thread

# The cache on, and empty before and after each test (the suite turns it off).
pytestmark = pytest.mark.usefixtures("page_cache_on")


@pytest.fixture
def thread() -> Thread:
    return kept_page.make_thread()


def head(app, t: Thread, kind: str, *, cached: bool = True, language: str = "en") -> str:
    """The question's article as the viewer sees it (tokens blanked) and what search engines
    read of the page (kept with them), or "404"."""
    response = kept_page.open_page(app, t, kind, cached=cached, language=language)
    if response.status_code == 404:
        return "404"
    assert response.status_code == 200
    page = text(response)
    start = page.find('<article class="question"')
    section = page[start : page.find("</article>", start)] if start >= 0 else ""
    data = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', page, re.S)
    return kept_page.blank_tokens(section) + (data.group(1) if data else "")


def assert_fresh(app, t: Thread) -> dict[str, str]:
    """Every kind of viewer gets, through the cache, what a render without it gives."""
    return kept_page.assert_kept_equals_fresh(partial(head, app, t), kept_page.VIEWERS)


def _hide(t: Thread) -> None:
    hiding.hide_post(t.moderator, t.question, reason="Spam link.")


def _comment(t: Thread) -> None:
    comment_services.post_comment(t.reader, t.question, body="Which version, exactly?")


def _the_comment(t: Thread) -> Any:
    from app.comments.models import Comment

    return db.session.query(Comment).filter_by(question_id=t.question.id, answer_id=None).one()


def _image(t: Thread) -> None:
    kept_page.add_image(t.asker, t.question)


def _renamed(t: Thread) -> None:
    # Changed on the asker's profile: nothing of this question moved.
    t.asker.display_name = "Ada Lovelace"
    t.asker.reputation += 25


def _company_renamed(t: Thread) -> None:
    t.question.company.name = "Acme Cloud"


# (what was done before, the change)
CHANGES: dict[str, tuple[Any, Any]] = {
    "me too": (None, lambda t: services.add_me_too(t.reader, t.question)),
    "me too withdrawn": (
        lambda t: services.add_me_too(t.reader, t.question),
        lambda t: services.remove_me_too(t.reader, t.question),
    ),
    "followed": (
        None,
        lambda t: notification_services.follow(t.reader, question=t.question),
    ),
    "reported": (None, lambda t: flags.flag_post(t.reader, t.question, reason="spam")),
    "edited": (
        None,
        lambda t: services.edit_question(t.asker, t.question, body="It stopped again today."),
    ),
    "status": (None, lambda t: services.set_status(t.agent, t.question, "solved", "4.2.1")),
    "best answer": (
        None,
        lambda t: answer_services.choose_best_answer(t.asker, t.question, t.answer),
    ),
    "hidden": (None, _hide),
    "restored": (_hide, lambda t: hiding.restore_post(t.moderator, t.question)),
    "locked": (None, lambda t: hiding.lock_question(t.moderator, t.question, reason="Settled.")),
    "comment posted": (None, _comment),
    "comment hidden": (
        _comment,
        lambda t: comment_services.hide_comment(t.moderator, _the_comment(t), reason="Rude."),
    ),
    "helpful vote": (None, lambda t: answer_services.vote_helpful(t.asker, t.answer)),
    "answer edited": (
        None,
        lambda t: answer_services.edit_answer(t.peer, t.answer, body="Reinstall the app."),
    ),
    "answerer's name": (None, lambda t: setattr(t.peer, "display_name", "Grace Hopper")),
    "asker's name and points": (None, _renamed),
    "company's name": (None, _company_renamed),
    "image": (None, _image),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_every_change_to_the_question_shows_to_every_viewer_on_the_next_view(app, thread, change):
    read = partial(head, app, thread)
    kept_page.assert_change_shows(read, kept_page.VIEWERS, *CHANGES[change], thread)


def test_what_search_engines_read_is_kept_and_fresh(app, thread):
    first = head(app, thread, "signed out")
    assert '"@type": "QAPage"' in first and "Sign out and in again." in first
    assert head(app, thread, "moderator").endswith(first[first.find("{") :])

    answer_services.vote_helpful(thread.asker, thread.answer)
    thread.peer.display_name = "Grace Hopper"
    db.session.commit()
    later = head(app, thread, "signed out")
    assert '"upvoteCount": 1' in later and "Grace Hopper" in later
    assert later == head(app, thread, "signed out", cached=False)


def test_a_kept_head_speaks_the_viewers_language(app, thread):
    kept_page.assert_kept_per_language(partial(head, app, thread), "asked by")


def test_a_hidden_question_never_reaches_a_viewer_who_may_not_see_it(app, thread):
    _hide(thread)
    db.session.commit()
    # Those who may see it fill the cache first.
    for kind in ("moderator", "asker"):
        page = head(app, thread, kind)
        assert "Spam link." in page and "Drive stops syncing" in page

    for kind in ("signed out", "reader", "author", "staff"):
        assert head(app, thread, kind) == "404", kind

    hiding.restore_post(thread.moderator, thread.question)
    db.session.commit()
    for kind in kept_page.VIEWERS:
        page = head(app, thread, kind)
        assert "Drive stops syncing" in page and "Spam link." not in page, kind


def test_no_viewer_gets_another_viewers_controls(app, thread):
    services.add_me_too(thread.reader, thread.question)
    db.session.commit()
    for _ in range(2):
        seen = assert_fresh(app, thread)

    edit = f'href="/questions/{thread.question.id}/edit"'
    delete = f'action="/questions/{thread.question.id}/delete"'
    assert "Edit question" in seen["asker"] and "Edit question" in seen["moderator"]
    assert edit not in seen["reader"] and edit not in seen["signed out"]
    assert "Change kind or product" in seen["staff"]
    assert delete in seen["asker"] and delete not in seen["reader"]
    assert 'aria-pressed="true"' in seen["reader"]
    assert 'aria-pressed="true"' not in seen["asker"]
    assert "csrf_token" not in seen["signed out"]
    assert "Sign in" not in seen["reader"] and "/sign-in?next=" in seen["signed out"]


def test_private_details_are_never_kept(app, thread):
    services.edit_question(thread.asker, thread.question, private_details="Serial 4711-SECRET")
    db.session.commit()
    for _ in range(2):
        assert "4711-SECRET" in head(app, thread, "staff")
        assert "4711-SECRET" in head(app, thread, "asker")
        assert "4711-SECRET" not in head(app, thread, "reader")
    assert_fresh(app, thread)

    kept = kept_page.kept_values(app)
    assert kept
    assert not any("4711-SECRET" in str(value) for value in kept)


def test_no_csrf_token_is_kept_in_the_store(app, thread):
    _comment(thread)
    db.session.commit()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = login_as(app.test_client(), thread.asker)
        address = f"/questions/{thread.question.id}/{thread.question.slug}"
        client.get(address)  # fills the store
        page = client.get(address).get_data(as_text=True)
        other = login_as(app.test_client(), thread.reader)
        # The reader's controls differ from the asker's: their own piece, their own token.
        other_page = other.get(address).get_data(as_text=True)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    tokens = set(re.findall(r'name="csrf_token" value="([^"]+)"', page))
    other_tokens = set(re.findall(r'name="csrf_token" value="([^"]+)"', other_page))
    assert tokens and other_tokens and not tokens & other_tokens
    assert CSRF_MARKER not in page and CSRF_MARKER not in other_page

    kept = kept_page.kept_values(app)
    assert kept
    for token in tokens | other_tokens:
        assert not any(token in str(value) for value in kept)
    assert any(CSRF_MARKER in str(value) for value in kept)


def related(app, t: Thread, kind: str, *, cached: bool = True) -> str:
    page = text(kept_page.open_page(app, t, kind, cached=cached))
    start = page.find('<h2 id="related-heading">')
    return page[start : page.find("</section>", start)] if start >= 0 else ""


def test_the_related_questions_are_kept_and_fresh(app, thread):
    other = make_question(
        thread.question.company, author=thread.reader, title="Drive stops syncing on my laptop"
    )
    for question in (thread.question, other):
        search_index.refresh_question(question.id)
    search_index.refresh_related(thread.question)
    db.session.commit()
    first = kept_page.assert_kept_equals_fresh(partial(related, app, thread), kept_page.VIEWERS)
    assert "Drive stops syncing on my laptop" in first["reader"]
    assert len(set(first.values())) == 1  # the same list for everyone

    make_answer(other, author=thread.peer, body="Update the app.")
    other.title = "Drive stops syncing on my old laptop"
    db.session.commit()
    later = kept_page.assert_kept_equals_fresh(partial(related, app, thread), kept_page.VIEWERS)
    assert "on my old laptop" in later["reader"] and later != first

    hiding.hide_post(thread.moderator, other, reason="Spam link.")
    db.session.commit()
    pages = kept_page.assert_kept_equals_fresh(partial(related, app, thread), kept_page.VIEWERS)
    for page in pages.values():
        assert "on my old laptop" not in page
