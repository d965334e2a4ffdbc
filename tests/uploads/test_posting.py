"""Attaching images to a question, an answer and their private details through the pages:
they show in the post; every bad file is a 422 at the field with what was typed kept and
nothing stored; the limit per account holds."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from app.extensions import db
from app.questions.models import Question
from app.uploads.models import Image, Place
from tests.conftest import login_as
from tests.factories import make_company, make_staff, make_user
from tests.questions.helpers import text
from tests.uploads import samples

TITLE = "The export button crashes the app"
FORM = {"title": TITLE, "body": "Screenshot attached.", "seen_similar": "1"}


def files(*contents: bytes, name: str = "screenshot.png") -> list[tuple[io.BytesIO, str]]:
    return [(io.BytesIO(data), name) for data in contents]


def post_multipart(client, url: str, data: dict):  # noqa: ANN001, ANN201 - test client
    """POST ``data`` as multipart from memory (the test client would spool a large body to a
    temporary file it never closes)."""
    fields = MultiDict()
    for name, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, tuple):
                item = FileStorage(item[0], filename=item[1])
            fields.add(name, item)
    boundary, body = encode_multipart(fields)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def stored_files(app) -> list[Path]:  # noqa: ANN001 - the Flask app
    return [p for p in Path(app.config["UPLOADS_DIR"]).rglob("*") if p.is_file()]


def image_rows() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Image))


@pytest.fixture
def asker(client):
    user = make_user("asker")
    make_company("Acme", domain="acme.com")
    db.session.commit()
    login_as(client, user)
    return user


def test_the_ask_form_posts_files_with_csrf(client, asker):
    page = text(client.get("/companies/acme/ask"))
    form = re.search(r'<form[^>]*id="ask-form"[^>]*>', page).group(0)
    assert 'enctype="multipart/form-data"' in form
    assert re.search(r'<input[^>]*type="file"[^>]*name="images"', page) or re.search(
        r'<input[^>]*name="images"[^>]*type="file"', page
    )
    assert 'accept="image/png,image/jpeg,image/webp,image/gif"' in page
    assert "multiple" in page


def test_a_question_with_images_shows_them_in_the_post(client, app, asker):
    before = len(stored_files(app))
    response = client.post(
        "/companies/acme/ask",
        data={**FORM, "images": files(samples.png((40, 30)), samples.jpeg_with_exif((60, 20)))},
    )

    assert response.status_code == 303
    question = db.session.scalar(sa.select(Question).where(Question.title == TITLE))
    images = db.session.scalars(
        sa.select(Image).where(Image.question_id == question.id).order_by(Image.position)
    ).all()
    assert [(i.place, i.content_type, i.width, i.height) for i in images] == [
        (Place.POST, "image/png", 40, 30),
        (Place.POST, "image/jpeg", 20, 60),
    ]
    assert question.image_count == 2
    assert len(stored_files(app)) == before + 2
    page = text(client.get(response.location))
    for image in images:
        tag = re.search(rf'<img src="/images/{image.id}"[^>]*>', page).group(0)
        assert f'width="{image.width}"' in tag and f'height="{image.height}"' in tag
        assert 'loading="lazy"' in tag
        assert 'alt="Image ' in tag and "@asker" in tag
    # The user's file name is kept nowhere.
    assert "screenshot.png" not in page


@pytest.mark.parametrize(
    ("upload", "why"),
    [
        (files(samples.SVG, name="logo.svg"), "not a PNG, JPEG, WebP or GIF"),
        (files(samples.HTML, name="innocent.png"), "not a PNG, JPEG, WebP or GIF"),
        (files(samples.truncated_jpeg(), name="half.jpg"), "damaged or incomplete"),
        (files(samples.png_claiming(30_000, 30_000), name="bomb.png"), "too many pixels"),
        (files(samples.too_large(), name="huge.png"), "at most 5 MB"),
        (files(*[samples.png()] * 5), "Attach at most 4 images; you chose 5."),
        # One bad file among good ones: none of them is stored.
        (files(samples.png(), samples.SVG), "Image 2:"),
    ],
    ids=["svg", "html-named-png", "truncated", "bomb", "over-5-mb", "fifth-image", "one-bad"],
)
def test_a_bad_file_is_refused_at_the_field_and_nothing_is_stored(client, app, asker, upload, why):
    before = len(stored_files(app))

    response = post_multipart(client, "/companies/acme/ask", {**FORM, "images": upload})

    assert response.status_code == 422
    page = text(response)
    error = re.search(r'<p class="field__error" id="images-error">(.*?)</p>', page, re.S)
    assert error and why in error.group(1)
    assert f'value="{TITLE}"' in page  # what was typed is kept
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 0
    assert image_rows() == 0
    assert len(stored_files(app)) == before


def test_four_images_and_four_private_ones_may_go_with_one_question(client, app):
    asker = make_user("asker")
    acme = make_company("Acme", domain="acme.com")
    make_staff(acme, make_user("jane"), role="admin")
    db.session.commit()
    login_as(client, asker)

    response = client.post(
        "/companies/acme/ask",
        data={
            **FORM,
            "images": files(*[samples.png()] * 4),
            "private_images": files(*[samples.webp()] * 4),
        },
    )

    assert response.status_code == 303
    places = db.session.scalars(sa.select(Image.place)).all()
    assert sorted(places) == [Place.POST] * 4 + [Place.PRIVATE] * 4


def test_private_images_are_refused_on_an_unclaimed_company(client, app, asker):
    response = client.post(
        "/companies/acme/ask", data={**FORM, "private_images": files(samples.png())}
    )

    assert response.status_code == 422
    assert "has not claimed its page" in text(response)
    assert image_rows() == 0


def test_an_answer_with_images_shows_them(client, app, asker):
    client.post("/companies/acme/ask", data=FORM)
    question = db.session.scalar(sa.select(Question))
    peer = make_user("peer")
    db.session.commit()
    login_as(client, peer)

    response = client.post(
        f"/questions/{question.id}/answers",
        data={"body": "Here is what I see.", "images": files(samples.animated_gif())},
    )

    assert response.status_code == 303
    image = db.session.scalar(sa.select(Image))
    assert (image.answer_id is not None, image.content_type) == (True, "image/png")
    page = text(client.get(f"/questions/{question.id}/{question.slug}"))
    assert f'<img src="/images/{image.id}"' in page
    form = re.search(r'<form[^>]*action="/questions/\d+/answers"[^>]*>', page).group(0)
    assert 'enctype="multipart/form-data"' in form


def test_a_refused_answer_keeps_its_text_and_stores_nothing(client, app, asker):
    client.post("/companies/acme/ask", data=FORM)
    question = db.session.scalar(sa.select(Question))

    response = client.post(
        f"/questions/{question.id}/answers",
        data={"body": "My words stay.", "images": files(samples.HTML)},
    )

    assert response.status_code == 422
    page = text(response)
    assert "My words stay." in page
    assert "not a PNG, JPEG, WebP or GIF" in page
    assert image_rows() == 0


def test_only_staff_add_images_to_an_answers_private_details(client, app):
    acme = make_company("Acme", domain="acme.com")
    agent, peer = make_user("agent"), make_user("peer")
    make_staff(acme, agent)
    asker = make_user("asker")
    db.session.commit()
    login_as(client, asker)
    client.post("/companies/acme/ask", data=FORM)
    question = db.session.scalar(sa.select(Question))

    login_as(client, peer)
    refused = client.post(
        f"/questions/{question.id}/answers",
        data={"body": "Me too.", "private_images": files(samples.png())},
    )
    login_as(client, agent)
    accepted = client.post(
        f"/questions/{question.id}/answers",
        data={"body": "Where to click.", "private_images": files(samples.png())},
    )

    assert refused.status_code == 422
    assert "Only Acme&#39;s staff add private details" in text(refused)
    assert accepted.status_code == 303
    assert db.session.scalars(sa.select(Image.place)).all() == [Place.PRIVATE]


def test_images_per_account_are_bounded(client, app, asker, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_LIMITS", "3 per hour")
    monkeypatch.setitem(app.config, "QUESTION_LIMITS", "50 per hour")
    first = client.post(
        "/companies/acme/ask", data={**FORM, "images": files(samples.png(), samples.png())}
    )
    second = client.post(
        "/companies/acme/ask",
        data={
            **FORM,
            "title": "Another crash on export",
            "body": "Two more screenshots.",
            "images": files(*[samples.png()] * 2),
        },
    )

    assert first.status_code == 303
    assert second.status_code == 429
    assert second.headers["Retry-After"]
    assert "You have added 3 images in the last hour" in text(second)
    assert image_rows() == 2


def test_a_form_with_images_may_be_larger_than_other_requests(client, app, asker):
    # A 4 MB photograph: above MAX_CONTENT_LENGTH (1 MiB), within a form with images' limit.
    photo = samples.noise_png(1150)
    assert app.config["MAX_CONTENT_LENGTH"] < len(photo) < 5 * 1024 * 1024

    response = post_multipart(client, "/companies/acme/ask", {**FORM, "images": files(photo)})
    elsewhere = post_multipart(client, "/companies/acme/follow", {"images": files(photo)})

    assert response.status_code == 303
    assert elsewhere.status_code == 413


def test_a_post_with_images_needs_the_csrf_token(client, app, asker, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    page = text(client.get("/companies/acme/ask"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    before = len(stored_files(app))

    forged = client.post("/companies/acme/ask", data={**FORM, "images": files(samples.png())})
    genuine = client.post(
        "/companies/acme/ask",
        data={**FORM, "csrf_token": token, "images": files(samples.png())},
    )

    assert forged.status_code == 400
    assert genuine.status_code == 303
    assert image_rows() == 1
    assert len(stored_files(app)) == before + 1


def test_the_image_field_and_its_refusals_speak_danish(client, app, asker):
    danish = {"Accept-Language": "da"}

    form = text(client.get("/companies/acme/ask", headers=danish))
    refused = post_multipart(client, "/companies/acme/ask", {**FORM, "images": files(samples.SVG)})
    refused_da = client.post(
        "/companies/acme/ask",
        data={**FORM, "images": files(samples.SVG)},
        headers=danish,
    )

    assert ">Billeder</label>" in form
    assert "Op til 4 PNG-, JPEG-, WebP- eller GIF-billeder" in form
    assert "Image 1: This file is not a PNG, JPEG, WebP or GIF image." in text(refused)
    assert "Billede 1: Denne fil er ikke et PNG-, JPEG-, WebP- eller GIF-billede." in text(
        refused_da
    )


def test_a_full_disk_is_a_503_and_nothing_is_kept(client, app, asker, monkeypatch):
    from app.uploads.storage import LocalStorage

    def full(self, key, data, content_type):  # noqa: ANN001, ANN202 - LocalStorage.put
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(LocalStorage, "put", full)

    response = client.post("/companies/acme/ask", data={**FORM, "images": files(samples.png())})

    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert "Images cannot be stored right now" in text(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 0
    assert image_rows() == 0


def test_an_unreadable_store_is_a_503(client, app, asker, monkeypatch):
    from app.uploads.storage import LocalStorage

    client.post("/companies/acme/ask", data={**FORM, "images": files(samples.png())})
    image_id = db.session.scalar(sa.select(Image.id))

    def broken(self, key):  # noqa: ANN001, ANN202 - LocalStorage.get
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(LocalStorage, "get", broken)

    assert client.get(f"/images/{image_id}").status_code == 503
