"""The referral programme end to end through HTTP: link → click → cookie → verified sign-up →
attribution and the fixed commission; the referred client's payments earn a percentage and a
refund takes it back; staff approve and pay out; and the ways attribution must not happen."""

from __future__ import annotations

import time

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from portal.clients.models import Contact
from portal.core.extensions import db
from portal.referrals.links import COOKIE
from portal.referrals.models import Commission, Referral, ReferralClick
from tests.fixtures.people import tenant_host
from tests.payments.helpers import make_invoice
from tests.referrals.conftest import link_path, sign_up


def _commissions() -> list[tuple[str, str, int]]:
    rows = db.session.execute(
        select(Commission.kind, Commission.status, Commission.amount_minor).order_by(Commission.id)
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


def _referred_account(email: str) -> int:
    referral = db.session.scalar(
        select(Referral)
        .join(Contact, Contact.id == Referral.referred_contact_id)
        .where(Contact.email == email)
    )
    assert referral is not None
    return referral.referred_account_id


def test_link_click_signup_payment_refund_approve_and_payout(
    app, client_for, referrer, firm, smtp, programme_on
):
    path = link_path(referrer)
    page = referrer.get("/referrals/").get_data(as_text=True)
    assert f"https://{tenant_host(programme_on)}{path}" in page  # on the canonical host
    assert "Copy link" in page and "You earn EUR 25.00 for each person" in page
    assert "You earn 10% of every invoice they pay." in page

    visitor = client_for(tenant_host(programme_on))
    response = visitor.get(path, headers={"User-Agent": "Browser A"})
    assert response.status_code == 302 and response.headers["Location"] == "/sign-up"
    assert COOKIE in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]
    visitor.get(path, headers={"User-Agent": "Browser A"})  # same visitor, same day
    assert db.session.scalar(select(func.count(ReferralClick.id))) == 1

    verified = sign_up(visitor, smtp, "sam@friend.example")
    assert verified.headers["Location"] == "/sign-in"
    assert _commissions() == [("signup", "pending", 2500)]

    page = referrer.get("/referrals/").get_data(as_text=True)
    assert "Verified sign-up" in page and "EUR 25.00" in page and "Pending" in page
    assert "sam@friend.example" not in page and "Sam Lee" not in page

    account_id = _referred_account("sam@friend.example")
    invoice = make_invoice(programme_on.id, account_id, [50000])
    paid = firm.submit(
        f"/admin/payments/record/{invoice.id}",
        {"kind": "payment", "amount": "500.00", "paid_on": "2026-01-05", "method": "cheque"},
    )
    assert paid.status_code == 302, paid.get_data(as_text=True)
    assert _commissions() == [("signup", "pending", 2500), ("invoice", "pending", 5000)]

    refunded = firm.submit(
        f"/admin/payments/record/{invoice.id}?kind=refund",
        {"kind": "refund", "amount": "200.00", "paid_on": "2026-01-06", "method": "cheque"},
    )
    assert refunded.status_code == 302, refunded.get_data(as_text=True)
    # 10 % of the 200.00 refunded (20.00) is less than the pending 50.00: a pending reversal.
    assert _commissions()[-1] == ("reversal", "pending", -2000)

    queue = firm.get("/admin/referrals/commissions").get_data(as_text=True)
    assert "Sam Lee" in queue and "Pat Doe" in queue  # referred client and referrer
    assert "EUR 50.00" in queue and "EUR -20.00" in queue
    ids = list(db.session.scalars(select(Commission.id).order_by(Commission.id)))
    for commission_id in ids:
        firm.post(
            f"/admin/referrals/commissions/{commission_id}/approve",
            data={"csrf_token": _csrf(firm, "/admin/referrals/commissions")},
        )
    assert [status for _, status, _ in _commissions()] == ["approved"] * 3

    code_id = db.session.scalar(select(Commission.code_id))
    too_much = firm.submit(
        f"/admin/referrals/referrers/{code_id}",
        {"amount": "55.01", "paid_on": "2026-01-07", "method": "bank_transfer", "reference": "X"},
    )
    assert too_much.status_code == 422
    assert "more than the approved balance" in too_much.get_data(as_text=True)
    assert 'value="55.01"' in too_much.get_data(as_text=True)  # what was typed is kept
    done = firm.submit(
        f"/admin/referrals/referrers/{code_id}",
        {"amount": "55.00", "paid_on": "2026-01-07", "method": "bank_transfer", "reference": "T1"},
    )
    assert done.status_code == 302
    detail = firm.get(f"/admin/referrals/referrers/{code_id}").get_data(as_text=True)
    assert "Recorded a payout of EUR 55.00." in detail

    page = referrer.get("/referrals/").get_data(as_text=True)
    assert "EUR 55.00" in page  # paid
    payouts = referrer.get("/referrals/payouts").get_data(as_text=True)
    assert "2026-01-07" in payouts and "T1" in payouts and "Bank transfer" in payouts
    notices = referrer.get("/notifications").get_data(as_text=True)
    assert "Referral commission approved: EUR 25.00" in notices
    assert "Referral payout: EUR 55.00" in notices


def _csrf(client, page: str) -> str:  # type: ignore[no-untyped-def]
    from tests.fixtures.tenants import csrf_from

    return csrf_from(client.get(page).get_data(as_text=True))


def test_full_refund_reverses_the_pending_commission(
    client_for, referrer, firm, smtp, programme_on
):
    visitor = client_for(tenant_host(programme_on))
    visitor.get(link_path(referrer))
    sign_up(visitor, smtp, "kim@friend.example", "Kim Park")
    invoice = make_invoice(programme_on.id, _referred_account("kim@friend.example"), [30000])
    firm.submit(
        f"/admin/payments/record/{invoice.id}",
        {"kind": "payment", "amount": "300.00", "paid_on": "2026-01-05", "method": "cash"},
    )
    firm.submit(
        f"/admin/payments/record/{invoice.id}?kind=refund",
        {"kind": "refund", "amount": "300.00", "paid_on": "2026-01-06", "method": "cash"},
    )
    assert _commissions() == [("signup", "pending", 2500), ("invoice", "reversed", 3000)]
    page = referrer.get("/referrals/").get_data(as_text=True)
    assert "Reversed" in page and "was refunded" in page


def test_refund_after_approval_posts_an_approved_negative_commission(
    client_for, referrer, firm, smtp, programme_on
):
    visitor = client_for(tenant_host(programme_on))
    visitor.get(link_path(referrer))
    sign_up(visitor, smtp, "kim@friend.example", "Kim Park")
    invoice = make_invoice(programme_on.id, _referred_account("kim@friend.example"), [30000])
    firm.submit(
        f"/admin/payments/record/{invoice.id}",
        {"kind": "payment", "amount": "300.00", "paid_on": "2026-01-05", "method": "cash"},
    )
    invoice_commission = db.session.scalar(
        select(Commission.id).where(Commission.kind == "invoice")
    )
    firm.post(
        f"/admin/referrals/commissions/{invoice_commission}/approve",
        data={"csrf_token": _csrf(firm, "/admin/referrals/commissions")},
    )
    firm.submit(
        f"/admin/payments/record/{invoice.id}?kind=refund",
        {"kind": "refund", "amount": "100.00", "paid_on": "2026-01-06", "method": "cash"},
    )
    assert _commissions()[-1] == ("reversal", "approved", -1000)


def test_self_referral_is_refused(client_for, referrer, smtp, programme_on):
    """Pat clicks their own link and signs up again with the same address (duplicates on)."""
    from tenants.models import Tenant
    from tenants.resolution import forget_tenants

    db.session.get(Tenant, programme_on.id).allow_duplicate_contacts = True
    db.session.commit()
    forget_tenants()
    visitor = client_for(tenant_host(programme_on))
    visitor.get(link_path(referrer))
    sign_up(visitor, smtp, "pat@client.example", "Pat Again")
    assert db.session.scalar(select(func.count(Referral.id))) == 0
    assert _commissions() == []


def test_unknown_or_forged_code_and_forged_cookie_are_ignored(
    client_for, referrer, smtp, programme_on
):
    visitor = client_for(tenant_host(programme_on))
    response = visitor.get("/r/not-a-real-code")
    assert response.status_code == 302 and response.headers["Location"] == "/sign-up"
    assert "Set-Cookie" not in response.headers
    real = link_path(referrer)
    visitor.get(real[:-1] + ("A" if real[-1] != "A" else "B"))
    assert db.session.scalar(select(func.count(ReferralClick.id))) == 0
    visitor.set_cookie(COOKIE, "WzEsIDFd.forged.signature", domain=tenant_host(programme_on))
    sign_up(visitor, smtp, "eve@friend.example", "Eve")
    assert db.session.scalar(select(func.count(Referral.id))) == 0


def test_first_touch_wins(client_for, referrer, create_client, accept_invitation, smtp,
                          programme_on):  # fmt: skip
    from tests.fixtures.people import invite_link_in
    from tests.fixtures.smtp import text_of

    create_client("lou@other.example", "Lou Household", name="Lou")
    [mail] = smtp.wait_for(1, to="lou@other.example")
    lou = accept_invitation(invite_link_in(text_of(mail)))
    visitor = client_for(tenant_host(programme_on))
    visitor.get(link_path(referrer))
    second = visitor.get(link_path(lou))
    assert "Set-Cookie" not in second.headers  # the first cookie is kept
    sign_up(visitor, smtp, "sam@friend.example")
    assert "Sign-ups</dt><dd>1" in referrer.get("/referrals/").get_data(as_text=True)
    assert "Sign-ups</dt><dd>0" in lou.get("/referrals/").get_data(as_text=True)


def test_cookie_window_expiry(client_for, referrer, smtp, programme_on, monkeypatch):
    from tests.referrals.conftest import open_programme

    open_programme(programme_on.id, cookie_days="1")
    visitor = client_for(tenant_host(programme_on))
    path = link_path(referrer)
    two_days_ago = int(time.time()) - 2 * 86400
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: two_days_ago)
        assert COOKIE in visitor.get(path).headers["Set-Cookie"]
    sign_up(visitor, smtp, "late@friend.example", "Late")
    assert db.session.scalar(select(func.count(Referral.id))) == 0


def test_programme_off_shows_no_link_and_sets_no_cookie(client_for, referrer, smtp,
                                                        programme_on):  # fmt: skip
    from tests.referrals.conftest import open_programme

    path = link_path(referrer)
    assert 'href="/referrals/"' in referrer.get("/").get_data(as_text=True)  # in the menu
    open_programme(programme_on.id, enabled=False)
    assert 'href="/referrals/"' not in referrer.get("/").get_data(as_text=True)
    page = referrer.get("/referrals/").get_data(as_text=True)
    assert "no longer active" in page and path not in page
    visitor = client_for(tenant_host(programme_on))
    assert "Set-Cookie" not in visitor.get(path).headers


def test_settings_reject_bad_input_and_keep_it(firm, open_tenant):
    response = firm.submit(
        "/admin/referrals/settings",
        {"enabled": "y", "audience": "tags", "tags": "", "cookie_days": "abc", "percent": "5",
         "signup_amount": "0", "terms": ""},
    )  # fmt: skip
    assert response.status_code == 422
    assert "Name at least one tag" in response.get_data(as_text=True)
    response = firm.submit(
        "/admin/referrals/settings",
        {"enabled": "y", "audience": "all", "tags": "", "cookie_days": "0", "percent": "5",
         "signup_amount": "0", "terms": "Our terms"},
    )  # fmt: skip
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "from 1 to 365" in body and "Our terms" in body
    ok = firm.submit(
        "/admin/referrals/settings",
        {"enabled": "y", "audience": "tags", "tags": "VIP, referrer", "cookie_days": "45",
         "percent": "2.5", "signup_amount": "10", "terms": "T"},
    )  # fmt: skip
    assert ok.status_code == 302
    page = firm.get("/admin/referrals/settings").get_data(as_text=True)
    assert 'value="referrer, vip"' in page and 'value="2.5"' in page and 'value="45"' in page


def test_tag_audience_gives_links_to_tagged_accounts_only(referrer, programme_on):
    from tests.referrals.conftest import open_programme

    open_programme(programme_on.id, audience="tags", tags="referrer")
    page = referrer.get("/referrals/").get_data(as_text=True)
    assert "is not part of a referral programme" in page


def test_reject_needs_a_reason_the_client_sees(client_for, referrer, firm, smtp, programme_on):
    visitor = client_for(tenant_host(programme_on))
    visitor.get(link_path(referrer))
    sign_up(visitor, smtp, "sam@friend.example")
    commission_id = db.session.scalar(select(Commission.id))
    empty = firm.submit(f"/admin/referrals/commissions/{commission_id}/reject", {"reason": " "})
    assert empty.status_code == 422 and "Say why" in empty.get_data(as_text=True)
    done = firm.submit(
        f"/admin/referrals/commissions/{commission_id}/reject", {"reason": "Duplicate account"}
    )
    assert done.status_code == 302
    page = referrer.get("/referrals/").get_data(as_text=True)
    assert "Rejected" in page and "Duplicate account" in page


@pytest.mark.parametrize("role", ["member"])
def test_members_cannot_change_settings(client_for, make_staff, tenant, role):
    from tests.fixtures.people import sign_in_staff

    make_staff(tenant, "mia@acme.example", role=role)
    client = client_for(tenant_host(tenant))
    sign_in_staff(client, "mia@acme.example")
    assert client.get("/admin/referrals/settings").status_code == 403
    assert client.get("/admin/referrals/").status_code == 200


def _set_access(account_id: int, enabled: bool) -> None:
    from portal.clients.models import AccountContact

    row = db.session.scalar(select(AccountContact).where(AccountContact.account_id == account_id))
    row.login_enabled = enabled
    db.session.commit()


def test_inactive_referrer_earns_nothing(
    client_for, referrer, referrer_account, smtp, programme_on
):
    """A referrer whose portal access was removed: no click, no attribution, and a client it
    brought earlier earns it nothing more, whichever way the payment is recorded."""
    from datetime import date

    from portal.payments.recording import Allocation, record_payment

    path = link_path(referrer)
    early = client_for(tenant_host(programme_on))
    early.get(path)
    sign_up(early, smtp, "early@friend.example", "Early Bird")
    _set_access(referrer_account, False)

    late = client_for(tenant_host(programme_on))
    assert "Set-Cookie" not in late.get(path).headers
    sign_up(late, smtp, "late@friend.example", "Late Comer")
    assert db.session.scalar(select(func.count(Referral.id))) == 1
    assert db.session.scalar(select(func.count(ReferralClick.id))) == 1

    account_id = _referred_account("early@friend.example")
    invoice = make_invoice(programme_on.id, account_id, [10000])
    record_payment(  # the path Stripe webhooks and pay links take
        programme_on.id,
        account_id,
        amount_minor=10000,
        paid_on=date.today(),
        method="card",
        allocations=[Allocation(invoice.id, 10000)],
    )
    db.session.commit()
    assert _commissions() == [("signup", "pending", 2500)]
    _set_access(referrer_account, True)
    record_payment(
        programme_on.id,
        account_id,
        amount_minor=-5000,
        paid_on=date.today(),
        method="card",
        allocations=[Allocation(invoice.id, -5000)],
    )
    db.session.commit()
    assert _commissions() == [("signup", "pending", 2500)]  # nothing earned, nothing to reverse
