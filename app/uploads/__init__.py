"""Images (issue 13): attached to questions, answers and private details, and company logos.

``images`` decodes and re-encodes every file with Pillow; ``storage`` keeps the bytes (a
folder by default, an S3-compatible bucket in production); ``services`` is what the posts'
and companies' services call; ``views`` serves ``/images/<id>`` through the one visibility
rule (``app.visibility.can_see_image``).

The JSON API neither takes nor lists images yet: its requests are JSON, and an upload
endpoint (multipart, the same ``services``) with an ``images`` field on questions and answers
is a later change. Posts made through it have none.
"""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, request

bp = Blueprint("uploads", __name__)

# The form posts that may carry images: their bodies may be ``UPLOAD_REQUEST_MAX`` large.
UPLOAD_ENDPOINTS = frozenset({"questions.ask", "answers.create", "companies.logo"})


def allow_upload_bodies() -> None:
    """Before anything reads the form (CSRF protection does, first): a post that may carry
    images may be larger than ``MAX_CONTENT_LENGTH``; every other request keeps that."""
    if request.method == "POST" and request.endpoint in UPLOAD_ENDPOINTS:
        request.max_content_length = current_app.config["UPLOAD_REQUEST_MAX"]


def init_app(app: Flask) -> None:
    from app.uploads import views as _views  # noqa: F401 - registers the routes

    app.register_blueprint(bp)
