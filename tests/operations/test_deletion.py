"""Deleting a tenant: confirmation, export archive first, restore within the grace period, and
a purge after it that removes every row and file of that tenant and nothing of another."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest

from portal.core.database import utcnow
from portal.core.extensions import db
from portal.operations.deletion import purge_due
from portal.operations.models import TenantLifecycle
from tenants.models import Tenant
from tests.operations.conftest import counts, file_keys, populate, stored


@pytest.fixture
def two_firms(tenant, staff, make_tenant, make_staff):  # type: ignore[no-untyped-def]
    other = make_tenant(slug="bravo", name="Bravo Books")
    other_staff = make_staff(other, "boss@bravo.example")
    populate(tenant.id, staff.id, "Acme")
    populate(other.id, other_staff.id, "Bravo")
    return tenant, other


def delete(console, tenant, confirm: str | None = None):  # type: ignore[no-untyped-def]
    return console.submit(
        f"/operator/tenants/{tenant.id}/delete",
        {"confirm": confirm if confirm is not None else tenant.slug, "reason": "Closed shop"},
    )


def test_delete_asks_for_the_slug(console, two_firms):
    acme, _ = two_firms
    response = delete(console, acme, confirm="nope")
    assert response.status_code == 422
    assert "Type the tenant&#39;s slug to confirm" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Tenant, acme.id).status == "active"


def test_export_archive_holds_every_row_and_file(console, two_firms, portal):
    acme, _ = two_firms
    assert delete(console, acme).status_code == 302
    db.session.expire_all()
    assert db.session.get(Tenant, acme.id).status == "deleting"
    assert portal.get("/robots.txt").status_code == 404  # offline at once
    page = console.get(f"/operator/tenants/{acme.id}").get_data(as_text=True)
    assert "Scheduled for deletion" in page and "Closed shop" in page

    response = console.get(f"/operator/tenants/{acme.id}/export.zip")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = set(archive.namelist())
    data = {
        name.removeprefix("data/").removesuffix(".json"): json.loads(archive.read(name))
        for name in names
        if name.startswith("data/")
    }
    assert [row["name"] for row in data["client_accounts"]] == ["Acme Holdings"]
    assert [row["email"] for row in data["contacts"]] == ["acme@client.example"]
    assert data["invoices"] and all(row["tenant_id"] == acme.id for row in data["invoices"])
    assert "Conversation of Acme" in [row["subject"] for row in data["message_threads"]]
    assert data["messages"]
    assert data["tenants"][0]["slug"] == "acme"
    for key, content in stored(acme.id).items():
        assert content is not None
        assert archive.read(f"files/{key}") == content
    assert file_keys(acme.id)
    assert all(f"files/{key}" in names for key in file_keys(acme.id))
    assert "Bravo" not in json.dumps(data)


def test_restore_within_the_grace_period(console, two_firms, portal):
    acme, _ = two_firms
    before = counts(acme.id)
    delete(console, acme)
    response = console.submit(
        f"/operator/tenants/{acme.id}", {}, action=f"/operator/tenants/{acme.id}/restore"
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Tenant, acme.id).status == "active"
    assert portal.get("/robots.txt").status_code == 200
    assert purge_due(utcnow() + timedelta(days=31)) == 0
    changed = {k for k, v in counts(acme.id).items() if before[k] != v}
    assert changed == {"tenant_lifecycles", "audit_events"}  # the record of what happened


def test_purge_after_the_grace_period_removes_the_tenant_only(console, two_firms):
    acme, bravo = two_firms
    bravo_rows, bravo_files = counts(bravo.id), stored(bravo.id)
    acme_files = stored(acme.id)
    assert acme_files and bravo_files and sum(bravo_rows.values()) > 10
    delete(console, acme)
    db.session.expire_all()
    export_key = db.session.get(TenantLifecycle, acme.id).export_key
    assert export_key

    assert purge_due(utcnow() + timedelta(days=29)) == 0
    assert db.session.get(Tenant, acme.id) is not None
    assert purge_due(utcnow() + timedelta(days=30, minutes=1)) == 1

    db.session.expire_all()
    assert db.session.get(Tenant, acme.id) is None
    assert not any(counts(acme.id).values())
    from portal.core.storage import storage

    assert all(storage().get(key) is None for key in [*acme_files, export_key])
    assert counts(bravo.id) == bravo_rows
    assert stored(bravo.id) == bravo_files
    assert db.session.get(Tenant, bravo.id).status == "active"
