"""A client without portal access uploads a requested document from the email link on a phone
(375 px wide): the page fits, the upload works, and the firm sees the file."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.auth.models import StaffMember
from portal.clients import directory
from portal.core.extensions import db
from portal.documents.models import DocumentRequest
from portal.documents.service import NewItem, create_requests
from tenants.resolution import snapshot_by_id
from tests.documents.helpers import PDF, act_links_in
from tests.fixtures.smtp import text_of

pytestmark = pytest.mark.browser


@pytest.mark.slow
def test_upload_from_the_email_link_at_375px(live_server, make_tenant, smtp, browser, tmp_path):
    tenant = make_tenant(slug="maple", name="Maple Tax & Advisory")
    staff = StaffMember(tenant_id=tenant.id, email="kim@maple.example", role="owner")
    account = directory.create_account(tenant.id, "Rivera Family", "household")
    db.session.add(staff)
    db.session.flush()
    directory.add_contact(tenant.id, account, "luz@rivera.example", "Luz Rivera", login=False)
    create_requests(
        snapshot_by_id(tenant.id),
        account,
        [NewItem("2025 W-2 from Riverside Hospital and Community Clinics", "Both employers")],
        staff,
    )
    db.session.commit()
    [mail] = smtp.wait_for(1, to="luz@rivera.example")
    [link] = act_links_in(text_of(mail))
    assert link.startswith(live_server.url("maple", "/act/"))

    context = browser.new_context(viewport={"width": 375, "height": 740})
    phone = context.new_page()
    phone.goto(link)
    assert phone.get_by_role("heading", name="2025 W-2 from Riverside").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    upload = tmp_path / "w2.pdf"
    upload.write_bytes(PDF)
    phone.get_by_label("Choose the file").set_input_files(str(upload))
    phone.get_by_role("button", name="Upload", exact=True).click()
    phone.wait_for_load_state()
    assert "Received “w2.pdf”" in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()
    db.session.expire_all()
    assert db.session.scalars(select(DocumentRequest)).one().status == "uploaded"
