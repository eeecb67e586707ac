"""The staff payments list and the client's invoices page (its payment history) run as many
statements at 10 payments as at 100."""

from __future__ import annotations

from datetime import date

import pytest

from portal.core.extensions import db
from portal.payments.models import Payment, PaymentAllocation
from tests.fixtures.queries import counting
from tests.payments.helpers import make_invoice

SIZES = (10, 100)


def _add_payments(tenant_id: int, account_id: int, start: int, stop: int) -> None:
    bill = make_invoice(tenant_id, account_id, [10_000_000])
    for number in range(start, stop):
        payment = Payment(
            tenant_id=tenant_id,
            account_id=account_id,
            amount_minor=100 + number,
            currency=bill.currency,
            paid_on=date.today(),
            method="cheque",
            reference=f"Cheque {number:04d}",
            provider="manual",
        )
        db.session.add(payment)
        db.session.flush()
        db.session.add(
            PaymentAllocation(
                tenant_id=tenant_id,
                payment_id=payment.id,
                invoice_id=bill.id,
                amount_minor=payment.amount_minor,
            )
        )
    db.session.commit()


@pytest.mark.slow
@pytest.mark.parametrize("who", ["firm", "client"])
def test_payment_lists_query_count_does_not_grow(request, tenant, account_id, who):  # type: ignore[no-untyped-def]
    browser = request.getfixturevalue(who)
    page = "/admin/payments/" if who == "firm" else "/invoices/"
    counts: dict[int, int] = {}
    made = 0
    for size in SIZES:
        _add_payments(tenant.id, account_id, made, size)
        made = size
        assert browser.get(page).status_code == 200  # warm the caches
        db.session.expire_all()
        with counting() as statements:
            response = browser.get(page)
        assert response.status_code == 200
        assert f"Cheque {size - 1:04d}" in response.get_data(as_text=True), "rows not listed"
        counts[size] = len(statements)
    html = response.get_data(as_text=True)
    assert 'rel="next"' in html and "Cheque 0000" not in html, "100 payments on one page"
    if who == "client":  # the oldest payments are on the payment history's last page
        last = browser.get("/invoices/?payments=4").get_data(as_text=True)
        assert "Cheque 0000" in last and "Cheque 0025" not in last and 'rel="prev"' in last
    assert len(set(counts.values())) == 1, f"{page}: statements per request by rows: {counts}"
