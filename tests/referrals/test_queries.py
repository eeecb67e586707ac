"""The referral lists (client commissions and payouts, staff referrers, queue and one
referrer) run the same number of SQL statements at 10 and at 100 rows."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from portal.clients.models import AccountContact, ClientAccount, Contact
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.referrals.models import Commission, Payout, Referral, ReferralCode
from tests.fixtures.queries import counting


def _add(tenant_id: int, code: ReferralCode, start: int, stop: int) -> None:
    """Referrers (each with a referral and a commission) and commissions and payouts of
    `code`, numbered start..stop-1."""
    for number in range(start, stop):
        account = ClientAccount(tenant_id=tenant_id, name=f"Friend {number:03d}", kind="company")
        contact = Contact(tenant_id=tenant_id, email=f"f{number}@friends.example", name="")
        db.session.add_all([account, contact])
        db.session.flush()
        db.session.add(
            AccountContact(
                tenant_id=tenant_id, account_id=account.id, contact_id=contact.id,
                login_enabled=True,
            )
        )  # fmt: skip
        other = ReferralCode(
            tenant_id=tenant_id, account_id=account.id, contact_id=contact.id, code=f"c{number:05d}"
        )
        db.session.add(other)
        db.session.flush()
        referral = Referral(
            tenant_id=tenant_id,
            code_id=code.id,
            referred_account_id=account.id,
            referred_contact_id=contact.id,
            clicked_at=utcnow(),
        )
        db.session.add(referral)
        db.session.flush()
        db.session.add_all(
            [
                Commission(
                    tenant_id=tenant_id, code_id=code.id, referral_id=referral.id, kind="signup",
                    amount_minor=100, currency="EUR", status="pending",
                ),
                Payout(
                    tenant_id=tenant_id, code_id=code.id, amount_minor=1, currency="EUR",
                    paid_on=date.today(), method="cash",
                ),
            ]
        )  # fmt: skip
    db.session.commit()


def test_referral_lists_query_counts_do_not_grow(referrer, firm, programme_on):
    referrer.get("/referrals/")  # Pat's code is made on the first visit
    code = db.session.scalar(select(ReferralCode))
    pages = [
        (referrer, "/referrals/"),
        (referrer, "/referrals/payouts"),
        (firm, "/admin/referrals/"),
        (firm, "/admin/referrals/commissions"),
        (firm, f"/admin/referrals/referrers/{code.id}"),
    ]
    counts: dict[str, list[int]] = {}
    for start, stop in ((0, 10), (10, 100)):
        _add(programme_on.id, code, start, stop)
        for client, path in pages:
            client.get(path)
            with counting() as statements:
                response = client.get(path)
            assert response.status_code == 200
            counts.setdefault(path, []).append(len(statements))
            if stop == 100:
                assert 'rel="next"' in response.get_data(as_text=True), f"{path}: one page"
    for path, (at_10, at_100) in counts.items():
        assert at_10 == at_100, f"{path}: {at_10} statements at 10 rows, {at_100} at 100"
