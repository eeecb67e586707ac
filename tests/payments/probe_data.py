"""A sent invoice, a payment on it, a saved card and a live "view and pay" link of one account,
for the cross-tenant probe (tests/security/test_cross_tenant_probe.py)."""

from __future__ import annotations

from datetime import date, timedelta

from portal.auth.tokens import new_token
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.payments.models import PayLink, SavedPaymentMethod
from portal.payments.recording import Allocation, record_payment
from tests.payments.helpers import make_invoice


def payment_objects(
    tenant_id: int, account_id: int, email: str, marker: str
) -> tuple[dict[str, int], str]:
    """({invoice_id, payment_id, method_id}, the pay link's raw token); marker in the texts."""
    invoice = make_invoice(tenant_id, account_id, [12300])
    payment = record_payment(
        tenant_id,
        account_id,
        amount_minor=2300,
        paid_on=date.today(),
        method="cheque",
        allocations=[Allocation(invoice.id, 2300)],
        reference=f"{marker} cheque",
    )
    method = SavedPaymentMethod(
        tenant_id=tenant_id,
        account_id=account_id,
        provider="stripe",
        customer_id=f"cus_{tenant_id}_{account_id}",
        provider_method_id=f"pm_{tenant_id}_{account_id}",
        brand=marker[:40],
        last4="4242",
        exp_month=1,
        exp_year=2031,
    )
    raw, digest = new_token()
    link = PayLink(
        tenant_id=tenant_id,
        invoice_id=invoice.id,
        email=email,
        token_hash=digest,
        expires_at=utcnow() + timedelta(days=7),
    )
    db.session.add_all([method, link])
    db.session.flush()
    return {"invoice_id": invoice.id, "payment_id": payment.id, "method_id": method.id}, raw
