"""Document requests, an upload and a no-login link of one tenant, for the cross-tenant probe
(tests/security/test_cross_tenant_probe.py): their ids, and the link's raw token."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO
from typing import Any

from werkzeug.datastructures import FileStorage

from portal.auth.tokens import new_token
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.documents.models import ActionLink, DocumentRequest, LinkPurpose, RequestUpload
from portal.files.uploads import accept_upload
from tenants.resolution import snapshot_by_id
from tests.documents.helpers import PDF


def document_objects(
    tenant_id: int, account_id: int, email: str, staff_id: int, marker: str
) -> tuple[dict[str, int], str]:
    """A request titled with `marker`, a file uploaded to it, and a live upload link for
    `email`: ({document_request_id, upload_id, action_link_id}, raw token)."""
    tenant = snapshot_by_id(tenant_id)
    assert tenant is not None
    request = DocumentRequest(
        tenant_id=tenant_id,
        account_id=account_id,
        title=f"{marker} W-2",
        notes=f"{marker} notes",
        status="uploaded",
        requested_by_id=staff_id,
        review_comment="",
    )
    db.session.add(request)
    db.session.flush()
    stored = accept_upload(
        tenant,
        account_id,
        FileStorage(BytesIO(PDF), f"{marker}.pdf"),
        uploader_kind="staff",
        uploader_id=staff_id,
    )
    upload = RequestUpload(
        tenant_id=tenant_id, request_id=request.id, file_id=stored.id, uploaded_by=email
    )
    raw, digest = new_token()
    link = ActionLink(
        tenant_id=tenant_id,
        purpose=LinkPurpose.UPLOAD,
        request_id=request.id,
        email=email,
        token_hash=digest,
        expires_at=utcnow() + timedelta(days=7),
    )
    db.session.add_all([upload, link])
    db.session.flush()
    ids: dict[str, Any] = {
        "document_request_id": request.id,
        "upload_id": upload.id,
        "action_link_id": link.id,
    }
    return ids, raw
