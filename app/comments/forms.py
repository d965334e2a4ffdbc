"""Forms for comments: quick, friendly messages; the services check everything again."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from app.comments.models import BODY_MAX
from app.i18n import _l
from app.questions.forms import no_nul, strip

COMMENT_HINT = _l(
    "Up to 600 characters, to ask for or give a clarification. **bold**, *italic*, `code` "
    "and links work; for a full reply, add an answer."
)


class CommentForm(FlaskForm):
    """Post or edit a comment."""

    body = TextAreaField(
        _l("Your comment"),
        filters=[strip],
        validators=[
            DataRequired(_l("Please write your comment first.")),
            no_nul,
            Length(max=BODY_MAX, message=_l("A comment can be at most 600 characters.")),
        ],
        render_kw={"rows": 3, "maxlength": BODY_MAX},
    )
