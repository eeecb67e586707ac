"""Rows the phone-size and accessibility browser test needs for the Referrals pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from portal.core.extensions import db
from tests.referrals.probe_data import referral_objects

if TYPE_CHECKING:  # client_pages imports this module for its page list
    from tests.e2e.client_pages import Seed


def referrals_seed(seed: Seed) -> Mapping[str, object]:
    """The programme on, the seeded client a referrer with a sign-up, a pending and an
    approved commission and a payout."""
    ids, _code = referral_objects(seed.tenant_id, seed.account_id, seed.contact_id, "Harbour")
    db.session.commit()
    return ids
