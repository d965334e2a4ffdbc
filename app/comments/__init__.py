"""Comments (issue 13): short clarifications under questions and answers, as Stack Exchange
and Get Satisfaction have, and the Markdown preview beside every body field.

``models`` (the table), ``queries`` (the comments of one page, in one SELECT), ``services``
(posting, editing, deleting, hiding: every rule), ``forms``, ``views`` (the HTML doors) and
``preview`` (the preview endpoint the forms' script calls; the forms' own Preview button
works without it).
"""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("comments", __name__)


def init_app(app: Flask) -> None:
    from app.comments import preview as _preview  # noqa: F401 - registers routes
    from app.comments import views as _views  # noqa: F401 - registers routes

    app.register_blueprint(bp)
