"""flask rerender: stored HTML from an older renderer is rendered again."""

from app.content import RENDERER_VERSION
from app.extensions import db
from tests.factories import make_answer, make_question


def test_rerender_updates_only_stale_rows(app):
    stale = make_question(body="**bold**")
    stale.body_html, stale.body_renderer_version = "<p>old</p>", RENDERER_VERSION - 1
    fresh = make_answer(stale, body="_fresh_")
    fresh_html = fresh.body_html
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["rerender"])

    db.session.refresh(stale)
    db.session.refresh(fresh)
    assert "questions: 1 re-rendered" in result.output
    assert "answers: 0 re-rendered" in result.output
    assert stale.body_html == "<p><strong>bold</strong></p>\n"
    assert stale.body_renderer_version == RENDERER_VERSION
    assert fresh.body_html == fresh_html


def test_rerender_renders_stale_private_details_too(app):
    question = make_question(body="Plain.")
    question.private_details = "Order **1234**"
    question.private_details_html = "<p>old</p>"
    question.private_details_renderer_version = RENDERER_VERSION - 1
    answer = make_answer(question, body="Fine.")
    answer.private_details, answer.private_details_html = "_Refunded_", "<p>old</p>"
    answer.private_details_renderer_version = RENDERER_VERSION - 1
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["rerender"])

    db.session.refresh(question)
    db.session.refresh(answer)
    assert "questions: 1 re-rendered" in result.output
    assert "answers: 1 re-rendered" in result.output
    assert question.private_details_html == "<p>Order <strong>1234</strong></p>\n"
    assert answer.private_details_html == "<p><em>Refunded</em></p>\n"
    assert question.private_details_renderer_version == RENDERER_VERSION
    assert answer.private_details_renderer_version == RENDERER_VERSION


def test_rerender_renders_stale_comments_with_the_comments_renderer(app):
    from app.comments.models import Comment

    question = make_question(body="Plain.")
    db.session.add(
        Comment(
            question_id=question.id,
            author_id=question.author_id,
            body="**Which** ![img](https://e.org/i.png)?",
            body_html="<p>old</p>",
            body_renderer_version=RENDERER_VERSION - 1,
        )
    )
    version = question.page_version
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["rerender"])

    comment = db.session.scalars(db.select(Comment)).one()
    db.session.refresh(comment)
    db.session.refresh(question)
    assert "comments: 1 re-rendered" in result.output
    assert comment.body_html.startswith("<p><strong>Which</strong> !<a href=")
    assert "<img" not in comment.body_html
    assert comment.body_renderer_version == RENDERER_VERSION
    assert question.page_version == version + 1
