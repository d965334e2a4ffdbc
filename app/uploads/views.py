"""Serving images: ``/images/<id>``, through the one visibility rule.

What leaves is what Pillow wrote (``app.uploads.images``), with the ``Content-Type`` of
that encoding, ``nosniff`` (also on every response), ``Content-Disposition: inline`` with
no file name (never the one the user's computer gave it), and the site's CSP. An image
only some readers may see (a hidden, deleted or merged-away post's, private details') is a
404 to everyone else, as its post is. Signed-out readers may cache what everyone may see
for a minute (a later hide takes that long to reach them, as with the anonymous page
cache); signed-in readers get ``private, no-store`` like every page of theirs
(app/security.py); logos, whose id changes with every new logo, a day.
"""

from __future__ import annotations

from flask import Response, request
from flask_login import current_user

from app.errors import NotFound
from app.uploads import bp
from app.uploads import storage as store
from app.uploads.models import Place
from app.uploads.queries import NO_SUCH_IMAGE, get_image
from app.visibility import can_see_image

LOGO_SECONDS = 86_400
PUBLIC_SECONDS = 60


@bp.get("/images/<image_id>")
def show(image_id: str) -> Response:
    image, question, answer = get_image(image_id)
    viewer = current_user._get_current_object()
    if not can_see_image(viewer, image, question, answer):
        raise NotFound(NO_SUCH_IMAGE)
    data = store.get(image.id)
    if data is None:
        raise NotFound(NO_SUCH_IMAGE)
    response = Response(data, mimetype=image.content_type)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    response.set_etag(image.id)
    if image.place is Place.LOGO:
        response.cache_control.public = True
        response.cache_control.max_age = LOGO_SECONDS
    elif can_see_image(None, image, question, answer):
        # Everyone may see it (the rule asked for a reader who is not signed in).
        response.cache_control.public = True
        response.cache_control.max_age = PUBLIC_SECONDS
    else:
        response.cache_control.private = True
        response.cache_control.no_store = True
    return response.make_conditional(request)


__all__ = ["show"]
