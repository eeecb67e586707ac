"""Fixtures for the Files tests: an account of the `tenant` and uploads built from bytes."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from werkzeug.datastructures import FileStorage

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
