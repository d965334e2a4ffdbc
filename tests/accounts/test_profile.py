"""Profile pages: who someone is, what they asked and what they answered."""

import re
from datetime import timedelta
from html import unescape

import pytest

from app.extensions import db
from tests.accounts.helpers import field_error
from tests.checks import person
from tests.conftest import login_as
from tests.factories import make_answer, make_question, make_user


def test_profile_shows_name_member_since_questions_and_answers(client):
    ada = make_user("ada", display_name="Ada Lovelace")
    asked = make_question(author=ada, title="Why does my sync stop at night?")
    someone_elses = make_question(title="Where is the export button?")
    answer = make_answer(someone_elses, author=ada, body="It is under **Settings → Export**.")
    make_question(title="A question by somebody else entirely")

    response = client.get("/users/ada")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'<h1><span class="person">{person("ada", "Ada Lovelace")}</span></h1>' in page
    assert "Member since" in page
    assert "<title>Ada Lovelace (@ada) · Helpsquare</title>" in page
    assert "Why does my sync stop at night?" in page
    assert f"/questions/{asked.id}/" in page
    assert "Where is the export button?" in page
    assert f'href="/answers/{answer.id}"' in page
    assert client.get(f"/answers/{answer.id}").location == (
        f"/questions/{someone_elses.id}/{someone_elses.slug}#answer-{answer.id}"
    )
    assert "It is under Settings → Export." in page
    assert "A question by somebody else entirely" not in page


def test_profile_of_someone_without_posts_says_so(client):
    make_user("quiet", display_name="")

    page = client.get("/users/quiet").get_data(as_text=True)

    assert f'<h1><span class="person">{person("quiet")}</span></h1>' in page
    assert "@quiet has not asked anything yet." in page
    assert "@quiet has not answered anything yet." in page


def test_profile_marks_a_best_answer(client):
    ada = make_user("ada")
    question = make_question(title="Which cable do I need?")
    answer = make_answer(question, author=ada)
    question.best_answer_id = answer.id
    db.session.flush()

    page = client.get("/users/ada").get_data(as_text=True)

    assert "Best answer" in page


@pytest.mark.parametrize(
    "path", ["/users/nobody", "/users/x", "/users/" + "a" * 300, "/users/a%00b", "/users/%E2%98%83"]
)
def test_unknown_profiles_are_not_found(client, path):
    make_user("ada")

    assert client.get(path).status_code == 404


def test_a_profile_url_in_other_letter_case_redirects_to_the_real_one(client):
    make_user("ada")

    response = client.get("/users/ADA")

    assert response.status_code == 301
    assert response.headers["Location"] == "/users/ada"


def test_profile_lists_page_by_page(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    ada = make_user("ada")
    for n in range(3):
        make_question(author=ada, title=f"Question number {n}", age=timedelta(hours=n))
        make_answer(author=ada, body=f"Answer number {n}")

    first = client.get("/users/ada").get_data(as_text=True)
    assert "Question number 0" in first and "Question number 2" not in first
    assert "Answer number 2" in first and "Answer number 0" not in first  # newest first
    next_link = first.split('rel="next" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")

    second = client.get(next_link).get_data(as_text=True)

    assert "Question number 2" in second and "Question number 0" not in second
    assert "Newest questions" in second


def test_a_forged_list_cursor_is_a_clear_error(client):
    make_user("ada")

    response = client.get("/users/ada?questions=not-a-cursor")

    assert response.status_code == 400
    assert "Start again from the first page" in response.get_data(as_text=True)


def _posts(author, n: int) -> None:
    """``n`` questions and ``n`` answers by ``author``, a minute apart."""
    for i in range(n):
        make_question(author=author, title=f"Question number {i}", age=timedelta(minutes=i))
        make_answer(author=author, body=f"Answer number {i}")


def _next_links(page: str) -> dict[str, str]:
    """The profile's "Older questions" and "Older answers" links."""
    found = re.findall(r'<a rel="next" href="([^"]+)">(Older \w+)</a>', page)
    return {label: unescape(href) for href, label in found}


def test_a_busy_profile_lists_twenty_of_each_with_older_pages(client):
    """The finding: profiles listed 20 questions and nothing told there were more."""
    ada = make_user("ada")
    _posts(ada, 25)
    db.session.commit()

    first = client.get("/users/ada").get_data(as_text=True)
    links = _next_links(first)
    older_questions = client.get(links["Older questions"]).get_data(as_text=True)
    older_answers = client.get(links["Older answers"]).get_data(as_text=True)

    assert first.count('<li class="question-item">') == 20 and first.count('class="card"') == 20
    assert "Question number 19<" in first and "Question number 20<" not in first
    assert older_questions.count('<li class="question-item">') == 5
    assert "Question number 20<" in older_questions and "Question number 24<" in older_questions
    assert older_answers.count('class="card"') == 5
    assert "Older questions" not in _next_links(older_questions)
    assert "Newest questions" in older_questions


@pytest.mark.parametrize("page", ["first", "older"])
def test_profile_pages_run_the_same_statements_whatever_the_number_of_posts(
    client, count_queries, page
):
    """Keyset pages: an older page costs what the first costs, at any size."""
    few, many = make_user("few"), make_user("many")
    _posts(few, 3 if page == "first" else 25)  # an older page needs more than 20
    _posts(many, 60)
    db.session.commit()

    def statements(username: str) -> int:
        path = f"/users/{username}"
        if page == "older":
            path = _next_links(client.get(path).get_data(as_text=True))["Older questions"]
        db.session.expunge_all()
        with count_queries() as recorded:
            assert client.get(path).status_code == 200
        return len(recorded)

    assert statements("few") == statements("many")


def test_own_profile_links_to_account_settings_and_others_do_not(client):
    ada = make_user("ada")
    make_user("bob")
    login_as(client, ada)

    own = client.get("/users/ada").get_data(as_text=True)
    other = client.get("/users/bob").get_data(as_text=True)

    assert 'href="/account/password"' in own
    assert 'href="/account/profile"' in own
    assert 'href="/account/password"' not in other


def test_edit_profile_changes_the_display_name(client):
    ada = make_user("ada", display_name="Ada")
    login_as(client, ada)

    response = client.post("/account/profile", data={"display_name": "  Ada L.  "})

    assert response.status_code == 302
    assert person("ada", "Ada L.") in client.get("/users/ada").get_data(as_text=True)


def test_edit_profile_refuses_a_too_long_name_and_keeps_it(client):
    ada = make_user("ada", display_name="Ada")
    login_as(client, ada)

    response = client.post("/account/profile", data={"display_name": "N" * 61})

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, "display_name") == "Use at most 60 characters."
    assert 'value="' + "N" * 61 + '"' in page
    assert ada.display_name == "Ada"


def test_edit_profile_needs_sign_in(client):
    assert client.get("/account/profile").status_code == 302
    assert client.post("/account/profile", data={"display_name": "x"}).status_code == 302
