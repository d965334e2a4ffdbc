"""Forms for the account pages.

They parse the request and check CSRF; the rules themselves live in
``app.accounts.services`` (the JSON API uses the same ones), whose field errors the
views put back onto these fields. The HTML attributes only help the browser.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
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
from app.i18n import _l
from app.tokens import TOKEN_MAX


class SignUpForm(FlaskForm):
    username = StringField(
        "Username",
        render_kw={
            "required": True,
            "minlength": USERNAME_MIN,
            "maxlength": USERNAME_MAX,
            "autocapitalize": "none",
            "spellcheck": "false",
        },
    )
    email = EmailField("E-mail address", render_kw={"required": True, "maxlength": EMAIL_MAX})
    display_name = StringField("Display name (optional)", render_kw={"maxlength": DISPLAY_NAME_MAX})
    password = PasswordField(
        "Password",
        render_kw={"required": True, "minlength": PASSWORD_MIN, "maxlength": PASSWORD_MAX},
    )


class SignInForm(FlaskForm):
    login = StringField(
        "Username or e-mail address",
        validators=[InputRequired("Enter your username or e-mail address.")],
        render_kw={"autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField("Password", validators=[InputRequired("Enter your password.")])
    remember = BooleanField("Keep me signed in on this device")


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", render_kw={"required": True})
    new_password = PasswordField(
        "New password",
        render_kw={"required": True, "minlength": PASSWORD_MIN, "maxlength": PASSWORD_MAX},
    )


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        "E-mail address",
        render_kw={
            "required": True,
            "maxlength": EMAIL_MAX,
            "autocapitalize": "none",
            "spellcheck": "false",
        },
    )


class ResetPasswordForm(FlaskForm):
    new_password = PasswordField(
        "New password",
        render_kw={"required": True, "minlength": PASSWORD_MIN, "maxlength": PASSWORD_MAX},
    )


class ProfileForm(FlaskForm):
    display_name = StringField("Display name", render_kw={"maxlength": DISPLAY_NAME_MAX})
    bio = TextAreaField(_l("About you"), render_kw={"maxlength": BIO_MAX, "rows": 3})


class VerifyEmailForm(FlaskForm):
    """The button on the page an e-mailed verification link opens; the token travels in a
    hidden field (the page's GET changes nothing)."""

    token = HiddenField(validators=[DataRequired(), Length(max=TOKEN_MAX)])


class ResendVerificationForm(FlaskForm):
    """ "Resend the link": CSRF, and the page to come back to."""

    next = HiddenField()


class DeleteAccountForm(FlaskForm):
    password = PasswordField("Your password", render_kw={"required": True})
