"""One storage interface for uploaded files: a local folder outside the code tree by default,
or an S3-compatible bucket (`STORAGE_BACKEND=s3`).

Every backend writes a whole object or nothing: the local folder writes to a temporary name
and renames it into place when complete, S3 only shows an object once its upload finished. So
a cut connection or a failed check never leaves half a file under a key. Reads stream in
chunks (`open`), so a large download never sits in memory whole.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol, cast

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import ClientError
from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from portal.core.extensions import db

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

_NEW_OBJECTS = "foyer.new_storage_keys"
_KEY = re.compile(r"^[a-z0-9]+(?:/[a-z0-9][a-z0-9._-]{0,120})+$")
CHUNK = 64 * 1024


class Storage(Protocol):
    def put(self, key: str, data: bytes) -> None: ...

    def put_stream(self, key: str, stream: IO[bytes]) -> int: ...

    def get(self, key: str) -> bytes | None: ...

    def open(self, key: str) -> Iterator[bytes] | None: ...

    def size(self, key: str) -> int | None: ...

    def delete(self, key: str) -> None: ...

    def usage(self) -> int | None: ...


def valid_key(key: str) -> bool:
    """Keys are server-generated (`tenants/<id>/<kind>-<sha256>.png`); refuse anything else."""
    return bool(_KEY.match(key)) and ".." not in key


def _checked(key: str) -> str:
    if not valid_key(key):
        raise ValueError(f"invalid storage key: {key!r}")
    return key


class LocalStorage:
    """Files under one root folder; keys map to relative paths, written atomically."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / _checked(key)

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_bytes(data)
        temporary.replace(path)

    def put_stream(self, key: str, stream: IO[bytes]) -> int:
        """Copy `stream` to a unique temporary file beside the target, then rename it into
        place; any error on the way removes the temporary file and leaves no object."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                shutil.copyfileobj(stream, out, CHUNK)
                written = out.tell()
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return written

    def get(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except (FileNotFoundError, ValueError):
            return None

    def open(self, key: str) -> Iterator[bytes] | None:
        try:
            path = self._path(key)
        except ValueError:
            return None
        return _chunks(path) if path.is_file() else None

    def size(self, key: str) -> int | None:
        try:
            return self._path(key).stat().st_size
        except (FileNotFoundError, ValueError):
            return None

    def delete(self, key: str) -> None:
        try:
            self._path(key).unlink()
        except (FileNotFoundError, ValueError):
            pass

    def usage(self) -> int | None:
        """Bytes stored, for the operator's health page (a walk of the folder)."""
        return sum(p.stat().st_size for p in self.root.rglob("*") if p.is_file())


def _chunks(path: Path) -> Iterator[bytes]:
    """Opened on the first read, so a response that is never sent leaves no open file."""
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


class S3Storage:
    """Objects in one bucket of S3 or any S3-compatible service (`endpoint_url`); credentials
    come from boto3's standard chain (AWS_ACCESS_KEY_ID, a profile, an instance role)."""

    def __init__(
        self,
        bucket: str,
        *,
        endpoint_url: str | None = None,
        region: str | None = None,
        prefix: str = "",
        client: S3Client | None = None,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.client: S3Client = client or boto3.client(
            "s3",
            endpoint_url=endpoint_url or None,
            region_name=region or None,
            config=BotoConfig(retries={"max_attempts": 3, "mode": "standard"}),
        )

    def _name(self, key: str) -> str:
        return self.prefix + _checked(key)

    def put(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._name(key), Body=data)

    def put_stream(self, key: str, stream: IO[bytes]) -> int:
        """A (multipart when large) upload: S3 shows the object only once every part arrived,
        and an aborted upload leaves nothing under the key."""
        counter = _CountingReader(stream)
        self.client.upload_fileobj(cast(IO[bytes], counter), self.bucket, self._name(key))
        return counter.count

    def get(self, key: str) -> bytes | None:
        chunks = self.open(key)
        return b"".join(chunks) if chunks is not None else None

    def open(self, key: str) -> Iterator[bytes] | None:
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self._name(key))["Body"]
        except (ClientError, ValueError):
            return None
        return _s3_chunks(body)

    def size(self, key: str) -> int | None:
        try:
            return self.client.head_object(Bucket=self.bucket, Key=self._name(key))["ContentLength"]
        except (ClientError, ValueError):
            return None

    def delete(self, key: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self._name(key))
        except ValueError:
            pass

    def usage(self) -> int | None:
        """Bytes stored under the prefix (a listing); None when the bucket cannot be listed."""
        total = 0
        try:
            pages = self.client.get_paginator("list_objects_v2")
            for page in pages.paginate(Bucket=self.bucket, Prefix=self.prefix):
                total += sum(item.get("Size", 0) for item in page.get("Contents", []))
        except ClientError:
            return None
        return total


def _s3_chunks(body: Any) -> Iterator[bytes]:
    try:
        yield from body.iter_chunks(CHUNK)
    finally:
        body.close()


class _CountingReader:
    """A read-only file object that counts the bytes read through it."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.count += len(data)
        return data


def stored_for_transaction(key: str) -> None:
    """Remember an object written for rows not committed yet: if the transaction is rolled
    back instead, its bytes are deleted, so no unreachable object is left behind."""
    session = db.session()
    if not session.in_transaction():
        session.begin()
    session.info.setdefault(_NEW_OBJECTS, []).append(key)


def _keep_after_commit(session: Session) -> None:
    session.info.pop(_NEW_OBJECTS, None)


def _delete_after_rollback(session: Session, previous: SessionTransaction) -> None:
    if previous.nested:
        return  # a savepoint: the outer transaction decides
    keys = session.info.pop(_NEW_OBJECTS, None)
    if keys and has_app_context() and "foyer.storage" in current_app.extensions:
        for key in keys:
            storage().delete(key)


def init_app(app: Flask) -> None:
    for name, listener in (
        ("after_commit", _keep_after_commit),
        ("after_soft_rollback", _delete_after_rollback),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
    backend = str(app.config.get("STORAGE_BACKEND") or "local").lower()
    if backend == "s3":
        if not app.config.get("S3_BUCKET"):
            raise ValueError("STORAGE_BACKEND=s3 needs S3_BUCKET")
        app.extensions["foyer.storage"] = S3Storage(
            app.config["S3_BUCKET"],
            endpoint_url=app.config.get("S3_ENDPOINT_URL") or None,
            region=app.config.get("S3_REGION") or None,
            prefix=app.config.get("S3_PREFIX") or "",
        )
        return
    if backend != "local":
        raise ValueError(f"STORAGE_BACKEND must be 'local' or 's3', not {backend!r}")
    folder = app.config.get("UPLOAD_FOLDER") or os.path.join(app.instance_path, "uploads")
    app.config["UPLOAD_FOLDER"] = folder
    app.extensions["foyer.storage"] = LocalStorage(folder)


def storage() -> Storage:
    return current_app.extensions["foyer.storage"]
