"""The account rules, called directly as the JSON API and the commands will call them."""

import pytest

from app.accounts import passwords, services
from app.errors import ValidationError
from app.extensions import db
from tests.accounts.helpers import find_user, session_version, user_count
from tests.factories import PASSWORD, make_user

STRONG = "a long and unusual passphrase"


def _fields(call) -> dict[str, str]:  # noqa: ANN001 - a zero-argument callable
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.fields


def test_sign_up_returns_the_saved_user():
    user = services.sign_up("Grace", "Grace@Example.org", STRONG, display_name=" Grace H. ")

    assert user.id is not None
    assert (user.username, user.email, user.display_name) == (
        "grace",
        "grace@example.org",
        "Grace H.",
    )
    assert user.password_hash.startswith("scrypt:")
    assert user.session_version == 1


@pytest.mark.parametrize("bad", [None, 42, ["list"], {"a": 1}])
def test_values_that_are_not_text_are_refused_per_field(bad):
    before = user_count()

    fields = _fields(lambda: services.sign_up(bad, bad, bad, display_name=bad))

    assert set(fields) >= {"username", "email", "password"}
    assert user_count() == before


def test_reserved_usernames_live_in_one_list():
    for name in ("admin", "administrator", "moderator", "mod", "staff", "support", "system"):
        assert name in services.RESERVED_USERNAMES
        assert (
            "reserved"
            in _fields(lambda n=name: services.sign_up(n, f"{n}@x.org", STRONG))["username"]
        )


def test_the_common_password_list_is_loaded_once_and_is_large():
    common = passwords.common_passwords()

    assert len(common) >= 10_000
    assert passwords.common_passwords() is common
    assert passwords.is_common("Password123")
    assert not passwords.is_common(STRONG)


def test_authenticate_by_username_or_email():
    ada = make_user("ada", email="ada@example.org")

    assert services.authenticate("ADA", PASSWORD) is ada
    assert services.authenticate("Ada@Example.org", PASSWORD) is ada
    assert services.authenticate("ada", "wrong password") is None
    assert services.authenticate("", PASSWORD) is None
    assert services.authenticate(None, None) is None


def test_authenticate_hashes_a_password_even_for_unknown_accounts(monkeypatch):
    checked = []
    real_check = services.check_password_hash
    monkeypatch.setattr(
        services, "check_password_hash", lambda h, p: checked.append(h) or real_check(h, p)
    )

    assert services.authenticate("nobody-at-all", "whatever it is") is None

    assert len(checked) == 1
    assert checked[0].startswith("scrypt:")


def test_sign_out_bumps_the_session_version_in_sql():
    ada = make_user("ada")

    services.sign_out(ada)
    services.sign_out(ada)

    assert session_version(ada) == 3


def test_change_password_needs_the_current_one_and_follows_the_rules():
    ada = make_user("ada")

    fields = _fields(lambda: services.change_password(ada, "wrong", "short"))

    assert fields == {
        "current_password": "That is not your current password.",
        "new_password": "Use at least 10 characters.",
    }
    assert session_version(ada) == 1


def test_update_profile_validates_the_display_name():
    ada = make_user("ada")

    assert services.update_profile(ada, "  Ada  ").display_name == "Ada"
    assert services.update_profile(ada, "").name == "ada"
    assert "display_name" in _fields(lambda: services.update_profile(ada, "x" * 61))
    assert "display_name" in _fields(lambda: services.update_profile(ada, "a\x00b"))


def test_create_site_admin_creates_an_admin_even_with_a_reserved_name():
    admin = services.create_site_admin("Admin", "Root@Example.org", STRONG)

    assert admin.is_admin
    assert (admin.username, admin.email) == ("admin", "root@example.org")
    assert admin.check_password(STRONG)


def test_create_site_admin_promotes_an_existing_account_and_resets_its_password():
    ada = make_user("ada", email="ada@example.org")
    before = user_count()

    admin = services.create_site_admin("ada", "ADA@example.org", STRONG)

    assert admin is ada
    assert admin.is_admin
    assert admin.check_password(STRONG)
    assert session_version(ada) == 2  # sessions under the old password end
    assert user_count() == before


def test_create_site_admin_refuses_a_username_with_another_email():
    make_user("ada", email="ada@example.org")

    fields = _fields(lambda: services.create_site_admin("ada", "other@example.org", STRONG))

    assert "different e-mail" in fields["email"]
    assert not find_user("ada").is_admin


def test_create_site_admin_refuses_an_email_of_another_account():
    make_user("ada", email="ada@example.org")

    fields = _fields(lambda: services.create_site_admin("root", "ada@example.org", STRONG))

    assert "already exists" in fields["email"]
    assert find_user("root") is None


def test_create_site_admin_applies_the_password_rules():
    fields = _fields(lambda: services.create_site_admin("root", "root@example.org", "password1"))

    assert fields == {"password": "Use at least 10 characters."}
    assert (
        "common"
        in _fields(lambda: services.create_site_admin("root", "root@example.org", "1234567890"))[
            "password"
        ]
    )


def test_the_create_admin_command(app):
    runner = app.test_cli_runner()

    result = runner.invoke(
        args=[
            "create-admin",
            "--username",
            "keeper",
            "--email",
            "k@example.org",
            "--password",
            STRONG,
        ]
    )

    assert result.exit_code == 0, result.output
    assert "keeper is a site admin." in result.output
    db.session.expire_all()
    assert find_user("keeper").is_admin

    refused = runner.invoke(
        args=["create-admin", "--username", "keeper2", "--email", "bad", "--password", STRONG]
    )
    assert refused.exit_code != 0
    assert "email: Enter a valid e-mail address" in refused.output
