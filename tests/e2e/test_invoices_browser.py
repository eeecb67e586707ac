"""The client's Invoices page at 375 px wide: it fits, the overdue invoice stands out, and the
invoice opens."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from portal.billing import invoices, sending
from portal.core.extensions import db
from tests.e2e.test_files_browser import client_page

pytestmark = pytest.mark.browser


@pytest.mark.slow
def test_invoices_page_at_375px(live_server, make_tenant, browser):  # type: ignore[no-untyped-def]
    page = client_page(live_server, make_tenant, browser, viewport={"width": 375, "height": 740})
    tenant_id, account_id = _ids()
    for due_in in (-5, 20):
        invoice = invoices.create_invoice(
            tenant_id,
            invoices.InvoiceInput(
                account_id,
                date.today() + timedelta(days=min(due_in, 0) - 10),
                date.today() + timedelta(days=due_in),
                [
                    invoices.LineInput(
                        "Quarterly bookkeeping and payroll filings", Decimal(3), 123456
                    )
                ],
            ),
        )
        sending.send_invoice(tenant_id, invoice)
    db.session.commit()
    page.goto(live_server.url("maple", "/invoices/"))
    page.get_by_text("Payment history").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.locator("tr.overdue").count() == 1
    assert page.get_by_text("USD 7,407.36").is_visible()  # outstanding on both
    page.get_by_role("link", name="INV-0001").click()
    page.get_by_role("link", name="Download PDF").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def _ids() -> tuple[int, int]:
    from sqlalchemy import select

    from portal.clients.models import ClientAccount

    account: Any = db.session.scalar(select(ClientAccount))
    return account.tenant_id, account.id
