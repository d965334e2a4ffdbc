"""Flags through the pages: the "Report" control on every post, the report page (no
JavaScript needed, CSRF, field messages that keep what was typed), and the moderators'
review queue with its header count."""

from __future__ import annotations

import re

import pytest

from app.answers.models import Answer
from app.extensions import db
from app.moderation import flags
from app.moderation.flag_models import FlagStatus
from tests.checks import snapshot
from tests.claims.helpers import text
from tests.conftest import login_as
from tests.factories import make_answer, make_company, make_question, make_user
from tests.moderation.helpers import flagged_of

THANKS = "Thanks — a moderator will look at it"


@pytest.fixture
def world():
    acme = make_company("Acme")
    asker = make_user("asker")
    question = make_question(acme, author=asker, title="Why does it beep?")
    author = make_user("spammer")
    answer = make_answer(question, author=author, body="Buy cheap watches today")
    reader = make_user("reader")
    moderator = make_user("mod", is_moderator=True)
    db.session.commit()
    return type("World", (), dict(locals()))


def _page(client, question) -> str:
    return text(client.get(f"/questions/{question.id}/{question.slug}"))


# The control --------------------------------------------------------------------------------


def test_anonymous_readers_report_through_sign_in_and_back_to_the_report_page(client, world):
    page = _page(client, world.question)

    assert f'href="/answers/{world.answer.id}/flag">Report' in page
    assert "(sign in first)" in page
    response = client.get(f"/answers/{world.answer.id}/flag")
    assert response.status_code in (302, 303)
    assert f"next=/answers/{world.answer.id}/flag" in response.location


def test_a_reader_sees_report_on_others_posts_and_not_on_their_own(client, world):
    login_as(client, world.author)

    page = _page(client, world.question)

    assert f'href="/questions/{world.question.id}/flag"' in page
    assert f'href="/answers/{world.answer.id}/flag"' not in page
    assert client.get(f"/answers/{world.answer.id}/flag").status_code == 403


def test_reporting_an_answer_thanks_the_reporter_and_the_control_reads_reported(client, world):
    login_as(client, world.reader)
    form = text(client.get(f"/answers/{world.answer.id}/flag"))
    assert 'type="radio"' in form and 'value="spam"' in form and "Someone's personal data" in form

    response = client.post(f"/answers/{world.answer.id}/flag", data={"reason": "spam"})

    assert response.status_code == 303
    assert response.location.endswith(f"#answer-{world.answer.id}")
    page = text(client.get(response.location))
    assert THANKS in page
    assert re.search(rf'id="answer-{world.answer.id}".*?Reported', page, re.S)
    assert f'href="/answers/{world.answer.id}/flag"' not in page
    assert flagged_of(world.answer).flag_count == 1
    # The report page now says so instead of offering the form again.
    assert "You have reported this answer" in text(client.get(f"/answers/{world.answer.id}/flag"))


def test_reporting_a_question(client, world):
    login_as(client, world.reader)

    response = client.post(
        f"/questions/{world.question.id}/flag", data={"reason": "other", "note": "Wrong forum"}
    )

    assert response.status_code == 303
    assert "Reported" in _page(client, world.question)
    assert flagged_of(world.question).flag_count == 1


def test_field_errors_keep_what_was_typed(client, world):
    login_as(client, world.reader)
    before = snapshot()

    response = client.post(
        f"/questions/{world.question.id}/flag",
        data={"reason": "duplicate", "duplicate_of": "the other one", "note": "Same as before"},
    )

    page = text(response)
    assert response.status_code == 422
    assert "Give the original question's address or its number." in page
    assert 'value="the other one"' in page and "Same as before" in page
    assert re.search(r'value="duplicate"[^>]*checked|checked[^>]*value="duplicate"', page)
    assert snapshot() == before


def test_no_reason_is_a_field_message_not_an_error_page(client, world):
    login_as(client, world.reader)

    response = client.post(f"/answers/{world.answer.id}/flag", data={})

    assert response.status_code == 422
    assert "Choose a reason" in text(response)


def test_a_second_report_is_refused_with_a_409_and_changes_nothing(client, world):
    login_as(client, world.reader)
    client.post(f"/answers/{world.answer.id}/flag", data={"reason": "spam"})
    before = snapshot()

    response = client.post(f"/answers/{world.answer.id}/flag", data={"reason": "abusive"})

    assert response.status_code == 409
    assert "You have reported this answer" in text(response)
    assert snapshot() == before


def test_the_report_form_needs_its_csrf_token(app, client, world, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    login_as(client, world.reader)
    before = snapshot()

    response = client.post(f"/answers/{world.answer.id}/flag", data={"reason": "spam"})

    assert response.status_code == 400
    assert snapshot() == before


def test_over_the_hourly_bound_the_page_says_when(client, world, app, monkeypatch):
    monkeypatch.setitem(app.config, "FLAG_LIMITS", "1 per hour")
    login_as(client, world.reader)
    client.post(f"/questions/{world.question.id}/flag", data={"reason": "off_topic"})

    response = client.post(f"/answers/{world.answer.id}/flag", data={"reason": "spam"})

    assert response.status_code == 429 and response.headers["Retry-After"]
    assert "You can flag another in an hour" in text(response)


def test_the_third_spam_report_hides_the_answer_from_the_reporter(client, world):
    for name in ("r1", "r2"):
        flags.flag_post(make_user(name), world.answer, reason="spam")
    login_as(client, world.reader)

    response = client.post(f"/answers/{world.answer.id}/flag", data={"reason": "spam"})

    assert response.status_code == 303
    page = text(client.get(response.location))
    assert THANKS in page and "Buy cheap watches" not in page


# The queue ----------------------------------------------------------------------------------


def _spam_flags(world, n=3):
    for i in range(n):
        flags.flag_post(make_user(f"flagger{i}"), world.answer, reason="spam")
    return flagged_of(world.answer)


def test_the_queue_shows_reasons_counts_the_post_and_its_authors_activity(client, world):
    flagged = _spam_flags(world, 2)
    flags.flag_post(world.reader, world.answer, reason="off_topic")
    older = make_question(world.acme, author=world.author, title="Watches for sale")
    db.session.commit()
    login_as(client, world.moderator)

    page = text(client.get("/moderation/flags"))

    assert "3 flags" in page and "Spam (2)" in page and "Off topic (1)" in page
    assert "Buy cheap watches today" in page and "@spammer" in page
    assert "Watches for sale" in page and f"/questions/{older.id}/" in page
    assert f'action="/moderation/flags/{flagged.id}"' in page
    assert "joined" in page


def test_the_header_count_is_for_moderators_only(client, world):
    _spam_flags(world, 1)
    login_as(client, world.moderator)
    assert re.search(
        r'Flags<span class="visually-hidden"> to review:</span> '
        r'<span class="bell__count flag-count">1</span>',
        _page(client, world.question),
    )

    login_as(client, world.reader)
    assert "flag-count" not in _page(client, world.question)
    assert "/moderation/flags" not in _page(client, world.question)


def test_hiding_from_the_queue_shows_the_author_the_reason(client, world):
    flagged = _spam_flags(world, 1)
    login_as(client, world.moderator)

    response = client.post(
        f"/moderation/flags/{flagged.id}",
        data={f"flag-{flagged.id}-action": "hide", f"flag-{flagged.id}-note": "Advertising."},
    )

    assert response.status_code == 303
    assert flagged_of(world.answer).status is FlagStatus.HIDDEN
    answer = db.session.get(Answer, world.answer.id)
    assert answer.hidden_reason == "Advertising."
    login_as(client, world.reader)
    assert "Buy cheap watches" not in _page(client, world.question)


def test_a_hide_without_a_reason_is_refused_at_the_field_keeping_the_page(client, world):
    flagged = _spam_flags(world, 1)
    login_as(client, world.moderator)
    before = snapshot()

    response = client.post(
        f"/moderation/flags/{flagged.id}",
        data={f"flag-{flagged.id}-action": "hide", f"flag-{flagged.id}-note": "  "},
    )

    assert response.status_code == 422
    assert "Please give a reason the author will see." in text(response)
    assert snapshot() == before


def test_dismissing_from_the_queue_restores_what_the_flags_hid(client, world):
    flagged = _spam_flags(world)
    login_as(client, world.moderator)

    response = client.post(
        f"/moderation/flags/{flagged.id}", data={f"flag-{flagged.id}-action": "dismiss"}
    )

    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Answer, world.answer.id).hidden_at is None
    assert "Nothing here." in text(client.get("/moderation/flags"))
    assert "Buy cheap watches" in text(client.get("/moderation/flags?status=dismissed"))
    # Deciding again: a sentence, nothing changed.
    before = snapshot()
    again = client.post(
        f"/moderation/flags/{flagged.id}", data={f"flag-{flagged.id}-action": "hide"}
    )
    assert again.status_code == 303 and snapshot() == before
    assert "already resolved" in text(client.get(again.location))


def test_the_queue_is_oldest_first_in_keyset_pages(client, world, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    answers = [make_answer(world.question, body=f"Answer number {n}") for n in range(5)]
    db.session.commit()
    for answer in answers:
        flags.flag_post(world.reader, answer, reason="off_topic")
    login_as(client, world.moderator)

    seen, url = [], "/moderation/flags"
    while url:
        page = text(client.get(url))
        seen += [int(n) for n in re.findall(r"Answer number (\d)", page)]
        found = re.search(r'<a rel="next" href="([^"]+)"', page)
        url = found.group(1).replace("&amp;", "&") if found else None

    assert seen == [0, 1, 2, 3, 4]


def test_readers_may_not_open_the_queue(client, world):
    login_as(client, world.reader)
    assert client.get("/moderation/flags").status_code == 403


def test_the_header_count_costs_the_question_page_no_statement(client, world, count_queries):
    _spam_flags(world, 1)
    login_as(client, world.moderator)
    url = f"/questions/{world.question.id}/{world.question.slug}"
    db.session.expunge_all()

    with count_queries() as statements:
        assert client.get(url).status_code == 200

    # user, question, answers, related, viewer marks (with reports and the header count).
    assert len(statements) == 5
    assert 'flag-count">1<' in client.get(url).get_data(as_text=True)


def test_the_queue_runs_a_fixed_number_of_statements(client, world, count_queries):
    login_as(client, world.moderator)

    def statements() -> int:
        db.session.commit()
        db.session.expunge_all()
        with count_queries() as recorded:
            assert client.get("/moderation/flags").status_code == 200
        return len(recorded)

    for n in range(2):
        flags.flag_post(make_user(f"early{n}"), make_answer(world.question), reason="spam")
    few = statements()
    for n in range(10):
        author = make_user(f"author{n}")
        make_question(world.acme, author=author)
        flags.flag_post(
            make_user(f"late{n}"), make_answer(world.question, author=author), reason="abusive"
        )
    many = statements()

    # the moderator, the header count, the page of flagged posts with their posts, question,
    # company and authors, the reasons, the authors' latest questions, their latest answers
    assert few == many == 6
