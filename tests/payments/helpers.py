"""Building blocks of the payments tests: invoices made through billing's service, Stripe
settings, and webhook deliveries signed as Stripe signs them."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from portal.billing import invoices
from portal.billing.invoices import InvoiceInput, LineInput
from portal.billing.models import Invoice
from portal.core.extensions import db
from portal.payments import online
from portal.payments.models import ProviderName
from tests.fixtures.stripe_stub import event, sign
from tests.fixtures.tenants import HostClient

SECRET_KEY = "sk_test_51FoyerStubSecretKey0000"
WEBHOOK_SECRET = "whsec_foyer_test_signing_secret_0001"
WEBHOOK = "/payments/webhook/stripe"


def make_invoice(tenant_id: int, account_id: int, amounts: list[int], send: bool = True) -> Invoice:
    """A (sent) invoice with one line per amount, in minor units of the firm's currency."""
    today = date.today()
    created = invoices.create_invoice(
        tenant_id,
        InvoiceInput(
            account_id=account_id,
            issue_date=today,
            due_date=today + timedelta(days=30),
            lines=[LineInput(f"Work {n}", Decimal(1), amount) for n, amount in enumerate(amounts)],
        ),
    )
    if send:
        invoices.mark_sent(created, "")
    db.session.commit()
    return created


def use_stripe(tenant_id: int, instructions: str = "") -> dict[str, str]:
    online.save_settings(
        tenant_id,
        online.SettingsInput(
            provider=ProviderName.STRIPE,
            instructions=instructions,
            pay_without_sign_in=True,
            stripe_publishable_key="pk_test_foyer",
            stripe_secret_key=SECRET_KEY,
            stripe_webhook_secret=WEBHOOK_SECRET,
        ),
    )
    db.session.commit()
    return {"secret_key": SECRET_KEY, "webhook_secret": WEBHOOK_SECRET}


def use_manual(tenant_id: int, instructions: str, pay_without_sign_in: bool = True) -> None:
    online.save_settings(
        tenant_id,
        online.SettingsInput(
            provider=ProviderName.MANUAL,
            instructions=instructions,
            pay_without_sign_in=pay_without_sign_in,
        ),
    )
    db.session.commit()


def completed_session(invoice: Invoice, amount: int | None = None, **extra: Any) -> dict[str, Any]:
    """The Checkout Session object of a paid session for this invoice."""
    return {
        "id": f"cs_test_paid_{invoice.id}",
        "object": "checkout.session",
        "mode": "payment",
        "status": "complete",
        "payment_status": "paid",
        "amount_total": invoice.total_minor - invoice.paid_minor if amount is None else amount,
        "currency": invoice.currency.lower(),
        "payment_intent": f"pi_test_{invoice.id}_{amount}",
        "metadata": {
            "tenant_id": str(invoice.tenant_id),
            "invoice_id": str(invoice.id),
            "account_id": str(invoice.account_id),
        },
        **extra,
    }


def deliver(
    browser: HostClient, kind: str, obj: dict[str, Any], *, secret: str = WEBHOOK_SECRET,
    event_id: str | None = None, timestamp: int | None = None, body: bytes | None = None,
) -> Any:  # fmt: skip
    """POST a webhook as Stripe does: raw JSON body and its Stripe-Signature header."""
    payload = body if body is not None else event(kind, obj, event_id)
    return browser.post(
        WEBHOOK,
        data=payload,
        content_type="application/json; charset=utf-8",
        headers={"Stripe-Signature": sign(payload, secret, timestamp)},
    )
