"""Serving /images/<id>: the re-encoding's Content-Type, nosniff, inline with no file name;
and the one visibility rule: an image of a hidden, deleted or merged-away post, or of
private details, reaches only those who may read that post (a marker image proves it)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from PIL import Image as PILImage

from app.answers import services as answer_services
from app.db import utcnow
from app.extensions import db
from app.questions import services as question_services
from app.uploads.models import Image, Place
from tests.conftest import login_as
from tests.factories import make_company, make_question, make_staff, make_user
from tests.questions.helpers import text
from tests.uploads import samples

# The private image's pixels: a colour nobody else uploads.
MARKER = (1, 2, 3)


def _marker_png() -> bytes:
    return samples.png((30, 30), colour=MARKER)


def _is_marker(data: bytes) -> bool:
    return PILImage.open(io.BytesIO(data)).convert("RGB").getpixel((0, 0)) == MARKER


@pytest.fixture
def world():
    acme = make_company("Acme", domain="acme.com")
    jane, agent = make_user("jane"), make_user("agent")
    make_staff(acme, jane, role="admin")
    make_staff(acme, agent)
    asker, peer = make_user("asker"), make_user("peer")
    mod = make_user("mod", is_moderator=True)
    db.session.commit()
    question = question_services.ask_question(
        asker,
        acme,
        title="My order never arrived",
        body="Here is the screen.",
        images=[io.BytesIO(samples.animated_gif())],
        private_images=[io.BytesIO(_marker_png())],
    )
    answer = answer_services.post_answer(
        peer, question, body="Same here, look.", images=[io.BytesIO(samples.png())]
    )
    images = {
        (i.place, i.answer_id is not None): i.id for i in db.session.scalars(sa.select(Image))
    }
    return {
        "users": {"asker": asker, "peer": peer, "jane": jane, "agent": agent, "mod": mod},
        "question": question,
        "answer": answer,
        "public": images[(Place.POST, False)],
        "private": images[(Place.PRIVATE, False)],
        "answer_image": images[(Place.POST, True)],
    }


def _client(app, world, who):  # noqa: ANN001, ANN202
    client = app.test_client()
    if who != "anonymous":
        login_as(client, world["users"][who])
    return client


def test_an_image_is_served_as_its_re_encoding_with_safe_headers(client, world):
    response = client.get(f"/images/{world['public']}")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"  # the GIF was stored as a PNG
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"] == "inline"
    assert PILImage.open(io.BytesIO(response.data)).format == "PNG"
    # Everyone may see it: a signed-out reader may keep it a minute.
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert (
        client.get(
            f"/images/{world['public']}", headers={"If-None-Match": response.headers["ETag"]}
        ).status_code
        == 304
    )


def test_a_signed_in_reader_gets_it_uncached(app, world):
    response = _client(app, world, "peer").get(f"/images/{world['public']}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"


def test_an_unknown_or_overlong_id_is_a_404(client, world):
    assert client.get("/images/nothing-like-an-image-id").status_code == 404
    assert client.get("/images/" + "a" * 300).status_code == 404
    assert client.get("/images/..%2F..%2Fconfig.py").status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "peer", "asker", "jane", "agent", "mod"])
def test_private_details_images_reach_their_readers_only(app, world, who):
    client = _client(app, world, who)

    response = client.get(f"/images/{world['private']}")
    page = text(client.get(f"/questions/{world['question'].id}/{world['question'].slug}"))

    if who in ("asker", "jane", "agent", "mod"):
        assert response.status_code == 200 and _is_marker(response.data)
        assert world["private"] in page
    else:
        assert response.status_code == 404
        assert not _is_marker_anywhere(response.data)
        assert world["private"] not in page
    assert world["public"] in page  # the question's other image is for everyone


def _is_marker_anywhere(data: bytes) -> bool:
    try:
        return _is_marker(data)
    except PILImage.UnidentifiedImageError:
        return False


@pytest.mark.parametrize("how", ["hidden", "merged"])
@pytest.mark.parametrize("who", ["anonymous", "peer", "asker", "mod"])
def test_a_hidden_or_merged_questions_images_follow_the_question(app, world, how, who):
    question = world["question"]
    if how == "hidden":
        question.hidden_at, question.hidden_reason = utcnow(), "Spam"
    else:
        question.merged_into_id = make_question(question.company).id
    db.session.commit()

    status = _client(app, world, who).get(f"/images/{world['public']}").status_code

    may_read = who == "mod" or (who == "asker" and how == "hidden")
    assert status == (200 if may_read else 404)


@pytest.mark.parametrize("who", ["anonymous", "asker", "peer", "mod"])
def test_a_deleted_answers_images_follow_the_answer(app, world, who):
    world["answer"].hidden_at = utcnow()
    world["answer"].hidden_reason = "Deleted by its author"
    db.session.commit()

    status = _client(app, world, who).get(f"/images/{world['answer_image']}").status_code

    assert status == (200 if who in ("peer", "mod") else 404)


def test_the_question_page_reads_images_in_one_statement(client, count_queries, world):
    question = world["question"]
    url = f"/questions/{question.id}/{question.slug}"
    db.session.commit()
    db.session.expunge_all()
    with count_queries() as with_images:
        assert client.get(url).status_code == 200
    plain = make_question(make_company("Plain"))
    plain_url = f"/questions/{plain.id}/{plain.slug}"
    db.session.commit()
    db.session.expunge_all()
    with count_queries() as without:
        assert client.get(plain_url).status_code == 200

    assert len(with_images) == len(without) + 1
    assert sum("FROM images" in s for s in with_images) == 1


def test_merged_answers_take_their_images_along(app, world):
    from app.moderation.merging import merge_question

    question = world["question"]
    original = question_services.ask_question(
        world["users"]["asker"], question.company, title="Order missing", body="Earlier."
    )
    original.created_at = question.created_at - timedelta(hours=1)  # asked before it
    db.session.commit()
    merge_question(world["users"]["mod"], question, into=original)

    client = app.test_client()
    page = text(client.get(f"/questions/{original.id}/{original.slug}"))

    assert client.get(f"/images/{world['answer_image']}").status_code == 200
    assert world["answer_image"] in page
    # The duplicate's own images stay with it: only those who may read it get them.
    assert client.get(f"/images/{world['public']}").status_code == 404


def test_answers_with_private_images_move_only_to_the_same_askers_question(world):
    from app.errors import ValidationError
    from app.moderation.merging import PRIVATE_DETAILS_FOR_ANOTHER_ASKER, merge_question

    question = world["question"]
    answer_services.post_answer(
        world["users"]["agent"],
        question,
        body="See the screen.",
        private_images=[io.BytesIO(_marker_png())],
    )
    other = question_services.ask_question(
        world["users"]["peer"], question.company, title="Order missing too", body="Same."
    )
    other.created_at = question.created_at - timedelta(hours=1)
    db.session.commit()

    with pytest.raises(ValidationError) as refused:
        merge_question(world["users"]["mod"], question, into=other)

    assert refused.value.fields["into"] == PRIVATE_DETAILS_FOR_ANOTHER_ASKER
