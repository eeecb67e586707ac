"""Online payment behind one interface: the manual provider (no online payment, the portal
shows the firm's instructions) and Stripe (Checkout for "Pay now", setup-mode Checkout to save
a card, signed webhooks).

Stripe is reached through the official `stripe` library with one `StripeClient` per firm (its
own secret key); its base address comes from STRIPE_API_BASE so tests point it at a local stub.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import stripe
from flask import current_app

from portal.billing.models import Invoice
from portal.core.errors import UserError
from portal.payments.models import PaymentSettings, ProviderName
from portal.payments.secrets import unseal

DEFAULT_API_BASE = "https://api.stripe.com"
WEBHOOK_TOLERANCE_SECONDS = 300


class WebhookRefused(Exception):
    """The payload is not a genuine, fresh event of this firm's provider account."""


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    event_id: str
    kind: str
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CardDetails:
    customer_id: str
    method_id: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int


class PaymentProvider(Protocol):
    name: str
    online: bool

    def checkout(
        self, invoice: Invoice, amount_minor: int, success_url: str, cancel_url: str, email: str
    ) -> str:
        """A URL to send the payer to."""
        ...

    def setup_saved_method(
        self, account_id: int, customer_id: str, email: str, success_url: str, cancel_url: str
    ) -> str:
        """A URL where the payer saves a card for future use."""
        ...

    def parse_webhook(self, payload: bytes, headers: Mapping[str, str]) -> WebhookEvent: ...

    def card_of_setup(self, setup_intent_id: str) -> CardDetails: ...

    def detach(self, method_id: str) -> None: ...


class ManualProvider:
    """No online payment: the client pays by the firm's instructions and staff record it."""

    name = ProviderName.MANUAL.value
    online = False

    def checkout(
        self, invoice: Invoice, amount_minor: int, success_url: str, cancel_url: str, email: str
    ) -> str:
        raise UserError("This firm takes payments by the instructions shown.")

    def setup_saved_method(
        self, account_id: int, customer_id: str, email: str, success_url: str, cancel_url: str
    ) -> str:
        raise UserError("This firm does not keep payment methods.")

    def parse_webhook(self, payload: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        raise WebhookRefused("no online provider")

    def card_of_setup(self, setup_intent_id: str) -> CardDetails:
        raise WebhookRefused("no online provider")

    def detach(self, method_id: str) -> None:
        return None


class StripeProvider:
    """Stripe with the firm's own keys."""

    name = ProviderName.STRIPE.value
    online = True

    def __init__(self, secret_key: str, webhook_secret: str, api_base: str) -> None:
        self.webhook_secret = webhook_secret
        self.client = stripe.StripeClient(
            secret_key, base_addresses={"api": api_base}, max_network_retries=0
        )

    def checkout(
        self, invoice: Invoice, amount_minor: int, success_url: str, cancel_url: str, email: str
    ) -> str:
        """A Checkout Session for exactly `amount_minor` of the invoice's currency."""
        metadata = {
            "tenant_id": str(invoice.tenant_id),
            "invoice_id": str(invoice.id),
            "account_id": str(invoice.account_id),
        }
        params: dict[str, Any] = {
            "mode": "payment",
            "success_url": success_url,
            "cancel_url": cancel_url,
            "client_reference_id": f"{invoice.tenant_id}:{invoice.id}",
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": invoice.currency.lower(),
                        "unit_amount": amount_minor,
                        "product_data": {"name": f"Invoice {invoice.number}"},
                    },
                }
            ],
        }
        if email:
            params["customer_email"] = email
        session = self._call(lambda: self.client.v1.checkout.sessions.create(params))  # type: ignore[arg-type]
        return str(session.url)

    def setup_saved_method(
        self, account_id: int, customer_id: str, email: str, success_url: str, cancel_url: str
    ) -> str:
        """Setup-mode Checkout on the account's Stripe customer (created on first use)."""
        if not customer_id:
            customer = self._call(
                lambda: self.client.v1.customers.create(
                    {"email": email, "metadata": {"account_id": str(account_id)}}
                )
            )
            customer_id = str(customer.id)
        session = self._call(
            lambda: self.client.v1.checkout.sessions.create(
                {
                    "mode": "setup",
                    "currency": "usd",
                    "customer": customer_id,
                    "success_url": success_url,
                    "cancel_url": cancel_url,
                    "metadata": {"account_id": str(account_id), "email": email},
                    "setup_intent_data": {"metadata": {"account_id": str(account_id)}},
                }
            )
        )
        return str(session.url)

    def parse_webhook(self, payload: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        """Verified with the firm's webhook secret and a five-minute timestamp tolerance."""
        signature = headers.get("Stripe-Signature", "")
        if not self.webhook_secret or not signature:
            raise WebhookRefused("no signature or no webhook secret")
        try:
            event = stripe.Webhook.construct_event(
                payload, signature, self.webhook_secret, tolerance=WEBHOOK_TOLERANCE_SECONDS
            )
        except (stripe.SignatureVerificationError, ValueError) as exc:
            raise WebhookRefused(str(exc)) from exc
        raw = event.to_dict() if hasattr(event, "to_dict") else dict(event)
        data = (raw.get("data") or {}).get("object") or {}
        return WebhookEvent(
            event_id=str(raw.get("id", "")), kind=str(raw.get("type", "")), data=data
        )

    def card_of_setup(self, setup_intent_id: str) -> CardDetails:
        intent = self._call(
            lambda: self.client.v1.setup_intents.retrieve(
                setup_intent_id, {"expand": ["payment_method"]}
            )
        )
        method = intent.payment_method
        if method is None or isinstance(method, str):
            raise WebhookRefused("setup intent without a payment method")
        card = method.card
        return CardDetails(
            customer_id=str(intent.customer or ""),
            method_id=str(method.id),
            brand=str(card.brand if card else ""),
            last4=str(card.last4 if card else ""),
            exp_month=int(card.exp_month if card else 0),
            exp_year=int(card.exp_year if card else 0),
        )

    def detach(self, method_id: str) -> None:
        self._call(lambda: self.client.v1.payment_methods.detach(method_id))

    @staticmethod
    def _call(action: Any) -> Any:
        try:
            return action()
        except stripe.StripeError as exc:
            current_app.logger.warning("stripe call failed: %s", exc)
            raise UserError("The payment service did not answer; try again in a moment.") from exc


def provider_for(settings: PaymentSettings | None) -> PaymentProvider:
    """The firm's provider: Stripe once its keys are set, otherwise manual."""
    if settings is not None and settings.provider == ProviderName.STRIPE:
        secret_key = unseal(settings.stripe_secret_key_enc)
        if secret_key:
            api_base = current_app.config.get("STRIPE_API_BASE") or DEFAULT_API_BASE
            return StripeProvider(secret_key, unseal(settings.stripe_webhook_secret_enc), api_base)
    return ManualProvider()
