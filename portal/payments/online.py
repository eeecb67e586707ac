"""Online payment flows: the firm's settings, "Pay now", saving and removing a card, and the
provider's webhook that records what was paid.

The webhook is the only writer of online payments. Each event id is stored in the same
transaction as the payment it records, and a payment's provider reference (the payment intent)
is unique, so a redelivered or raced event can only ever fail its commit: never pay twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.billing.models import Invoice
from portal.clients.models import ClientAccount
from portal.core.errors import UserError
from portal.core.extensions import db
from portal.mail.compose import queue_email
from portal.payments import secrets
from portal.payments.models import (
    Payment,
    PaymentAllocation,
    PaymentMethod,
    PaymentSettings,
    ProviderEvent,
    ProviderName,
    SavedPaymentMethod,
)
from portal.payments.providers import PaymentProvider, WebhookRefused, provider_for
from portal.payments.recording import Allocation, record_payment
from tenants.context import tenant_url
from tenants.scoping import get_owned, owned, tenant_id_of
from tenants.snapshot import TenantSnapshot

MAX_SAVED_METHODS = 10


@dataclass(frozen=True, slots=True)
class SettingsInput:
    provider: str
    instructions: str
    pay_without_sign_in: bool
    stripe_publishable_key: str = ""
    stripe_secret_key: str = ""  # blank: keep the stored one
    stripe_webhook_secret: str = ""  # blank: keep the stored one


def settings_of(tenant: TenantSnapshot | int) -> PaymentSettings | None:
    return db.session.get(PaymentSettings, tenant_id_of(tenant))


def provider_of(tenant: TenantSnapshot | int) -> PaymentProvider:
    return provider_for(settings_of(tenant))


def save_settings(tenant: TenantSnapshot | int, data: SettingsInput) -> PaymentSettings:
    """Store the firm's choice; Stripe needs both keys and the webhook secret. Caller commits."""
    tenant_id = tenant_id_of(tenant)
    row = settings_of(tenant_id) or PaymentSettings(
        tenant_id=tenant_id,
        provider=ProviderName.MANUAL,
        instructions="",
        stripe_publishable_key="",
        stripe_secret_key_enc="",
        stripe_webhook_secret_enc="",
        pay_without_sign_in=True,
    )
    if data.provider not in (ProviderName.MANUAL, ProviderName.STRIPE):
        raise UserError("Choose how clients pay.", "provider")
    secret_key = data.stripe_secret_key.strip()
    webhook_secret = data.stripe_webhook_secret.strip()
    publishable = data.stripe_publishable_key.strip()
    if secret_key and not secret_key.startswith(("sk_", "rk_")):
        raise UserError("A Stripe secret key starts with sk_ (or rk_ for a restricted key).",
                        "stripe_secret_key")  # fmt: skip
    if webhook_secret and not webhook_secret.startswith("whsec_"):
        raise UserError("A Stripe webhook signing secret starts with whsec_.",
                        "stripe_webhook_secret")  # fmt: skip
    if publishable and not publishable.startswith("pk_"):
        raise UserError("A Stripe publishable key starts with pk_.", "stripe_publishable_key")
    if secret_key:
        row.stripe_secret_key_enc = secrets.seal(secret_key)
    if webhook_secret:
        row.stripe_webhook_secret_enc = secrets.seal(webhook_secret)
    if publishable:
        row.stripe_publishable_key = publishable
    if data.provider == ProviderName.STRIPE and not (
        secrets.unseal(row.stripe_secret_key_enc) and secrets.unseal(row.stripe_webhook_secret_enc)
    ):
        raise UserError("Stripe needs its secret key and the webhook signing secret.",
                        "stripe_secret_key")  # fmt: skip
    row.provider = data.provider
    row.instructions = data.instructions.strip()[:4000]
    row.pay_without_sign_in = data.pay_without_sign_in
    db.session.add(row)
    return row


def start_checkout(
    tenant: TenantSnapshot, invoice: Invoice, success_url: str, cancel_url: str, email: str
) -> str:
    """The provider's page for paying what the invoice still owes (computed here, never posted)."""
    amount = invoice.outstanding_minor
    if amount <= 0:
        raise UserError(
            gettext("Invoice %(number)s has nothing left to pay.", number=invoice.number)
        )
    return provider_of(tenant).checkout(invoice, amount, success_url, cancel_url, email)


def saved_methods(tenant: TenantSnapshot | int, account_id: int) -> list[SavedPaymentMethod]:
    query = owned(SavedPaymentMethod, tenant, SavedPaymentMethod.account_id == account_id)
    return list(db.session.scalars(query.order_by(SavedPaymentMethod.id).limit(MAX_SAVED_METHODS)))


def start_saving_card(
    tenant: TenantSnapshot, account: ClientAccount, email: str, success_url: str, cancel_url: str
) -> str:
    """The provider's page for saving a card on the account's customer."""
    existing = saved_methods(tenant, account.id)
    if len(existing) >= MAX_SAVED_METHODS:
        raise UserError(
            gettext("At most %(max)d cards can be saved; remove one first.", max=MAX_SAVED_METHODS)
        )
    customer = existing[0].customer_id if existing else ""
    return provider_of(tenant).setup_saved_method(
        account.id, customer, email, success_url, cancel_url
    )


def remove_saved_method(tenant: TenantSnapshot, method: SavedPaymentMethod, email: str) -> None:
    """Detached at the provider first, then forgotten here, and `email` told; caller commits."""
    if method.provider == ProviderName.STRIPE:
        provider_of(tenant).detach(method.provider_method_id)
    db.session.delete(method)
    _tell(tenant, email, "payment_method_removed", method)


def _tell(tenant: TenantSnapshot, email: str, kind: str, method: SavedPaymentMethod) -> None:
    """A card saved or removed is confirmed by email, so a stranger's change does not go unseen."""
    if email:
        link = tenant_url(tenant.canonical_host, "payments.methods")
        queue_email(tenant, email, kind, brand=method.brand, last4=method.last4, link=link)


def handle_webhook(tenant: TenantSnapshot, payload: bytes, headers: Mapping[str, str]) -> str:
    """Verify, then act once per event id: "recorded", "saved", "duplicate" or "ignored".

    Raises WebhookRefused for a bad or stale signature (nothing written)."""
    provider = provider_of(tenant)
    if not provider.online:
        raise WebhookRefused("the firm takes no online payments")
    event = provider.parse_webhook(payload, headers)
    if not event.event_id:
        raise WebhookRefused("event without an id")
    seen = db.session.scalar(
        owned(
            ProviderEvent,
            tenant,
            ProviderEvent.provider == provider.name,
            ProviderEvent.event_id == event.event_id,
        )  # fmt: skip
    )
    if seen is not None:
        return "duplicate"
    db.session.add(
        ProviderEvent(
            tenant_id=tenant.id,
            provider=provider.name,
            event_id=event.event_id,
            kind=event.kind[:100],
        )
    )
    try:
        db.session.flush()  # waits for a concurrent delivery of the same event, then fails
        outcome = _act(tenant, provider, event.kind, event.data)
        db.session.commit()
    except IntegrityError:  # the same event committed by a concurrent delivery
        db.session.rollback()
        return "duplicate"
    return outcome


def _act(
    tenant: TenantSnapshot, provider: PaymentProvider, kind: str, data: Mapping[str, Any]
) -> str:
    if kind not in ("checkout.session.completed", "checkout.session.async_payment_succeeded"):
        return "ignored"
    metadata = data.get("metadata") or {}
    if str(metadata.get("tenant_id", "")) not in ("", str(tenant.id)):
        return "ignored"
    if data.get("mode") == "setup":
        return _save_card(tenant, provider, data, metadata)
    if data.get("payment_status") != "paid":
        return "ignored"
    return _record(tenant, provider, data, metadata)


def _int(value: Any) -> int | None:
    text = str(value or "")
    return int(text) if text.isdigit() else None


def _record(tenant: TenantSnapshot, provider: PaymentProvider, data: Mapping[str, Any],
            metadata: Mapping[str, Any]) -> str:  # fmt: skip
    invoice = get_owned(Invoice, tenant, _int(metadata.get("invoice_id")))
    amount = data.get("amount_total")
    reference = str(data.get("payment_intent") or data.get("id") or "")
    if invoice is None or not isinstance(amount, int) or amount <= 0 or not reference:
        return "ignored"
    if str(data.get("currency", "")).upper() != invoice.currency:
        return "ignored"
    exists = db.session.scalar(owned(Payment, tenant, Payment.provider_ref == reference))
    if exists is not None:
        return "duplicate"
    try:
        with db.session.begin_nested():
            record_payment(
                tenant,
                invoice.account_id,
                amount_minor=amount,
                paid_on=date.today(),
                method=PaymentMethod.CARD,
                allocations=[Allocation(invoice.id, amount)],
                reference=f"Stripe {reference}"[:200],
                provider=provider.name,
                provider_ref=reference,
                allow_over=True,
            )
    except UserError as exc:  # a void invoice paid from an old tab: the firm refunds it
        current_app.logger.warning("payment for invoice %s not applied: %s", invoice.id, exc)
        return "ignored"
    except IntegrityError:  # the same payment intent recorded by a concurrent event
        return "duplicate"
    return "recorded"


def _save_card(tenant: TenantSnapshot, provider: PaymentProvider, data: Mapping[str, Any],
               metadata: Mapping[str, Any]) -> str:  # fmt: skip
    account = get_owned(ClientAccount, tenant, _int(metadata.get("account_id")))
    setup_intent = str(data.get("setup_intent") or "")
    if account is None or not setup_intent:
        return "ignored"
    card = provider.card_of_setup(setup_intent)
    exists = db.session.scalar(
        owned(SavedPaymentMethod, tenant, SavedPaymentMethod.provider_method_id == card.method_id)
    )
    if exists is not None:
        return "duplicate"
    saved = SavedPaymentMethod(
        tenant_id=tenant.id,
        account_id=account.id,
        provider=provider.name,
        customer_id=card.customer_id,
        provider_method_id=card.method_id,
        brand=card.brand[:40],
        last4=card.last4[-4:],
        exp_month=card.exp_month,
        exp_year=card.exp_year,
    )
    db.session.add(saved)
    _tell(tenant, str(metadata.get("email") or "")[:320], "payment_method_saved", saved)
    return "saved"


def payments_on_invoice(tenant: TenantSnapshot | int, invoice_id: int) -> list[Payment]:
    """The payments applied to one invoice, oldest first."""
    query = (
        select(Payment)
        .join(
            PaymentAllocation,
            (PaymentAllocation.tenant_id == Payment.tenant_id)
            & (PaymentAllocation.payment_id == Payment.id),
        )
        .where(
            Payment.tenant_id == tenant_id_of(tenant), PaymentAllocation.invoice_id == invoice_id
        )
        .order_by(Payment.paid_on, Payment.id)
        .limit(200)
    )
    return list(db.session.scalars(query))
