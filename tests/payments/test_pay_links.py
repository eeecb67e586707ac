"""Pay without signing in: a "view and pay" link opens one invoice (GET shows, only POST starts
a payment); expired, revoked, switched-off and garbage links get the same 404; the manual
provider shows the firm's payment instructions instead of a button."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.core.database import utcnow
from portal.core.extensions import db
from portal.payments import paylinks
from portal.payments.models import PayLink
from tenants.resolution import snapshot_by_id
from tests.fixtures.tenants import csrf_from
from tests.payments.helpers import use_manual


def _link(tenant, bill, email: str = "pat@client.example") -> str:  # type: ignore[no-untyped-def]
    url = paylinks.issue_pay_link(snapshot_by_id(tenant.id), bill, email)
    db.session.commit()
    assert url is not None
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_the_link_shows_the_invoice_and_only_a_post_pays(
    portal, tenant, invoice, stripe, stripe_stub
):
    bill = invoice(10000)
    path = _link(tenant, bill)
    assert path.startswith("/payments/link/")
    for _ in range(2):  # a mail scanner following the link changes nothing
        page = portal.get(path)
        assert page.status_code == 200
        assert bill.number in page.get_data(as_text=True)
    assert "Pay USD 100.00 now" in page.get_data(as_text=True)
    assert stripe_stub.calls == []
    without_csrf = portal.post(path, data={})
    assert without_csrf.status_code in (400, 200) and stripe_stub.calls == []
    paid = portal.post(path, data={"csrf_token": csrf_from(page.get_data(as_text=True))})
    assert paid.status_code == 303
    [call] = stripe_stub.calls_to("POST", "/v1/checkout/sessions")
    assert call.params["metadata[invoice_id]"] == str(bill.id)
    assert call.params["customer_email"] == "pat@client.example"
    assert db.session.scalar(select(PayLink.last_used_at)) is not None


@pytest.mark.parametrize("how", ["expired", "revoked", "switched_off", "void", "garbage"])
def test_dead_links_are_refused_like_garbage(portal, tenant, invoice, stripe, how):
    bill = invoice(10000)
    path = _link(tenant, bill)
    link = db.session.scalar(select(PayLink))
    if how == "expired":
        link.expires_at = utcnow() - timedelta(seconds=1)
    elif how == "revoked":
        paylinks.revoke_pay_links(snapshot_by_id(tenant.id), bill.id)
    elif how == "switched_off":
        use_manual(tenant.id, "", pay_without_sign_in=False)
    elif how == "void":
        bill.status = "void"
    else:
        path = "/payments/link/" + "A" * 43
    db.session.commit()
    response = portal.get(path)
    assert response.status_code == 404
    assert "This link is not valid" in response.get_data(as_text=True)
    assert "USD 100.00" not in response.get_data(as_text=True)


def test_manual_provider_shows_the_firms_instructions(portal, client, tenant, invoice):
    use_manual(tenant.id, "Pay by bank transfer to IBAN NL00 BANK 0123 4567 89")
    bill = invoice(10000)
    signed_in = client.get(f"/payments/invoice/{bill.id}").get_data(as_text=True)
    assert "IBAN NL00 BANK 0123 4567 89" in signed_in and "now</button>" not in signed_in
    by_link = portal.get(_link(tenant, bill)).get_data(as_text=True)
    assert "IBAN NL00 BANK 0123 4567 89" in by_link and bill.number in by_link


def test_a_client_cannot_open_another_accounts_invoice(client, tenant, create_client):
    from tests.payments.helpers import make_invoice

    other = create_client("other@client.example", "Other Household", invite=False)
    foreign = make_invoice(tenant.id, other, [10000])
    assert client.get(f"/payments/invoice/{foreign.id}").status_code == 404
