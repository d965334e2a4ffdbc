"""The Markdown preview beside every body field (issue 13): what a post or comment will look
like, rendered by the server through the very renderer and sanitizer that saving uses
(``app.content``), so the preview is what will be saved, byte for byte.

Two doors, one renderer:

- Without JavaScript, each form has a "Preview" button (``name="preview"``): its view sees
  ``wants_preview()`` and shows the form again with ``show_previews(form)`` below the fields,
  everything typed kept, nothing saved.
- With JavaScript, the forms' script POSTs the field's text to ``/preview`` (the CSRF token
  in the ``X-CSRFToken`` header) and shows the HTML it answers. For signed-in accounts with
  a verified address, as posting is, and counted per account (``PREVIEW_LIMITS``).
"""

from __future__ import annotations

from typing import Any

from flask import current_app, g, jsonify, request
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from app import content
from app.comments import bp
from app.extensions import limiter
from app.i18n import _
from app.policy import Permission, require
from app.questions.models import BODY_MAX

# The name of the forms' Preview button, and of the two kinds of Markdown.
PREVIEW = "preview"
POST, COMMENT = "post", "comment"
# The fields a preview shows, of every form that has them (the body, the private details).
PREVIEWED_FIELDS = ("body", "private_details")


def wants_preview() -> bool:
    """Whether this POST is the form's Preview button rather than its submit."""
    return request.method == "POST" and PREVIEW in request.form


def render_preview(text: Any, *, kind: str = POST) -> str:
    """The sanitized HTML ``text`` will be saved as: ``content.render`` for posts and
    private details, ``content.render_comment`` for comments. Stripped as the services
    strip it; empty for no text."""
    if not isinstance(text, str) or not text.strip():
        return ""
    source = text.strip()
    rendered = content.render_comment(source) if kind == COMMENT else content.render(source)
    return rendered.html


def previews(form: FlaskForm, *, kind: str = POST) -> dict[str, str]:
    """The preview of each of the form's body fields that holds text, by field name."""
    shown = {}
    for name in PREVIEWED_FIELDS:
        field = form._fields.get(name)
        html = render_preview(field.data if field is not None else None, kind=kind)
        if html:
            shown[name] = html
    return shown


def preview_for(user: Any, text: Any, *, kind: str = POST) -> str:
    """What ``user`` sees of ``text`` before posting it (``render_preview``): for signed-in
    accounts with a verified address, as posting is (``content:preview``). Writes nothing."""
    require(user, Permission.CONTENT_PREVIEW)
    return render_preview(text, kind=kind)


def show_previews(form: FlaskForm, *, kind: str = POST) -> None:
    """Hand the form's previews to the page being rendered (``templates/_partials/
    preview.html`` reads them from ``g``), so no view's signature changes for them."""
    g.previews = previews(form, kind=kind)


def _preview_limits() -> str:
    return current_app.config["PREVIEW_LIMITS"]


def _account_key() -> str:
    """Previews are counted per account (the route needs one), else per address."""
    if current_user.is_authenticated:
        return f"preview:{current_user.id}"
    return f"preview:{request.remote_addr}"


@bp.post("/preview")
@limiter.limit(_preview_limits, key_func=_account_key, scope="preview")
def preview() -> Response | tuple[Response, int]:
    """``text`` (form field) rendered as ``kind`` (``post`` or ``comment``): JSON
    ``{"html": …}``. 422 for text longer than any post may be, or an unknown kind."""
    user = current_user._get_current_object()
    require(user, Permission.CONTENT_PREVIEW)  # before reading anything
    text = request.form.get("text", "")
    kind = request.form.get("kind", POST)
    if kind not in (POST, COMMENT) or len(text) > BODY_MAX:
        return jsonify(error=_("That cannot be previewed.")), 422
    return jsonify(html=preview_for(user, text, kind=kind))


__all__ = [
    "COMMENT",
    "POST",
    "PREVIEW",
    "preview",
    "preview_for",
    "previews",
    "render_preview",
    "show_previews",
    "wants_preview",
]
