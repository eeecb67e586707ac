"""One contract for every storage backend: the local folder, and S3 over HTTP against a local
moto server started here (127.0.0.1, a free port, no internet)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from portal.core.storage import LocalStorage, S3Storage, Storage

BUCKET = "foyer-test"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture(params=["local", "s3"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    if request.param == "local":
        return LocalStorage(tmp_path / "uploads")
    request.getfixturevalue("s3_credentials")
    endpoint = request.getfixturevalue("s3_endpoint")
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    name = f"{BUCKET}-{tmp_path.name.lower().replace('_', '-')[-30:]}"
    client.create_bucket(Bucket=name)
    return S3Storage(name, endpoint_url=endpoint, region="us-east-1", prefix="foyer")


KEY = "tenants/1/files/0123abcd"


class Broken(io.RawIOBase):
    """A stream that fails part way, like a connection cut during an upload."""

    def __init__(self, good: bytes) -> None:
        self.left = good

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if not self.left:
            raise ConnectionResetError("connection cut")
        size = min(len(buffer), len(self.left))
        buffer[:size] = self.left[:size]
        self.left = self.left[size:]
        return size


def test_put_get_size_delete(backend: Storage) -> None:
    backend.put(KEY, b"hello")
    assert backend.get(KEY) == b"hello"
    assert backend.size(KEY) == 5
    backend.delete(KEY)
    assert backend.get(KEY) is None and backend.size(KEY) is None and backend.open(KEY) is None
    backend.delete(KEY)  # deleting twice is fine


def test_put_stream_and_open_in_chunks(backend: Storage) -> None:
    data = bytes(range(256)) * 4096 * 10  # 10 MB: several chunks, and a multipart upload on S3
    assert backend.put_stream(KEY, io.BytesIO(data)) == len(data)
    assert backend.size(KEY) == len(data)
    chunks = backend.open(KEY)
    assert chunks is not None
    pieces = list(chunks)
    assert len(pieces) > 1 and max(map(len, pieces)) <= 64 * 1024
    assert b"".join(pieces) == data


def test_a_cut_upload_leaves_no_object(backend: Storage, tmp_path: Path) -> None:
    backend.put(KEY, b"previous")
    with pytest.raises(ConnectionResetError):
        backend.put_stream(KEY, io.BufferedReader(Broken(b"x" * 200_000)))
    assert backend.get(KEY) == b"previous"  # untouched, never half-replaced
    other = "tenants/1/files/new"
    with pytest.raises(ConnectionResetError):
        backend.put_stream(other, io.BufferedReader(Broken(b"x" * 200_000)))
    assert backend.get(other) is None
    if isinstance(backend, LocalStorage):
        assert [p.name for p in backend.root.rglob("*") if p.is_file()] == ["0123abcd"]


@pytest.mark.parametrize("key", ["../etc/passwd", "/abs/path", "tenants/1/../../x", "UPPER/x"])
def test_invalid_keys_are_refused(backend: Storage, key: str) -> None:
    with pytest.raises(ValueError):
        backend.put(key, b"x")
    assert backend.get(key) is None
