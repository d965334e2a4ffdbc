"""Company logos (issue 13): uploaded by the company's admins through the image pipeline,
refused at the field when the file is bad, shown on the company's page and in the lists."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from PIL import Image as PILImage

from app.companies import logos
from app.errors import PermissionDenied, ValidationError
from app.extensions import db
from app.uploads.models import Image, Place
from app.uploads.storage import storage
from tests.conftest import login_as
from tests.factories import make_company, make_staff, make_user
from tests.questions.helpers import text
from tests.uploads import samples


@pytest.fixture
def acme():
    company = make_company("Acme", slug="acme", domain="acme.com")
    make_staff(company, make_user("jane"), role="admin")
    make_staff(company, make_user("agent"))
    db.session.commit()
    return company


def _user(name: str):  # noqa: ANN202
    from app.accounts.models import User

    return db.session.scalar(sa.select(User).where(User.username == name))


def test_an_admin_uploads_a_logo_shown_on_the_page_and_in_lists(client, acme):
    login_as(client, _user("jane"))
    edit_page = text(client.get("/companies/acme/edit"))
    assert 'action="/companies/acme/logo"' in edit_page
    assert 'enctype="multipart/form-data"' in edit_page

    response = client.post(
        "/companies/acme/logo",
        data={"action": "upload", "logo": (io.BytesIO(samples.large_png(1200, 1200)), "l.png")},
    )

    assert response.status_code == 303
    db.session.refresh(acme)
    logo = db.session.get(Image, acme.logo_image_id)
    assert (logo.place, logo.width, logo.height) == (Place.LOGO, 512, 512)
    tag = f'<img class="company-logo" src="/images/{logo.id}" alt=""'
    for path in ("/companies/acme", "/companies/", "/"):
        assert tag in text(client.get(path)), path
    served = client.get(f"/images/{logo.id}")
    assert served.status_code == 200
    assert PILImage.open(io.BytesIO(served.data)).size == (512, 512)


def test_anyone_may_fetch_a_logo_and_keep_it_a_day(app, acme):
    logos.set_logo(_user("jane"), acme, io.BytesIO(samples.png()))

    response = app.test_client().get(f"/images/{acme.logo_image_id}")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=86400"


def test_a_new_logo_replaces_the_old_one_whose_bytes_go(acme):
    jane = _user("jane")
    logos.set_logo(jane, acme, io.BytesIO(samples.png()))
    first = acme.logo_image_id

    logos.set_logo(jane, acme, io.BytesIO(samples.webp()))

    assert acme.logo_image_id != first
    assert db.session.get(Image, first) is None
    assert storage().get(first) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Image)) == 1


def test_the_logo_can_be_removed(client, acme):
    logos.set_logo(_user("jane"), acme, io.BytesIO(samples.png()))
    old = acme.logo_image_id
    login_as(client, _user("jane"))

    response = client.post("/companies/acme/logo", data={"action": "remove"})

    assert response.status_code == 303
    db.session.refresh(acme)
    assert acme.logo_image_id is None
    assert storage().get(old) is None
    assert "company-logo" not in text(client.get("/companies/acme"))


@pytest.mark.parametrize(
    ("upload", "why"),
    [
        ((io.BytesIO(samples.SVG), "logo.svg"), "not a PNG, JPEG, WebP or GIF"),
        ((io.BytesIO(samples.HTML), "logo.png"), "not a PNG, JPEG, WebP or GIF"),
        ((io.BytesIO(b""), ""), "Choose an image for the logo."),
    ],
    ids=["svg", "html-named-png", "none"],
)
def test_a_bad_logo_is_refused_at_its_field(client, acme, upload, why):
    login_as(client, _user("jane"))

    response = client.post("/companies/acme/logo", data={"action": "upload", "logo": upload})

    assert response.status_code == 422
    error = re.search(r'<p class="field__error" id="logo-error">(.*?)</p>', text(response))
    assert error and why in error.group(1)
    db.session.refresh(acme)
    assert acme.logo_image_id is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Image)) == 0


@pytest.mark.parametrize("who", ["agent", "stranger"])
def test_only_the_companys_admins_set_its_logo(client, acme, who):
    user = _user(who) or make_user(who)
    db.session.commit()
    with pytest.raises(PermissionDenied):
        logos.set_logo(user, acme, io.BytesIO(samples.png()))
    login_as(client, user)
    response = client.post(
        "/companies/acme/logo",
        data={"action": "upload", "logo": (io.BytesIO(samples.png()), "l.png")},
    )
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Image)) == 0


def test_a_service_refusal_says_which_field(acme):
    with pytest.raises(ValidationError) as refused:
        logos.set_logo(_user("jane"), acme, io.BytesIO(samples.truncated_jpeg()))
    assert "damaged or incomplete" in refused.value.fields["logo"]
