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
