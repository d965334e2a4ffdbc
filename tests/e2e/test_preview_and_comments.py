"""Preview and comments (issue 13) in a real browser: the Preview button shows the answer as
it will be saved, in place (the one script, through /preview), hostile Markdown inert in it;
the posted answer shows the very same HTML; a comment is added under it, previewed first.
Everything happens on a question asked for the test, so the journey runs again on the same
server."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e import steps
from tests.e2e.conftest import Browsing

pytestmark = pytest.mark.e2e

HOSTILE = (
    "Try **this**: <script>alert(1)</script> [x](javascript:alert(2)) "
    '<img src=x onerror="alert(3)"> [docs](https://example.org/docs)'
)


def test_the_preview_matches_the_saved_answer_and_comments_are_added(browsing: Browsing) -> None:
    writer = steps.new_username("pia")
    page = browsing.new_page()
    page.goto("/")
    steps.sign_up(page, writer)
    steps.verify_email(page, browsing.server, writer)
    steps.open_company(page, "Acme Cloud")
    title = f"Preview check {writer}"
    question_url = steps.ask(page, "Question", title, "Which **sync** setting?")

    # The answer: previewed in place, without leaving the page or losing the text.
    form = page.locator("#answer-form form")
    form.get_by_label("Your answer").fill(HOSTILE)
    form.get_by_role("button", name="Preview").click()
    preview = form.locator("[data-preview-for='body'] .prose")
    expect(preview.locator("strong")).to_have_text("this")
    expect(preview.get_by_role("link", name="docs")).to_have_attribute("rel", "nofollow ugc")
    expect(preview.locator("script, img")).to_have_count(0)
    assert page.url == question_url
    expect(form.get_by_label("Your answer")).to_have_value(HOSTILE)
    previewed = preview.inner_html()

    steps.post_answer(page, HOSTILE)
    answer = steps.answer_card(page, writer)
    assert answer.locator(".prose").first.inner_html() == previewed

    # A comment under the answer: opened, previewed, posted.
    answer.get_by_text("Add a comment").click()
    answer.get_by_label("Your comment").fill("Does it work with *Drive* too?")
    answer.get_by_role("button", name="Preview").click()
    expect(answer.locator(".comment-form .preview em")).to_have_text("Drive")
    answer.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("Thanks, your comment is posted.")).to_be_visible()
    comment = steps.answer_card(page, writer).locator(".comment")
    expect(comment.locator("em")).to_have_text("Drive")
