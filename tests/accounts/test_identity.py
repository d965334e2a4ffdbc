"""Identity (issue 13): generated avatars on posts, profiles and the header, at no statement
per post; a short plain-text bio edited on the account settings page, shown on the profile."""

from __future__ import annotations

import re

import pytest

from app.accounts import services
from app.accounts.avatars import colour, initials
from app.errors import ValidationError
from app.extensions import db
from tests.conftest import login_as
from tests.factories import make_answer, make_question, make_user
from tests.questions.helpers import text


def _avatars(page: str) -> list[str]:
    return re.findall(r'<svg class="avatar".*?</svg>', page, flags=re.S)


def test_initials_come_from_the_name_shown():
    assert initials(make_user("ada", display_name="Ada Lovelace")) == "AL"
    assert initials(make_user("grace_hopper", display_name="")) == "GH"
    assert initials(make_user("linus", display_name="")) == "L"


def test_a_username_always_gets_the_same_dark_colour():
    assert colour("ada") == colour("ada")
    assert colour("ada") != colour("grace")
    assert re.fullmatch(r"hsl\(\d{1,3}, 50%, 30%\)", colour("ada"))


def test_posts_profiles_and_the_header_show_avatars(client):
    ada = make_user("ada", display_name="Ada Lovelace")
    question = make_question(author=ada, slug="q")
    make_answer(question, author=make_user("grace_hopper", display_name=""))
    db.session.commit()
    login_as(client, ada)

    page = text(client.get(f"/questions/{question.id}/q"))
    profile = text(client.get("/users/ada"))

    avatars = _avatars(page)
    # The header's, the question's byline, the answer's byline.
    assert len(avatars) == 3
    assert all('aria-hidden="true"' in a for a in avatars)
    assert sum(">AL</text>" in a for a in avatars) == 2
    assert any(">GH</text>" in a and colour("grace_hopper") in a for a in avatars)
    assert any('width="64"' in a and ">AL</text>" in a for a in _avatars(profile))
    assert "gravatar" not in page.lower()


def test_a_former_member_gets_no_initials():
    former = make_user("gone")
    former.display_name = ""
    from app.accounts.avatars import avatar
    from app.db import utcnow

    former.deleted_at = utcnow()
    svg = str(avatar(former))
    assert "></text>" in svg and "#6b6b6b" in svg


def test_the_bio_is_edited_in_the_settings_and_shown_plain_on_the_profile(client):
    ada = make_user("ada")
    db.session.commit()
    login_as(client, ada)

    form = text(client.get("/account/profile"))
    response = client.post(
        "/account/profile",
        data={"display_name": "Ada", "bio": "Writes <b>programs</b> for engines."},
    )
    profile = text(client.get("/users/ada"))

    assert 'name="bio"' in form and 'maxlength="300"' in form
    assert response.status_code == 302
    assert '<p class="profile-bio">Writes &lt;b&gt;programs&lt;/b&gt; for engines.</p>' in profile


@pytest.mark.parametrize(
    ("bio", "why"),
    [
        ("x" * 301, "at most 300 characters"),
        ("Hi \u202eevil", "text direction control"),
        ("\u200b\u200b", "only invisible characters"),
        ("nul\x00", "NUL"),
    ],
)
def test_a_bad_bio_is_refused_at_its_field(client, bio, why):
    ada = make_user("ada")
    db.session.commit()
    with pytest.raises(ValidationError) as refused:
        services.update_profile(ada, "Ada", bio=bio)
    assert why in refused.value.fields["bio"]
    login_as(client, ada)
    response = client.post("/account/profile", data={"display_name": "Ada", "bio": bio})
    assert response.status_code == 422
    assert 'id="bio-error"' in text(response)
    db.session.refresh(ada)
    assert ada.bio == "" and ada.display_name == "Ada"  # the factory's; nothing changed


def test_the_profile_page_reads_the_bio_with_the_user(client, count_queries):
    make_user("ada").bio = "Hello."
    db.session.commit()
    db.session.expunge_all()
    with count_queries() as statements:
        page = text(client.get("/users/ada"))
    assert "Hello." in page
    assert sum("FROM users" in s and "WHERE users.username" in s for s in statements) == 1
    assert not any(s.lstrip().startswith("SELECT users.bio") for s in statements)
