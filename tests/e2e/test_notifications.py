"""Hearing what happens: someone follows a company and a question, answers ring the
asker's bell and reach her by e-mail, a notification leads to its answer and is read,
unfollowing stops the next one, and the e-mail's unsubscribe link works without signing in.

Everything happens on a company made for the test, which no demo user follows, so the
journey changes no demo account and runs again on the same server.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e import steps
from tests.e2e.conftest import Browsing

pytestmark = pytest.mark.e2e

TITLE = "The lantern app forgets its timers when the phone restarts"
MY_QUESTIONS = "Answers to questions I asked"


def notification(page: Page, sentence: str) -> Locator:
    """One row of the notifications page, found by what it says."""
    return page.get_by_role("listitem").filter(
        has=page.get_by_role("link", name=sentence, exact=True)
    )


def test_follow_hear_read_unfollow_and_unsubscribe(browsing: Browsing) -> None:
    pia, quinn, rosa = (steps.new_username(p) for p in ("pia", "quinn", "rosa"))
    company = f"Lanternworks {pia}"
    asker_asked = f"@{pia} asked about {company}: “{TITLE}”"
    quinn_answered = f"@{quinn} answered “{TITLE}”"
    rosa_answered = f"@{rosa} answered “{TITLE}”"
    pia_answered = f"@{pia} answered “{TITLE}”"

    # Pia puts her company's page up; nothing has happened to her yet.
    asker = browsing.new_page()
    asker.goto("/")
    steps.sign_up(asker, pia)
    steps.verify_email(asker, browsing.server, pia)
    steps.add_company(asker, company, f"{pia}.example")
    steps.expect_unread(asker, 0)

    # Quinn, in his own browser, follows the company before anyone asks there.
    helper = browsing.new_page()
    helper.goto("/")
    steps.sign_up(helper, quinn)
    steps.verify_email(helper, browsing.server, quinn)
    steps.open_company(helper, company)
    steps.follow(helper, company)

    # Pia asks; she follows her own question from the start.
    steps.ask(asker, "Question", TITLE, "Every timer is gone after a restart of the phone.")
    question_url = asker.url
    expect(asker.get_by_role("button", name="Unfollow this question")).to_be_visible()

    # Quinn's bell rings; the notification leads to the question, which he follows too.
    helper.reload()
    steps.expect_unread(helper, 1)
    steps.open_notifications(helper)
    helper.get_by_role("link", name=asker_asked).click()
    expect(helper.get_by_role("heading", level=1)).to_have_text(TITLE)
    steps.follow(helper, "this question")
    steps.post_answer(helper, "Turn off battery optimisation for the app; Android kills it.")

    # Pia hears of it in the header, and by e-mail right away (her own question).
    asker.reload()
    steps.expect_unread(asker, 1)
    # (Her mailbox starts with the link that verified her address.)
    mails = steps.mails_to(browsing.server, f"{pia}@example.org")
    assert [mail["Subject"] for mail in mails] == [steps.VERIFY_SUBJECT, quinn_answered]
    answer_link, settings_link, unsubscribe_link = steps.links_in(browsing.server, mails[1])
    # The answer's own address, which leads to the page of answers that holds it.
    assert re.fullmatch(re.escape(browsing.server.url) + r"/answers/\d+", answer_link), answer_link
    assert settings_link == browsing.server.url + "/notifications/settings"
    assert mails[1]["List-Unsubscribe"] == f"<{unsubscribe_link}>"

    # Rosa answers too: both Pia and Quinn (who follows the question) hear of it.
    other = browsing.new_page()
    other.goto("/")
    steps.sign_up(other, rosa)
    steps.verify_email(other, browsing.server, rosa)
    other.goto(question_url)
    steps.post_answer(other, "Or pin the app in the recent apps list.")
    asker.reload()
    steps.expect_unread(asker, 2)
    helper.reload()
    # Rosa's answer, and the badge his own first answer earned him (issue 16); the question
    # was read when he opened his notifications (issue 13).
    steps.expect_unread(helper, 2)
    mailed = [mail["Subject"] for mail in steps.mails_to(browsing.server, f"{pia}@example.org")]
    assert mailed == [steps.VERIFY_SUBJECT, quinn_answered, rosa_answered]

    # Quinn unfollows the question: Pia's own answer after that no longer reaches him,
    # while Rosa (who follows it by answering) hears of it.
    helper.goto(question_url)
    steps.unfollow(helper, "this question")
    steps.post_answer(asker, "Thanks both: battery optimisation was it.")
    other.reload()
    steps.expect_unread(other, 2)  # Pia's answer, and Rosa's badge for her first answer
    helper.reload()
    steps.expect_unread(helper, 2)
    steps.open_notifications(helper)
    expect(helper.get_by_role("link", name=rosa_answered)).to_be_visible()
    expect(helper.get_by_role("link", name=pia_answered)).to_have_count(0)

    # Pia's browser fetches her notifications ahead (a prefetch reads nothing, issue 13);
    # the first one leads to Quinn's answer on the question.
    asker.set_extra_http_headers({"Sec-Purpose": "prefetch"})
    steps.open_notifications(asker)
    expect(asker.get_by_text("2 unread.")).to_be_visible()
    asker.get_by_role("link", name=quinn_answered).click()
    expect(asker).to_have_url(re.compile(re.escape(question_url) + r"#answer-\d+$"))
    expect(steps.answer_card(asker, quinn)).to_be_in_viewport()

    # Back on the list she marks it read: the bell counts one less.
    steps.open_notifications(asker)
    asker.set_extra_http_headers({})
    row = notification(asker, quinn_answered)
    expect(row.get_by_text("New", exact=True)).to_be_visible()
    # Its button names the notification: among many "Mark as read", a screen reader
    # user knows which one this is.
    mark_read = row.get_by_role("button", name=re.compile(r"^Mark as read"))
    expect(mark_read).to_have_accessible_name(
        re.compile(r"^Mark as read\W+" + re.escape(quinn_answered) + "$")
    )
    mark_read.click()
    expect(asker.get_by_text("Marked as read.")).to_be_visible()
    steps.expect_unread(asker, 1)
    expect(row.get_by_text("New", exact=True)).to_have_count(0)
    expect(row.get_by_role("button")).to_have_count(0)

    # Then the rest, at once.
    asker.get_by_role("button", name="Mark all as read").click()
    expect(asker.get_by_text("Marked 1 notification as read.")).to_be_visible()
    steps.expect_unread(asker, 0)
    expect(asker.get_by_text("You are all caught up.")).to_be_visible()
    expect(asker.get_by_role("button", name=re.compile("^Mark "))).to_have_count(0)
    expect(notification(asker, rosa_answered)).to_be_visible()

    # The e-mail's own link to the answer works as well.
    asker.goto(answer_link)
    expect(steps.answer_card(asker, quinn)).to_be_in_viewport()

    # Its unsubscribe link, opened where nobody is signed in, stops that kind of e-mail.
    stranger = browsing.new_page()
    stranger.goto(unsubscribe_link)
    expect(stranger.get_by_role("heading", level=1)).to_have_text("Stop these e-mails?")
    expect(stranger.get_by_role("listitem").filter(has_text=MY_QUESTIONS)).to_be_visible()
    stranger.get_by_role("button", name="Unsubscribe").click()
    expect(stranger.get_by_role("heading", level=1)).to_have_text("You are unsubscribed")
    expect(stranger.get_by_text(MY_QUESTIONS)).to_be_visible()
    expect(stranger.get_by_role("link", name="Sign in")).to_be_visible()

    # Pia's settings show it off; the other kinds keep their choice.
    asker.goto("/")
    steps.expect_unread(asker, 0)
    steps.open_notifications(asker)
    asker.get_by_role("link", name="E-mail settings").click()
    expect(asker.get_by_role("heading", level=1)).to_have_text("E-mail settings")
    expect(asker.get_by_role("group", name=MY_QUESTIONS).get_by_label("Never")).to_be_checked()
    others = asker.get_by_role("group", name="Answers to other questions I follow")
    expect(others.get_by_label("In a daily digest")).to_be_checked()

    # The next answer still rings her bell, but no e-mail comes.
    other.goto(question_url)
    steps.post_answer(other, "One more thing: update the app to 3.1.")
    asker.reload()
    steps.expect_unread(asker, 1)
    assert len(steps.mails_to(browsing.server, f"{pia}@example.org")) == len(mailed)
