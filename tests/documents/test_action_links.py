"""No-login links: one object, one address, an expiry, revocable; every dead link gets the same
answer, a scanner's GET changes nothing, and a view link only downloads its own file."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from io import BytesIO

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from portal.clients import directory
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.documents import links
from portal.documents.models import ActionLink, DocumentRequest, RequestUpload
from portal.files.models import ClientFile
from portal.files.uploads import accept_upload
from tenants.models import Tenant
from tenants.resolution import forget_tenants, snapshot_by_id
from tests.documents.helpers import PDF, act_links_in, path_of, request_documents, upload_form
from tests.fixtures.people import tenant_host
from tests.fixtures.smtp import text_of
from tests.fixtures.tenants import csrf_from


@pytest.fixture
def requested(firm, tenant, smtp, create_client):  # type: ignore[no-untyped-def]
    """An account whose contact got one request email with its upload link."""
    account_id = create_client("walt@client.example", invite=False, login=False)
    request_documents(firm, account_id, ("2025 W-2", "", None))
    [mail] = smtp.wait_for(1, to="walt@client.example")
    [link] = act_links_in(text_of(mail))
    return {"account_id": account_id, "path": path_of(link)}


def _dead_answer(visitor, path: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    response = visitor.get(path)
    return response.status_code, response.get_data(as_text=True)


def _refused_like_garbage(visitor, path: str) -> None:  # type: ignore[no-untyped-def]
    status, body = _dead_answer(visitor, path)
    garbage_status, garbage_body = _dead_answer(visitor, "/act/" + "A" * 43)
    assert status == garbage_status == 404
    assert body == garbage_body
    post = visitor.post(path, data={"file": (BytesIO(PDF), "x.pdf")})
    assert post.status_code in (400, 404)
    assert db.session.scalar(select(RequestUpload.id)) is None


def test_scanner_get_changes_nothing_and_post_needs_csrf(requested, client_for, tenant):
    visitor = client_for(tenant_host(tenant))
    for _ in range(3):
        assert visitor.get(requested["path"]).status_code == 200
        assert visitor.head(requested["path"]).status_code == 200
    without_csrf = visitor.post(
        requested["path"],
        data={"file": (BytesIO(PDF), "w2.pdf")},
        content_type="multipart/form-data",
    )
    assert without_csrf.status_code == 400
    db.session.expire_all()
    assert db.session.scalars(select(DocumentRequest)).one().status == "requested"
    assert db.session.scalars(select(ActionLink)).one().last_used_at is None
    assert db.session.scalar(select(ClientFile.id)) is None


def test_expired_revoked_and_switched_off_links_answer_like_garbage(
    requested, client_for, tenant, firm
):
    visitor = client_for(tenant_host(tenant))
    link = db.session.scalars(select(ActionLink)).one()

    link.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    _refused_like_garbage(visitor, requested["path"])

    link.expires_at = utcnow() + timedelta(days=1)
    db.session.commit()
    assert visitor.get(requested["path"]).status_code == 200

    db.session.get(Tenant, tenant.id).action_links_enabled = False
    db.session.commit()
    forget_tenants()
    _refused_like_garbage(visitor, requested["path"])
    db.session.get(Tenant, tenant.id).action_links_enabled = True
    db.session.commit()
    forget_tenants()

    page = f"/admin/documents/{link.request_id}"
    assert "walt@client.example" in firm.get(page).get_data(as_text=True)
    unconfirmed = firm.submit(page, {}, action=f"/admin/documents/links/{link.id}/revoke")
    assert unconfirmed.status_code == 302
    assert visitor.get(requested["path"]).status_code == 200  # not revoked without the tick
    revoked = firm.submit(page, {"confirm": "1"}, action=f"/admin/documents/links/{link.id}/revoke")
    assert revoked.status_code == 302
    _refused_like_garbage(visitor, requested["path"])


def test_link_dies_when_its_address_leaves_the_account(requested, client_for, tenant):
    visitor = client_for(tenant_host(tenant))
    contact = directory.find_contact_by_email(tenant.id, "walt@client.example")
    assert contact is not None
    directory.change_email(tenant.id, contact, "walter@elsewhere.example")
    db.session.commit()
    _refused_like_garbage(visitor, requested["path"])


def test_another_tenants_link_is_refused_like_garbage(requested, make_tenant, client_for):
    other = make_tenant(slug="other", name="Other Firm")
    visitor = client_for(tenant_host(other))
    status, body = _dead_answer(visitor, requested["path"])
    assert status == 404 and "2025 W-2" not in body


def test_a_view_link_downloads_only_its_file_and_cannot_upload(
    firm, tenant, smtp, create_client, client_for
):
    account_id = create_client("vera@client.example", invite=False, login=False)
    snapshot = snapshot_by_id(tenant.id)
    stored = accept_upload(
        snapshot,
        account_id,
        FileStorage(BytesIO(PDF), "report.pdf"),
        uploader_kind="staff",
        uploader_id=1,
    )
    db.session.commit()
    contact = directory.find_contact_by_email(tenant.id, "vera@client.example")
    assert contact is not None
    files_page = firm.get(f"/admin/files/{account_id}/").get_data(as_text=True)
    page = f"/admin/documents/accounts/{account_id}/share-file"
    assert page in files_page  # the staff Files page links to it
    form = firm.get(page).get_data(as_text=True)
    assert "report.pdf" in form and "vera@client.example" in form
    shared = firm.submit(
        page,
        {"file_id": str(stored.id), "contact_id": str(contact.id)},
        action="/admin/documents/share-file",
    )
    assert shared.status_code == 302
    [mail] = smtp.wait_for(1, to="vera@client.example")
    assert "report.pdf" in mail["Subject"]
    [link] = act_links_in(text_of(mail))
    visitor = client_for(tenant_host(tenant))
    shown = visitor.get(path_of(link))
    assert shown.status_code == 200 and "report.pdf" in shown.get_data(as_text=True)
    csrf = csrf_from(shown.get_data(as_text=True))
    downloaded = visitor.post(path_of(link) + "/download", data={"csrf_token": csrf})
    assert downloaded.status_code == 200
    assert hashlib.sha256(downloaded.data).hexdigest() == stored.sha256
    # The same token cannot upload anything: a view link is not an upload link.
    upload = visitor.post(
        path_of(link),
        data={"csrf_token": csrf, "file": (BytesIO(PDF), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 404
    assert db.session.scalar(select(RequestUpload.id)) is None
    listed = firm.get(page).get_data(as_text=True)
    assert "Links sent" in listed and "Never" not in listed  # used just now
    # Revoked from the share page: the link dies at once.
    view_link = db.session.scalars(select(ActionLink)).one()
    revoked = firm.submit(
        page, {"confirm": "1"}, action=f"/admin/documents/links/{view_link.id}/revoke"
    )
    assert revoked.headers["Location"].endswith(page)
    assert visitor.get(path_of(link)).status_code == 404
    view_link.revoked_at = None
    db.session.commit()
    assert visitor.get(path_of(link)).status_code == 200
    # Trashed: the link dies with the file.
    db.session.get(ClientFile, stored.id).deleted_at = utcnow()
    db.session.commit()
    assert visitor.get(path_of(link)).status_code == 404


def test_an_upload_link_opens_only_its_own_request(firm, tenant, smtp, create_client, client_for):
    account_id = create_client("walt@client.example", invite=False, login=False)
    request_documents(firm, account_id, ("First", "", None), ("Second", "", None))
    [mail] = smtp.wait_for(1, to="walt@client.example")
    first, second = (path_of(link) for link in act_links_in(text_of(mail)))
    visitor = client_for(tenant_host(tenant))
    assert "First" in visitor.get(first).get_data(as_text=True)
    assert upload_form(visitor, first, "one.pdf", PDF).status_code == 302
    statuses = dict(db.session.execute(select(DocumentRequest.title, DocumentRequest.status)).all())
    assert statuses == {"First": "uploaded", "Second": "requested"}
    assert visitor.post(second + "/download", data={"csrf_token": "x"}).status_code in (400, 404)


def test_tokens_are_stored_hashed(requested, tenant):
    token = requested["path"].rsplit("/", 1)[1]
    link = db.session.scalars(select(ActionLink)).one()
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in repr(db.session.execute(select(ActionLink.__table__)).all())
    assert links.resolve(snapshot_by_id(tenant.id), token) is not None


def test_a_file_larger_than_a_form_post_uploads_by_link(requested, client_for, tenant):
    """Uploads may exceed the app's form limit (8 MB) up to the firm's file limit."""
    visitor = client_for(tenant_host(tenant))
    big = PDF + b"%" + b"x" * (9 * 1024 * 1024) + b"\n%%EOF\n"
    response = upload_form(visitor, requested["path"], "scan.pdf", big)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    stored = db.session.scalars(select(ClientFile)).one()
    assert stored.size == len(big)
