"""Staff pages: the filtered list, the request form's errors, Settings › Documents, sharing a file
by email, and handing a departing staff member's requests over."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from portal.clients import directory
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.documents.models import DocumentRequest
from portal.documents.service import reassign_staff
from portal.files.uploads import accept_upload
from tenants.models import Tenant
from tenants.resolution import forget_tenants, snapshot_by_id
from tests.documents.helpers import PDF, request_documents
from tests.fixtures.people import sign_in_staff, tenant_host


def test_list_filters_by_status_account_and_overdue(firm, tenant, staff, create_client):
    jones = create_client("jane@client.example", account="Jones Household", invite=False)
    smith = create_client("sam@client.example", account="Smith LLC", invite=False)
    today = utcnow().date()
    request_documents(firm, jones, ("Jones W-2", "", today + timedelta(days=3)))
    request_documents(firm, smith, ("Smith K-1", "", today), ("Smith receipts", "", None))
    late = db.session.scalars(
        select(DocumentRequest).where(DocumentRequest.title == "Smith K-1")
    ).one()
    late.due_date = today - timedelta(days=2)
    db.session.commit()

    everything = firm.get("/admin/documents/").get_data(as_text=True)
    assert all(t in everything for t in ("Jones W-2", "Smith K-1", "Smith receipts"))
    assert everything.index("Smith K-1") < everything.index("Jones W-2")  # by due date
    only_smith = firm.get(f"/admin/documents/?account_id={smith}").get_data(as_text=True)
    assert "Smith K-1" in only_smith and "Jones W-2" not in only_smith
    overdue = firm.get("/admin/documents/?overdue=1").get_data(as_text=True)
    assert "Smith K-1" in overdue and "Smith receipts" not in overdue and "Jones W-2" not in overdue
    accepted = firm.get("/admin/documents/?status=accepted").get_data(as_text=True)
    assert "No document requests match" in accepted
    assert firm.get("/admin/documents/?page=abc&status=garbage").status_code == 200
    dashboard = firm.get("/admin/").get_data(as_text=True)
    assert "Document requests" in dashboard and "1 overdue" in dashboard
    assert "3 waiting for clients" in dashboard


def test_request_form_refuses_empty_and_past_dates(firm, tenant, create_client, smtp):
    account_id = create_client("jane@client.example", invite=False)
    empty = request_documents(firm, account_id, ("", "", None))
    assert empty.status_code == 422
    assert "Name at least one document" in empty.get_data(as_text=True)
    past = request_documents(firm, account_id, ("W-2", "", utcnow().date() - timedelta(days=1)))
    assert past.status_code == 422
    assert "cannot be in the past" in past.get_data(as_text=True)
    assert db.session.scalar(select(DocumentRequest.id)) is None
    assert smtp.messages == []


def test_document_settings_need_settings_rights_and_change_links(
    firm, tenant, make_staff, client_for
):
    member = client_for(tenant_host(tenant))
    sign_in_staff(member, make_staff(tenant, "member@acme.example", role="member").email)
    assert member.get("/admin/settings/documents").status_code == 403
    bad = firm.submit(
        "/admin/settings/documents", {"document_reminder_days": "0", "action_link_days": "7"}
    )
    assert bad.status_code == 422
    saved = firm.submit(
        "/admin/settings/documents", {"document_reminder_days": "5", "action_link_days": "2"}
    )
    assert saved.status_code == 302
    forget_tenants()
    snapshot = snapshot_by_id(tenant.id)
    assert snapshot is not None
    assert (snapshot.document_reminder_days, snapshot.action_links_enabled) == (5, False)
    assert snapshot.action_link_days == 2


def test_share_file_by_email_refusals(firm, tenant, smtp, create_client):
    mine = create_client("vera@client.example", account="Vera Household", invite=False)
    other = create_client("otto@client.example", account="Otto Household", invite=False)
    smtp.clear()
    stored = accept_upload(
        snapshot_by_id(tenant.id),
        mine,
        FileStorage(BytesIO(PDF), "report.pdf"),
        uploader_kind="staff",
        uploader_id=1,
    )
    db.session.commit()
    otto = directory.find_contact_by_email(tenant.id, "otto@client.example")
    assert otto is not None and other
    # A contact of another account may not receive this account's file.
    refused = firm.submit(
        "/admin/documents/",
        {"file_id": str(stored.id), "contact_id": str(otto.id)},
        action="/admin/documents/share-file",
    )
    assert refused.status_code == 404
    vera = directory.find_contact_by_email(tenant.id, "vera@client.example")
    assert vera is not None
    db.session.get(Tenant, tenant.id).action_links_enabled = False
    db.session.commit()
    forget_tenants()
    off = firm.submit(
        "/admin/documents/",
        {"file_id": str(stored.id), "contact_id": str(vera.id)},
        action="/admin/documents/share-file",
        follow_redirects=True,
    )
    assert "No-login links are off" in off.get_data(as_text=True)
    assert smtp.messages == []


def test_reassign_staff_moves_requests(firm, tenant, staff, make_staff, create_client):
    account_id = create_client("jane@client.example", invite=False)
    request_documents(firm, account_id, ("A", "", None), ("B", "", None))
    heir = make_staff(tenant, "heir@acme.example", role="member")
    snapshot = snapshot_by_id(tenant.id)
    assert snapshot is not None
    assert reassign_staff(snapshot, staff.id, heir.id) == 2
    db.session.commit()
    owners = set(db.session.scalars(select(DocumentRequest.requested_by_id)))
    assert owners == {heir.id}
    assert reassign_staff(snapshot, heir.id, None) == 2
    db.session.commit()
    page = firm.get("/admin/documents/").get_data(as_text=True)
    assert "Nobody" in page
