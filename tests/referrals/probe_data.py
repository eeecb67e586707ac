"""A referral programme for the cross-tenant probe: the account's contact refers, a client
named with the marker signed up through its link, one pending and one approved commission,
and a payout. Returns ({code_id, commission_id}, the code of the link)."""

from __future__ import annotations

from datetime import date

from portal.clients import directory
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.referrals import programme
from portal.referrals.models import Commission, Payout, Referral, ReferralCode


def referral_objects(
    tenant_id: int, account_id: int, contact_id: int, marker: str, firm_marker: str | None = None
) -> tuple[dict[str, int], str]:
    """The programme's terms are the firm's (every client of it reads them): `firm_marker`."""
    programme.save_settings(
        tenant_id,
        programme.SettingsInput(
            True, "all", "", "30", "10", "25", f"{firm_marker or marker} terms"
        ),
        "EUR",
    )
    code = ReferralCode(
        tenant_id=tenant_id,
        account_id=account_id,
        contact_id=contact_id,
        code=f"probe{tenant_id}x{account_id}",
    )
    referred = directory.create_account(tenant_id, f"{marker} referred", "household")
    friend = directory.add_contact(
        tenant_id, referred, f"friend{tenant_id}x{account_id}@probe.example", f"{marker} friend"
    )
    db.session.add(code)
    db.session.flush()
    referral = Referral(
        tenant_id=tenant_id,
        code_id=code.id,
        referred_account_id=referred.id,
        referred_contact_id=friend.id,
        clicked_at=utcnow(),
    )
    db.session.add(referral)
    db.session.flush()
    pending = Commission(
        tenant_id=tenant_id, code_id=code.id, referral_id=referral.id, kind="signup",
        amount_minor=2500, currency="EUR", status="pending", reason=f"{marker} reason",
    )  # fmt: skip
    approved = Commission(
        tenant_id=tenant_id, code_id=code.id, referral_id=referral.id, kind="signup",
        amount_minor=2500, currency="EUR", status="approved",
    )  # fmt: skip
    payout = Payout(
        tenant_id=tenant_id, code_id=code.id, amount_minor=1000, currency="EUR",
        paid_on=date.today(), method="cash", reference=f"{marker} payout",
    )  # fmt: skip
    db.session.add_all([pending, approved, payout])
    db.session.flush()
    return {"code_id": code.id, "commission_id": pending.id}, code.code
