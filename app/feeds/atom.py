"""Atom 1.0 feeds (RFC 4287), written by ``feedgenerator`` (Django's feed writer, kept as
a standalone package by the Pelican project).

Every feed and entry carries what Atom requires: an ``id`` that never changes (the
stable URL of the thing), ``updated``, an author, and ``alternate`` links; the feed
also links to itself. URLs are absolute. Text goes through ``xml_safe``: XML 1.0
cannot carry some control characters, and the writer refuses them loudly.

A feed's own words (its title, subtitle, "Answer by …") are in the request's language, and
the feed says which (``language``, Atom's ``xml:lang``); the posts in it stay as written.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from feedgenerator import Atom1Feed
from flask import Response, url_for

from app.db import utcnow
from app.i18n import _, current_language
from app.search.text import clean_text, plain_text, shorten, xml_safe

SITE_NAME = "Helpsquare"
SUMMARY_CHARS = 300


class Feed(Atom1Feed):
    """An Atom feed whose ``updated`` is its newest entry's, or ``updated`` when it has none."""

    def __init__(self, *args: Any, updated: datetime | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.updated = updated

    def latest_post_date(self) -> datetime:
        dates = [item["updateddate"] or item["pubdate"] for item in self.items]
        dates = [date for date in dates if date is not None]
        if self.updated is not None:
            dates.append(self.updated)
        return max(dates) if dates else utcnow()


def new_feed(
    *, title: str, page_url: str, feed_url: str, subtitle: str, updated: datetime | None = None
) -> Feed:
    return Feed(
        title=clean_text(title),
        link=page_url,
        description=clean_text(subtitle),
        language=current_language(),
        author_name=SITE_NAME,
        author_link=url_for("questions.home", _external=True),
        feed_url=feed_url,
        feed_guid=feed_url,
        updated=updated,
    )


def _person(user: Any) -> dict[str, str | None]:
    if user.is_former_member:  # no profile any more
        return {"author_name": clean_text(user.label), "author_link": None}
    return {
        "author_name": clean_text(user.label),
        "author_link": url_for("accounts.profile", username=user.username, _external=True),
    }


def add_question(feed: Feed, question: Any) -> None:
    """An entry for a question: its title, kind, asker, text, and where it is about."""
    about = question.company.name + (f" · {question.product.name}" if question.product else "")
    feed.add_item(
        title=clean_text(f"{question.kind.label}: {question.title}"),
        link=url_for("questions.show", question_id=question.id, slug=question.slug, _external=True),
        # The slug changes with the title; the id-only URL never does.
        unique_id=url_for("questions.show", question_id=question.id, _external=True),
        description=shorten(plain_text(question.body_html), SUMMARY_CHARS),
        content=xml_safe(question.body_html),
        pubdate=question.created_at,
        updateddate=max(question.updated_at, question.created_at),
        categories=[question.kind.label, clean_text(about)],
        **_person(question.author),
    )


def add_answer(feed: Feed, question: Any, answer: Any) -> None:
    """An entry for an answer to ``question``, marked when it is official."""
    # The answer's own address: past the first 30 it is on a later page of answers. (The
    # entry's id below stays what it always was, so readers see no entry twice.)
    link = url_for("answers.show", answer_id=answer.id, _external=True)
    feed.add_item(
        title=clean_text(_answer_title(question, answer)),
        link=link,
        unique_id=url_for(
            "questions.show", question_id=question.id, _anchor=f"answer-{answer.id}", _external=True
        ),
        description=shorten(plain_text(answer.body_html), SUMMARY_CHARS),
        content=xml_safe(answer.body_html),
        pubdate=answer.created_at,
        updateddate=max(answer.updated_at, answer.created_at),
        **_person(answer.author),
    )


def _answer_title(question: Any, answer: Any) -> str:
    if answer.is_official:
        return _(
            "Official answer from %(company)s by %(person)s",
            company=question.company.name,
            person=answer.author.label,
        )
    return _("Answer by %(person)s", person=answer.author.label)


def response(feed: Feed) -> Response:
    answer = Response(feed.writeString("utf-8"), mimetype="application/atom+xml")
    answer.last_modified = feed.latest_post_date()  # the feed's own <updated>
    # Its words follow Accept-Language: a shared cache keeps one copy per language.
    answer.vary.add("Accept-Language")
    return answer
