"""Forms for the account pages.

They parse the request and check CSRF; the rules themselves live in
``app.accounts.services`` (the JSON API uses the same ones), whose field errors the
views put back onto these fields. The HTML attributes only help the browser.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length

from app.accounts.models import (
    BIO_MAX,
    DISPLAY_NAME_MAX,
    EMAIL_MAX,
    PASSWORD_MAX,
    PASSWORD_MIN,
    USERNAME_MAX,
    USERNAME_MIN,
)
from app.i18n import LANGUAGE_NAMES, _, _l
from app.tokens import TOKEN_MAX


class SignUpForm(FlaskForm):
    username = StringField(
        _l("Username"),
        render_kw={
            "required": True,
            "minlength": USERNAME_MIN,
            "maxlength": USERNAME_MAX,
            "autocapitalize": "none",
            "spellcheck": "false",
        },
    )
    email = EmailField(_l("E-mail address"), render_kw={"required": True, "maxlength": EMAIL_MAX})
    display_name = StringField(
        _l("Display name (optional)"), render_kw={"maxlength": DISPLAY_NAME_MAX}
    )
    password = PasswordField(
        _l("Password"),
        render_kw={"required": True, "minlength": PASSWORD_MIN, "maxlength": PASSWORD_MAX},
    )


class SignInForm(FlaskForm):
    login = StringField(
        _l("Username or e-mail address"),
        validators=[InputRequired(_l("Enter your username or e-mail address."))],
        render_kw={"autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Enter your password."))])
    remember = BooleanField(_l("Keep me signed in on this device"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), render_kw={"required": True})
    new_password = PasswordField(
        _l("New password"),
        render_kw={"required": True, "minlength": PASSWORD_MIN, "maxlength": PASSWORD_MAX},
    )


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        render_kw={
            "required": True,
            "maxlength": EMAIL_MAX,
            "autocapitalize": "none",
            "spellcheck": "false",
        },
    )


class ResetPasswordForm(FlaskForm):
    new_password = PasswordField(
        _l("New password"),
        render_kw={"required": True, "minlength": PASSWORD_MIN, "maxlength": PASSWORD_MAX},
    )


class ProfileForm(FlaskForm):
    display_name = StringField(_l("Display name"), render_kw={"maxlength": DISPLAY_NAME_MAX})
    bio = TextAreaField(_l("About you"), render_kw={"maxlength": BIO_MAX, "rows": 3})
    # "" is the browser's choice; the languages are named in themselves (app.i18n).
    language = SelectField(_l("Language"), choices=[], validate_choice=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Each language's name is marked with its language, for screen readers.
        self.language.choices = [
            ("", _("The browser's choice"), {}),
            *((code, name, {"lang": code}) for code, name in LANGUAGE_NAMES.items()),
        ]
        if self.language.data is None:
            self.language.data = ""


class VerifyEmailForm(FlaskForm):
    """The button on the page an e-mailed verification link opens; the token travels in a
    hidden field (the page's GET changes nothing)."""

    token = HiddenField(validators=[DataRequired(), Length(max=TOKEN_MAX)])


class ResendVerificationForm(FlaskForm):
    """ "Resend the link": CSRF, and the page to come back to."""

    next = HiddenField()


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your password"), render_kw={"required": True})
