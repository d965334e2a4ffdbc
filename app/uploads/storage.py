"""Where image bytes live: a small interface with two backends (issue 13).

- ``LocalStorage`` (the default): files under ``UPLOADS_DIR``, ``instance/uploads`` unless
  configured, two levels of folders by the key's first characters so no folder grows huge.
- ``S3Storage`` (production, several app nodes): one bucket of any S3-compatible store
  (AWS S3, MinIO, Ceph, R2) through boto3, an optional dependency (``pip install
  helpsquare[s3]``). ``UPLOADS_BACKEND=s3`` with ``UPLOADS_S3_BUCKET`` and, for a store
  that is not AWS, ``UPLOADS_S3_ENDPOINT_URL``; credentials come the usual boto3 ways
  (environment, instance role), never from Helpsquare's settings.

Keys are the images' own random ids (``app.uploads.models.Image.id``): never a name a user
chose, so no path can be smuggled in. Objects are written once and never changed. The
database row says what an object is (its type, its size, what it is attached to); the
store holds bytes only, and serving always goes through the app, which asks the
visibility rule first.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any, Protocol

from flask import current_app

from app.errors import DomainError
from app.i18n import _

log = logging.getLogger(__name__)


class StorageUnavailable(DomainError):
    """The upload store cannot be written or read now (a full disk, an unreachable bucket):
    a 503 with ``Retry-After``, as when the database is down, never a 500."""

    status = 503
    code = "unavailable"


# What a key may look like (the ids ``models.new_image_id`` makes): nothing else reaches a path.
_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class Storage(Protocol):
    """Stores and returns the bytes of one image per key."""

    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def get(self, key: str) -> bytes | None:
        """The bytes stored under ``key``, or ``None`` when there are none."""
        ...

    def delete(self, key: str) -> None:
        """Forget ``key``; a key that is not there is no error."""
        ...


def _checked(key: str) -> str:
    if not _KEY.match(key):
        raise ValueError(f"not an image key: {key!r}")
    return key


class LocalStorage:
    """Files in a folder on this machine (one app node, or a shared filesystem)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        key = _checked(key)
        return self.root / key[:2] / key[2:4] / key

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written beside it, then renamed: a reader never sees half a file.
        partial = path.with_suffix(".partial")
        partial.write_bytes(data)
        partial.replace(path)

    def get(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            return None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


class S3Storage:
    """Objects in one bucket of an S3-compatible store, through boto3."""

    def __init__(
        self, bucket: str, *, endpoint_url: str | None = None, region: str | None = None
    ) -> None:
        try:
            import boto3
        except ImportError as error:  # pragma: no cover - depends on the installation
            raise RuntimeError(
                "UPLOADS_BACKEND=s3 needs boto3: pip install 'helpsquare[s3]'"
            ) from error
        self.bucket = bucket
        self.client: Any = boto3.client("s3", endpoint_url=endpoint_url or None, region_name=region)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(
            Bucket=self.bucket, Key=_checked(key), Body=data, ContentType=content_type
        )

    def get(self, key: str) -> bytes | None:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=_checked(key))
        except self.client.exceptions.NoSuchKey:
            return None
        return answer["Body"].read()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=_checked(key))


def put(key: str, data: bytes, content_type: str) -> None:
    """Store the bytes in the configured store, or raise ``StorageUnavailable``."""
    try:
        storage().put(key, data, content_type)
    except Exception as error:  # OSError, botocore's errors: all "not now"
        log.exception("the upload store could not keep %s", key)
        raise StorageUnavailable(
            _("Images cannot be stored right now. Please try again in a moment.")
        ) from error


def get(key: str) -> bytes | None:
    """The bytes of ``key`` from the configured store (``None``: none), or raise
    ``StorageUnavailable``."""
    try:
        return storage().get(key)
    except Exception as error:  # as in put
        log.exception("the upload store could not return %s", key)
        raise StorageUnavailable(
            _("Images cannot be shown right now. Please try again in a moment.")
        ) from error


def storage() -> Storage:
    """The configured store, made once per application."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    made = app.extensions.get("helpsquare_uploads")
    if made is None:
        made = app.extensions["helpsquare_uploads"] = _make(app.config, app.instance_path)
    return made


def _make(config: Any, instance_path: str) -> Storage:
    backend = (config.get("UPLOADS_BACKEND") or "local").lower()
    if backend == "s3":
        return S3Storage(
            config["UPLOADS_S3_BUCKET"],
            endpoint_url=config.get("UPLOADS_S3_ENDPOINT_URL"),
            region=config.get("UPLOADS_S3_REGION"),
        )
    if backend != "local":
        raise ValueError(f"UPLOADS_BACKEND must be local or s3, not {backend!r}")
    return LocalStorage(config.get("UPLOADS_DIR") or Path(instance_path) / "uploads")


__all__ = ["LocalStorage", "S3Storage", "Storage", "StorageUnavailable", "get", "put", "storage"]
