"""History in Chromium at 375 px: the timeline fits and the kind filter narrows it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from portal.clients.models import ClientAccount
from portal.core.extensions import db
from tenants.models import Tenant
from tests.e2e.test_files_browser import client_page
from tests.history.conftest import fill

pytestmark = pytest.mark.browser


@pytest.mark.slow
def test_history_timeline_and_filter_at_375px(live_server, make_tenant, make_staff, browser):  # type: ignore[no-untyped-def]
    page = client_page(live_server, make_tenant, browser, viewport={"width": 375, "height": 740})
    account: Any = db.session.scalar(select(ClientAccount))
    staff = make_staff(db.session.get(Tenant, account.tenant_id), "owner@maple.example")
    fill(account.tenant_id, account.id, staff.id, "Rivera")
    page.goto(live_server.url("maple", "/history/"))
    page.get_by_text("File “Rivera ledger.txt” was shared.").wait_for()
    assert page.get_by_text("A payment was received.").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_label("Show").select_option("file")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/history/?kind=file")
    assert page.get_by_text("File “Rivera ledger.txt” was shared.").is_visible()
    assert page.get_by_text("A payment was received.").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
