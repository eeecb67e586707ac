"""What clients and staff read for each kind and status (translated for the client pages)."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l

from portal.referrals.models import CommissionKind, CommissionStatus

KIND_LABELS = {
    CommissionKind.SIGNUP: _l("Verified sign-up"),
    CommissionKind.INVOICE: _l("Invoice paid"),
    CommissionKind.REVERSAL: _l("Refund"),
}
STATUS_LABELS = {
    CommissionStatus.PENDING: _l("Pending"),
    CommissionStatus.APPROVED: _l("Approved"),
    CommissionStatus.REJECTED: _l("Rejected"),
    CommissionStatus.REVERSED: _l("Reversed"),
}


def percent_text(bps: int) -> str:
    """1000 → '10', 250 → '2.5' (basis points as a percentage, no trailing zeros)."""
    text = f"{Decimal(bps) / 100:.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


METHOD_LABELS = {
    "card": _l("Card"),
    "bank_transfer": _l("Bank transfer"),
    "cheque": _l("Cheque"),
    "cash": _l("Cash"),
    "other": _l("Other"),
}
