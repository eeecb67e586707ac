"""Fixtures for the Files tests: an account of the `tenant` and uploads built from bytes."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from portal.clients.models import ClientAccount
from portal.core.extensions import db
from tenants.resolution import snapshot_of
from tenants.snapshot import TenantSnapshot

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def snap(tenant: Any) -> TenantSnapshot:
    return snapshot_of(tenant)


@pytest.fixture
def make_account(app: Any) -> Callable[..., ClientAccount]:
    def make(tenant: Any, name: str = "Birch Household") -> ClientAccount:
        account = ClientAccount(tenant_id=tenant.id, name=name, kind="household")
        db.session.add(account)
        db.session.commit()
        return account

    return make


@pytest.fixture
def account(make_account: Callable[..., ClientAccount], tenant: Any) -> ClientAccount:
    return make_account(tenant)


def upload(data: bytes, name: str, content_type: str = "application/octet-stream") -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=name, content_type=content_type)


PASSWORD = "maple kettle horizon 58"


@pytest.fixture
def make_client(client_for: Any, tenant: Any) -> Callable[..., Any]:
    """A contact with portal access to `account`, signed in; returns their HostClient."""
    from tests.fixtures.people import add_client_login, sign_in_client, tenant_host

    def make(account: ClientAccount, email: str = "carol@birch.example") -> Any:
        add_client_login(tenant.id, account.id, email, password=PASSWORD)
        return sign_in_client(client_for(tenant_host(tenant)), email, PASSWORD)

    return make


@pytest.fixture
def client(make_client: Callable[..., Any], account: ClientAccount) -> Any:
    return make_client(account)


def post_files(
    who: Any,
    page: str,
    action: str,
    files: list[tuple[bytes, str]],
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Any:
    """Open `page` for its CSRF token and post `files` to `action` as the upload form does.

    The body is encoded in memory: Werkzeug's test client would spool a large one to a
    temporary file it never closes."""
    from tests.fixtures.tenants import csrf_from

    token = csrf_from(who.get(page).get_data(as_text=True))
    values = MultiDict([("csrf_token", token), *extra.items()])
    for content, name in files:
        values.add("files", FileStorage(io.BytesIO(content), filename=name))
    boundary, body = encode_multipart(values)
    return who.post(
        action,
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=headers or {},
    )
