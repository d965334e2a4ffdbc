"""Feeds and search engines: Atom feeds, the sitemap, robots.txt, and the schema.org
``QAPage`` data of question pages."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, request

bp = Blueprint("feeds", __name__)

# How long a shared cache (a proxy, a feed reader's) may keep a feed or the sitemap.
MAX_AGE_SECONDS = 300


@bp.after_request
def conditional(response: Response) -> Response:
    """Feed readers and crawlers poll: every feed, sitemap file and robots.txt carries an
    ``ETag`` (its body's hash) and, where the view knows it, ``Last-Modified``, and answers
    ``304 Not Modified`` to a request that already holds it. Signed-out readers may keep it
    for five minutes in any cache (``app.security.set_cache_control`` makes it private for
    someone signed in)."""
    if response.status_code != 200 or request.method not in {"GET", "HEAD"}:
        return response
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE_SECONDS
    response.add_etag()
    return response.make_conditional(request)


def init_app(app: Flask) -> None:
    """Register the ``feeds`` blueprint (once)."""
    from app.feeds import views  # noqa: F401 - registers routes

    if bp.name not in app.blueprints:
        app.register_blueprint(bp)
