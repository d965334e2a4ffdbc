"""Company logos (issue 13): uploaded by whoever may edit the company's page (its admin
staff on a claimed company, site admins), through the same image pipeline as posts
(``app.uploads``: decoded and encoded anew, metadata stripped), kept at most 512 px on their
longest side, and shown on the company's page and in the lists of companies. A logo is
public, like the page. A new logo replaces the old one, whose row and bytes go."""

from __future__ import annotations

from typing import IO, Any

from app.companies.models import Company
from app.errors import ValidationError
from app.extensions import db
from app.i18n import _
from app.policy import Permission, require
from app.uploads import services as uploads

# The field of the logo form (and of its refusals).
LOGO = "logo"
# Logos show at 48 px (96 on a sharp screen): 512 leaves room for any later size.
LOGO_SIDE = 512


def set_logo(user: Any, company: Company, file: IO[bytes] | None) -> Company:
    """The company's admin staff (or a site admin) give it a logo: one PNG, JPEG, WebP or
    GIF of at most 5 MB, refused at the field ``logo`` otherwise. Counts against the
    uploader's limit on images."""
    require(user, Permission.COMPANY_EDIT, company)
    errors: dict[str, str] = {}
    if file is None:
        errors[LOGO] = _("Choose an image for the logo.")
    prepared = [] if file is None else uploads.check([file], LOGO, errors, max_side=LOGO_SIDE)
    if errors:
        raise ValidationError(_("Please correct the marked fields."), fields=errors)
    uploads.admit(user, 1)
    old = company.logo_image_id
    image = uploads.store_logo(user, prepared[0])
    db.session.flush()  # the image's row before the company names it
    company.logo_image_id = image.id
    if old is not None:
        uploads.forget(old)
    db.session.commit()
    return company


def remove_logo(user: Any, company: Company) -> Company:
    """The same people take the logo away; the page shows none."""
    require(user, Permission.COMPANY_EDIT, company)
    old = company.logo_image_id
    if old is not None:
        company.logo_image_id = None
        db.session.flush()
        uploads.forget(old)
    db.session.commit()
    return company


__all__ = ["LOGO", "LOGO_SIDE", "remove_logo", "set_logo"]
