"""Stripe: "Pay now" creates a Checkout Session on the local stub for what the invoice owes; a
signed webhook records the payment exactly once; badly signed, stale or foreign events record
nothing; saved cards show brand and last four and are removed at Stripe too."""

from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import func, select

from portal.billing.models import Invoice
from portal.clients.models import ClientAccount
from portal.core.extensions import db
from portal.payments.models import Payment, PaymentSettings, ProviderEvent, SavedPaymentMethod
from tests.fixtures.people import tenant_host
from tests.fixtures.stripe_stub import event, sign
from tests.fixtures.tenants import csrf_from
from tests.payments.helpers import (
    SECRET_KEY,
    WEBHOOK_SECRET,
    completed_session,
    deliver,
    make_invoice,
    use_stripe,
)


def _nested_metadata(params: dict[str, str]) -> dict[str, str]:
    return {k[len("metadata[") : -1]: v for k, v in params.items() if k.startswith("metadata[")}


def _payments() -> int:
    return db.session.scalar(select(func.count(Payment.id))) or 0


def _fresh(invoice_id: int) -> Invoice:
    db.session.expire_all()
    return db.session.get(Invoice, invoice_id)


def test_pay_now_creates_a_checkout_session_for_what_is_owed(
    client, invoice, stripe, stripe_stub, tenant
):
    bill = invoice(10000, 2345)
    page = client.get(f"/payments/invoice/{bill.id}")
    assert page.status_code == 200
    assert "Pay USD 123.45 now" in page.get_data(as_text=True)
    assert stripe_stub.calls == [], "showing the page calls nothing"
    response = client.post(
        f"/payments/invoice/{bill.id}",
        data={"csrf_token": csrf_from(page.get_data(as_text=True)), "amount": "1"},
    )
    assert response.status_code == 303
    assert response.headers["Location"].startswith("https://checkout.stripe.com/c/pay/cs_test")
    [call] = stripe_stub.calls_to("POST", "/v1/checkout/sessions")
    assert call.api_key == SECRET_KEY
    params = call.params
    assert params["mode"] == "payment"
    assert params["line_items[0][price_data][unit_amount]"] == "12345"  # not the posted "1"
    assert params["line_items[0][price_data][currency]"] == "usd"
    assert params["metadata[invoice_id]"] == str(bill.id)
    assert params["metadata[tenant_id]"] == str(tenant.id)
    assert params["customer_email"] == "pat@client.example"
    assert params["success_url"].startswith(f"https://{tenant_host(tenant)}/payments/done")
    assert _payments() == 0, "nothing is recorded before Stripe says it was paid"


def test_a_signed_webhook_records_the_payment_exactly_once(portal, invoice, stripe, client):
    bill = invoice(10000)
    paid = completed_session(bill)
    payload = event("checkout.session.completed", paid, "evt_once_1")
    first = deliver(portal, "", {}, body=payload)
    assert first.status_code == 200 and first.json["outcome"] == "recorded"
    again = deliver(portal, "", {}, body=payload)
    assert again.status_code == 200 and again.json["outcome"] == "duplicate"
    # The same payment under a new event id (a retried session event) is not paid twice.
    other = deliver(portal, "checkout.session.completed", paid, event_id="evt_2")
    assert other.status_code == 200 and other.json["outcome"] == "duplicate"
    assert _payments() == 1
    payment = db.session.scalar(select(Payment))
    assert (payment.amount_minor, payment.method, payment.provider) == (10000, "card", "stripe")
    assert _fresh(bill.id).status_label == "Paid"
    history = client.get("/invoices/").get_data(as_text=True)
    assert "USD 100.00" in history and "Card" in history


def test_partial_online_payment_leaves_the_rest_owed(portal, invoice, stripe):
    bill = invoice(10000)
    deliver(portal, "checkout.session.completed", completed_session(bill, 4000))
    assert _fresh(bill.id).status_label == "Partially paid"


def test_badly_signed_or_stale_webhooks_are_refused(portal, invoice, stripe):
    bill = invoice(10000)
    obj = completed_session(bill)
    assert (
        deliver(portal, "checkout.session.completed", obj, secret="whsec_wrong").status_code == 400
    )
    stale = int(time.time()) - 301
    assert deliver(portal, "checkout.session.completed", obj, timestamp=stale).status_code == 400
    unsigned = portal.post(
        "/payments/webhook/stripe",
        data=event("checkout.session.completed", obj),
        content_type="application/json",
    )
    assert unsigned.status_code == 400
    payload = event("checkout.session.completed", obj)
    tampered = payload.replace(b'"amount_total": 10000', b'"amount_total": 1')
    assert tampered != payload
    forged = portal.post(
        "/payments/webhook/stripe",
        data=tampered,
        content_type="application/json",
        headers={"Stripe-Signature": sign(payload, WEBHOOK_SECRET)},
    )
    assert forged.status_code == 400
    assert _payments() == 0
    assert db.session.scalar(select(func.count(ProviderEvent.id))) == 0
    assert _fresh(bill.id).status_label == "Sent"


def test_a_webhook_for_another_tenants_invoice_records_nothing(
    portal, invoice, stripe, make_tenant
):
    other = make_tenant(slug="other", name="Other Firm")
    b_account = ClientAccount(tenant_id=other.id, name="B Account", kind="household")
    db.session.add(b_account)
    db.session.commit()
    foreign = make_invoice(other.id, b_account.id, [5000])
    use_stripe(other.id)
    as_theirs = completed_session(foreign)
    response = deliver(portal, "checkout.session.completed", as_theirs)
    assert response.status_code == 200 and response.json["outcome"] == "ignored"
    as_ours = completed_session(foreign)
    as_ours["metadata"]["tenant_id"] = str(invoice(100).tenant_id)
    response = deliver(portal, "checkout.session.completed", as_ours)
    assert response.json["outcome"] == "ignored"
    assert _payments() == 0
    assert _fresh(foreign.id).status_label == "Sent"


def test_saved_card_shows_brand_and_last_four_and_is_removable(
    client, portal, stripe, stripe_stub, account_id, smtp
):
    page = client.get("/payments/methods")
    assert "No saved cards" in page.get_data(as_text=True)
    add = client.post(
        "/payments/methods/add", data={"csrf_token": csrf_from(page.get_data(as_text=True))}
    )
    assert add.status_code == 303
    assert stripe_stub.calls_to("POST", "/v1/customers")[0].params["email"] == "pat@client.example"
    session_call = stripe_stub.calls_to("POST", "/v1/checkout/sessions")[0]
    assert session_call.params["mode"] == "setup"
    setup = {
        "id": "cs_test_setup_1",
        "object": "checkout.session",
        "mode": "setup",
        "status": "complete",
        "setup_intent": "seti_test_1",
        "metadata": _nested_metadata(session_call.params),
    }
    assert setup["metadata"] == {"account_id": str(account_id), "email": "pat@client.example"}
    saved = deliver(portal, "checkout.session.completed", setup)
    assert saved.json["outcome"] == "saved"
    assert deliver(portal, "checkout.session.completed", setup).json["outcome"] == "duplicate"
    listing = client.get("/payments/methods").get_data(as_text=True)
    assert "Visa" in listing and "4242" in listing and "12/2030" in listing
    method = db.session.scalar(select(SavedPaymentMethod))
    assert method.provider_method_id == "pm_for_seti_test_1"
    columns = {c.name for c in SavedPaymentMethod.__table__.columns}
    assert not {"number", "card_number", "pan", "cvc"} & columns
    confirm = client.get(f"/payments/methods/{method.id}/remove")
    unconfirmed = client.post(
        f"/payments/methods/{method.id}/remove",
        data={"csrf_token": csrf_from(confirm.get_data(as_text=True))},
    )
    assert unconfirmed.status_code == 422
    removed = client.submit(f"/payments/methods/{method.id}/remove", {"confirm": "y"})
    assert removed.status_code == 302
    assert stripe_stub.calls_to("POST", "/v1/payment_methods/pm_for_seti_test_1/detach")
    assert db.session.scalar(select(func.count(SavedPaymentMethod.id))) == 0
    assert "No saved cards" in client.get("/payments/methods").get_data(as_text=True)
    subjects = [str(m["Subject"]) for m in smtp.wait_for(3, to="pat@client.example")]
    assert any("Visa card ending 4242 was saved" in s for s in subjects), subjects
    assert any("Visa card ending 4242 was removed" in s for s in subjects), subjects


def test_settings_never_show_the_secrets_back(firm, tenant):
    response = firm.submit(
        "/admin/payments/settings",
        {
            "provider": "stripe",
            "instructions": "",
            "stripe_publishable_key": "pk_test_abc",
            "stripe_secret_key": SECRET_KEY,
            "stripe_webhook_secret": WEBHOOK_SECRET,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    page = firm.get("/admin/payments/settings").get_data(as_text=True)
    assert SECRET_KEY not in page and WEBHOOK_SECRET not in page
    assert (
        SECRET_KEY[-4:] in page and f"https://{tenant_host(tenant)}/payments/webhook/stripe" in page
    )
    stored = db.session.get(PaymentSettings, tenant.id)
    assert SECRET_KEY not in json.dumps(
        [stored.stripe_secret_key_enc, stored.stripe_webhook_secret_enc]
    )
    kept = firm.submit("/admin/payments/settings", {"provider": "stripe", "instructions": "x"})
    assert kept.status_code == 302, "blank secret fields keep the stored ones"
    bad = firm.submit(
        "/admin/payments/settings", {"provider": "stripe", "stripe_secret_key": "4242 4242"}
    )
    assert bad.status_code == 422 and "starts with sk_" in bad.get_data(as_text=True)


def test_manual_firms_have_no_webhook_endpoint(portal, invoice):
    bill = invoice(10000)
    response = deliver(portal, "checkout.session.completed", completed_session(bill))
    assert response.status_code == 404
    assert _payments() == 0


def test_concurrent_deliveries_of_one_event_record_one_payment(
    app, tenant, invoice, stripe, db_backend, monkeypatch
):
    if db_backend != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL; SQLite serializes them anyway")
    import threading

    from portal.payments import online
    from tenants.resolution import snapshot_by_id

    bill = invoice(10000)
    payload = event("checkout.session.completed", completed_session(bill), "evt_race_1")
    headers = {"Stripe-Signature": sign(payload, WEBHOOK_SECRET)}
    snapshot = snapshot_by_id(tenant.id)
    real_provider_of = online.provider_of
    barrier = threading.Barrier(4)

    def provider_after_barrier(tenant_arg):  # type: ignore[no-untyped-def]
        provider = real_provider_of(tenant_arg)
        barrier.wait(10)
        return provider

    monkeypatch.setattr(online, "provider_of", provider_after_barrier)
    db.session.remove()
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def deliver_once() -> None:
        try:
            with app.app_context():
                outcomes.append(online.handle_webhook(snapshot, payload, headers))
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=deliver_once) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert sorted(outcomes) == ["duplicate", "duplicate", "duplicate", "recorded"]
    assert _payments() == 1
