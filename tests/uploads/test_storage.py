"""The storage interface: the local folder and the S3 backend (boto3), the latter against
moto's S3 server on a loopback port, as production would talk to any S3-compatible store."""

from __future__ import annotations

import io
import socket
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.questions import services as question_services
from app.uploads.models import Image
from app.uploads.storage import LocalStorage, S3Storage, Storage
from tests.conftest import login_as
from tests.factories import make_company, make_user
from tests.uploads import samples

KEY = "AbCdEfGhIjKlMnOpQrStUvWx"
BUCKET = "helpsquare-test-uploads"


def _round_trip(store: Storage) -> None:
    assert store.get(KEY) is None
    store.put(KEY, b"image bytes", "image/png")
    assert store.get(KEY) == b"image bytes"
    store.delete(KEY)
    assert store.get(KEY) is None
    store.delete(KEY)  # forgetting what is not there is no error


def test_the_local_folder_keeps_and_forgets_bytes(tmp_path):
    store = LocalStorage(tmp_path)
    _round_trip(store)
    store.put(KEY, b"x", "image/png")
    assert (tmp_path / KEY[:2] / KEY[2:4] / KEY).read_bytes() == b"x"


@pytest.mark.parametrize("key", ["../../etc/passwd", "a/b", "short", "", "x" * 65])
def test_a_key_that_is_not_an_image_id_reaches_no_path(tmp_path, key):
    with pytest.raises(ValueError):
        LocalStorage(tmp_path).put(key, b"x", "image/png")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3(s3_endpoint, monkeypatch) -> S3Storage:
    # moto takes any credentials; none of the machine's own are read.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    store = S3Storage(BUCKET, endpoint_url=s3_endpoint, region="us-east-1")
    store.client.create_bucket(Bucket=BUCKET)
    return store


def test_the_s3_backend_keeps_and_forgets_bytes(s3):
    _round_trip(s3)
    s3.put(KEY, b"x", "image/webp")
    head = s3.client.head_object(Bucket=BUCKET, Key=KEY)
    assert head["ContentType"] == "image/webp"


def test_an_upload_goes_to_the_bucket_and_is_served_from_it(app, client, s3, monkeypatch):
    monkeypatch.setitem(app.extensions, "helpsquare_uploads", s3)
    asker = make_user("asker")
    acme = make_company("Acme")
    db.session.commit()
    question_services.ask_question(
        asker, acme, title="Crash on export", body="See.", images=[io.BytesIO(samples.webp())]
    )
    image_id = db.session.scalar(sa.select(Image.id))
    login_as(client, asker)

    response = client.get(f"/images/{image_id}")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/webp"
    assert s3.get(image_id) == response.data
