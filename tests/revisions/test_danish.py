"""The edit history in Danish (``Accept-Language: da``): headings, who changed what and
when, the fields' names and the count of unchanged lines; the post's own words stay as
written."""

from __future__ import annotations

import re

from app.answers import services as answer_services
from app.questions import services
from tests.api.helpers import save
from tests.factories import make_answer, make_company, make_question, make_user
from tests.questions.helpers import text

DA = {"Accept-Language": "da"}


def test_a_question_s_history_speaks_danish(client, clock):
    question = make_question(
        make_company("Acme"),
        author=make_user("asker", display_name="Asker"),
        title="Sync stops after the update",
        body="\n".join(f"Step {n} of the setup." for n in range(1, 30)),
    )
    editor = make_user("keeper", display_name="Keeper", is_admin=True)
    clock.move(minutes=30)
    services.edit_question(
        editor, question, body=question.body.replace("Step 15 of", "Step fifteen of")
    )
    save()

    page = text(client.get(f"/questions/{question.id}/revisions", headers=DA))

    assert '<html lang="da"' in page
    assert "<h1>Redigeringshistorik</h1>" in page
    assert re.findall(r'<h2 id="version-\d+-title">([^<]*)</h2>', page) == [
        "Version 2 (nuværende)",
        "Version 1 (original)",
    ]
    assert "Redigeret af " in page and "Stillet af " in page
    assert " kl. " in page and " UTC</time>" in page
    assert "<dt>Detaljer</dt>" in page and "<dt>Titel</dt>" in page
    assert "uændrede linjer)</span>" in page
    assert "Step fifteen of the setup." in page  # the post itself is never translated
    for english in ("Edit history", "Edited by", "unchanged lines", "Details"):
        assert english not in page, english


def test_an_answer_s_history_speaks_danish(client, clock):
    question = make_question(make_company("Acme"), title="Sync stops")
    author = make_user("helper", display_name="Helper")
    answer = make_answer(question, author=author, body="Restart it.")
    clock.move(minutes=5)
    answer_services.edit_answer(author, answer, body="Restart it twice.")
    save()

    page = text(client.get(f"/answers/{answer.id}/revisions", headers=DA))

    assert '<html lang="da"' in page
    assert "<h1>Redigeringshistorik for et svar</h1>" in page
    assert "Besvaret af " in page and "Redigeret af " in page
