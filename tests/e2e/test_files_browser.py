"""A client uploads two files at once in Chromium: a progress bar per file, both listed after;
and the same page at 375 px wide fits and uploads."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from portal.clients.models import ClientAccount
from portal.core.extensions import db
from portal.files.models import ClientFile
from tests.fixtures.people import add_client_login

pytestmark = pytest.mark.browser
PASSWORD = "maple kettle horizon 58"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def client_page(live_server: Any, make_tenant: Any, browser: Any, **context: Any) -> Any:
    tenant = make_tenant(slug="maple", name="Maple Tax & Advisory")
    account = ClientAccount(tenant_id=tenant.id, name="Rivera Family", kind="household")
    db.session.add(account)
    db.session.flush()
    contact = add_client_login(tenant.id, account.id, "luz@rivera.example", "Luz Rivera", PASSWORD)
    db.session.commit()
    page = browser.new_context(**context).new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url("maple", "/sign-in"))
    page.fill("input[name=email]", contact.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()
    page.goto(live_server.url("maple", "/files/"))
    return page


@pytest.mark.slow
def test_two_files_at_once_with_a_progress_bar_each(live_server, make_tenant, browser, tmp_path):  # type: ignore[no-untyped-def]
    page = client_page(live_server, make_tenant, browser)
    first, second = tmp_path / "Return 2025.pdf", tmp_path / "receipts.csv"
    first.write_bytes(PDF + b"%" * 3_000_000)
    second.write_text("date,amount\n2025-01-02,12.50\n")
    page.get_by_label("Upload files").set_input_files([str(first), str(second)])
    rows = page.locator(".upload-progress li")
    rows.first.wait_for()
    assert rows.count() == 2
    assert page.locator(".upload-progress progress").count() == 2
    page.locator(".upload-progress li.done").nth(1).wait_for()
    values = page.eval_on_selector_all(
        ".upload-progress progress", "bars => bars.map(b => b.value)"
    )
    assert values == [100, 100]
    page.wait_for_url("**/files/")
    page.get_by_role("link", name="receipts.csv").wait_for()
    assert page.get_by_role("link", name="Return 2025.pdf").is_visible()
    db.session.expire_all()
    names = sorted(db.session.scalars(select(ClientFile.name)))
    assert names == ["Return 2025.pdf", "receipts.csv"]


@pytest.mark.slow
def test_files_page_at_375px(live_server, make_tenant, browser, tmp_path):  # type: ignore[no-untyped-def]
    page = client_page(live_server, make_tenant, browser, viewport={"width": 375, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    upload = tmp_path / ("A rather long file name for a phone screen " * 3 + ".pdf")
    upload.write_bytes(PDF)
    page.get_by_label("Upload files").set_input_files(str(upload))
    page.locator(".upload-progress li.done").wait_for()
    page.wait_for_load_state()
    page.get_by_role("link", name="Preview").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
