"""The edit history pages: "(edited)" leads there; each version with its editor, its time and
what changed, as escaped Markdown source with <ins> and <del>; paged; a fixed number of
statements whatever the number of versions."""

from __future__ import annotations

import re

import pytest

from app.answers import services as answer_services
from app.moderation.revision_queries import version_cursor
from app.questions import services
from tests.api.helpers import save
from tests.conftest import login_as
from tests.factories import (
    make_answer,
    make_company,
    make_product,
    make_question,
    make_staff,
    make_user,
)
from tests.questions.helpers import text

HOSTILE = (
    "Click [here](javascript:alert(1)) or <script>alert('x')</script>\n\n"
    '<img src=x onerror="alert(2)"> and <a href="javascript:alert(3)">this</a>'
)


@pytest.fixture
def question(clock):
    return make_question(
        make_company("Acme"),
        author=make_user("asker", display_name="Asker"),
        title="Sync stops after the update",
        body="The sync stops.\n\nIt worked yesterday.",
    )


def _versions(page: str) -> list[str]:
    return re.findall(r'<h2 id="version-\d+-title">([^<]*)</h2>', page)


def test_edited_leads_to_the_history_with_what_changed(client, clock, question):
    editor = make_user("keeper", display_name="Keeper", is_admin=True)
    clock.move(minutes=30)
    services.edit_question(
        editor, question, body="The sync stops every hour.\n\nIt worked yesterday."
    )
    save()

    page = text(client.get(f"/questions/{question.id}/{question.slug}"))
    history = client.get(f"/questions/{question.id}/revisions")
    html = text(history)

    assert f'<a href="/questions/{question.id}/revisions">(edited)' in page
    assert history.status_code == 200
    assert _versions(html) == ["Version 2 (current)", "Version 1 (original)"]
    assert (
        'Edited by <a class="person" href="/users/keeper"><bdi class="person__name">Keeper</bdi> '
        '<span class="person__handle">@keeper</span></a>'
    ) in html
    assert '<time datetime="2026-03-03T09:30:00+00:00">3 March 2026 at 09:30 UTC</time>' in html
    assert (
        'Asked by <a class="person" href="/users/asker"><bdi class="person__name">Asker</bdi> '
        '<span class="person__handle">@asker</span></a>'
    ) in html
    assert (
        '<div class="diff">The sync stops<ins> every hour</ins>.\n\nIt worked yesterday.</div>'
        in (html)
    )
    assert '<meta name="robots" content="noindex">' in html


def test_a_question_never_edited_has_a_history_of_one_version(client, question):
    save()

    html = text(client.get(f"/questions/{question.id}/revisions"))

    assert _versions(html) == ["Version 1 (current) (original)"]
    assert '<div class="diff">The sync stops.\n\nIt worked yesterday.</div>' in html
    assert "(edited)" not in text(client.get(f"/questions/{question.id}/{question.slug}"))


def test_hostile_markdown_is_shown_as_escaped_source_never_as_html(client, clock, question):
    clock.move(minutes=1)
    services.edit_question(question.author, question, title="Sync <b>stops</b>", body=HOSTILE)
    clock.move(minutes=1)
    services.edit_question(question.author, question, body=HOSTILE + "\n\n[more](javascript:x)")
    save()

    html = text(client.get(f"/questions/{question.id}/revisions"))

    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert 'href="javascript:' not in html
    assert "onerror=" not in html.replace("onerror=&#34;", "")
    assert "<b>stops</b>" not in html
    # The source as typed, escaped, with what each edit added and removed marked.
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "<ins>\n\n[more](javascript:x)</ins>" in html
    assert "Sync <ins>&lt;b&gt;</ins>stops<del> after the update</del><ins>&lt;/b&gt;</ins>" in html
    assert "<del>The sync stops.</del><ins>Click [here](javascript:alert(1)) or &lt;script&gt;" in (
        html
    )


def test_an_answers_history_is_reached_from_its_edited_mark(client, clock, question):
    answer = make_answer(question, author=make_user("helper", display_name="Helper"), body="A")
    clock.move(minutes=5)
    answer_services.edit_answer(answer.author, answer, body="A, then B")
    save()

    page = text(client.get(f"/questions/{question.id}/{question.slug}"))
    history = client.get(f"/answers/{answer.id}/revisions")
    html = text(history)

    assert f'<a href="/answers/{answer.id}/revisions">(edited)' in page
    assert history.status_code == 200
    assert "<h1>Edit history of an answer</h1>" in html
    assert _versions(html) == ["Version 2 (current)", "Version 1 (original)"]
    assert '<div class="diff">A<ins>, then B</ins></div>' in html
    assert (
        'Answered by <a class="person" href="/users/helper"><bdi class="person__name">Helper</bdi> '
        '<span class="person__handle">@helper</span></a>'
    ) in html


def test_a_change_of_kind_and_product_shows_in_the_history(client, question):
    rocket = make_product(question.company, "Rocket")
    staff = make_staff(question.company, make_user("agent")).user
    services.edit_question(staff, question, kind="problem", product=rocket)
    save()

    html = text(client.get(f"/questions/{question.id}/revisions"))

    assert "<dt>Kind</dt><dd><del>Question</del> → <ins>Problem</ins></dd>" in html
    assert "<dt>Product</dt><dd><del>The company in general</del> → <ins>Rocket</ins></dd>" in html
    assert "<dt>Details</dt>" not in html.split('id="version-1"')[0]


def test_the_history_comes_in_pages(client, clock, question):
    for n in range(2, 15):
        clock.move(minutes=1)
        services.edit_question(question.author, question, body=f"Body number {n}.")
    save()

    first = text(client.get(f"/questions/{question.id}/revisions"))
    next_link = re.search(r'<a rel="next" href="([^"]+)">', first).group(1).replace("&amp;", "&")
    second = text(client.get(next_link))
    bad = client.get(f"/questions/{question.id}/revisions?cursor=forged")

    assert _versions(first)[0] == "Version 14 (current)"
    assert len(_versions(first)) == 10
    assert _versions(second) == [f"Version {n}" for n in range(4, 1, -1)] + ["Version 1 (original)"]
    assert 'rel="next"' not in second
    assert bad.status_code == 400
    # A page holding only the original of an edited question is no "edited before history".
    last_url = f"/questions/{question.id}/revisions?cursor={version_cursor(2, question.id)}"
    last = text(client.get(last_url))
    assert _versions(last) == ["Version 1 (original)"]
    assert "before Helpsquare kept edit history" not in last


def _statements(client, count_queries, url: str) -> int:
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_pages_run_the_same_statements_for_1_and_40_versions(
    client, count_queries, clock, signed_in
):
    acme = make_company("Acme")
    short = make_question(acme, product=make_product(acme, "Rocket"))
    long = make_question(acme, product=make_product(acme, "Jet"))
    short_answer, long_answer = make_answer(short), make_answer(long)
    for n in range(40):
        clock.move(minutes=1)
        editor = make_user() if n % 2 else long.author
        if editor is not long.author:
            editor.is_admin = True
        services.edit_question(editor, long, body=f"Body {n}.")
        answer_services.edit_answer(long_answer.author, long_answer, body=f"Answer {n}.")
    if signed_in:
        login_as(client, make_user("reader"))
    save()

    for few, many in (
        (f"/questions/{short.id}/revisions", f"/questions/{long.id}/revisions"),
        (f"/answers/{short_answer.id}/revisions", f"/answers/{long_answer.id}/revisions"),
    ):
        assert _statements(client, count_queries, few) == _statements(client, count_queries, many)
    # The post, its page of versions (and the answer's question), and the signed-in reader.
    assert _statements(client, count_queries, f"/questions/{long.id}/revisions") == (2 + signed_in)
    assert _statements(client, count_queries, f"/answers/{long_answer.id}/revisions") == (
        3 + signed_in
    )


def test_long_unchanged_stretches_are_counted_and_the_whole_text_is_one_click_away(
    client, question
):
    long_body = "".join(f"Step {n} of the setup.\n" for n in range(1, 31))
    services.edit_question(question.author, question, body=long_body)
    services.edit_question(
        question.author, question, body=long_body.replace("Step 15 of", "Step fifteen of")
    )
    save()

    html = text(client.get(f"/questions/{question.id}/revisions"))
    current = html.split('id="version-3"')[1].split('id="version-2"')[0]

    assert '<span class="diff__skip">(12 unchanged lines)</span>\n' in current
    assert "Step 13 of the setup.\nStep 14 of the setup.\nStep <del>15</del>" in current
    assert 'Step 17 of the setup.\n<span class="diff__skip">(13 unchanged lines)</span>' in current
    assert "Step 1 of the setup." not in current.split("<details>")[0]
    assert "Step 1 of the setup." in current.split("<details>")[1]


def test_a_post_edited_before_history_was_kept_says_so(client, question):
    # Edited before this feature existed: a later updated_at, and no version kept.
    question.updated_at = question.created_at.replace(hour=question.created_at.hour + 1)
    save()

    html = text(client.get(f"/questions/{question.id}/revisions"))

    assert _versions(html) == ["Version 1 (current)"]
    assert "before Helpsquare kept edit history: this is the text as it is now" in html
