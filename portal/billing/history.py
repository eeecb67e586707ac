"""The account's payment history as the client's Invoices page shows it.

Payments (portal.payments) depend on billing, not the other way round: that package registers
its reader here with `set_history_source` at import, and the page lists what it returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from tenants.snapshot import TenantSnapshot


@dataclass(frozen=True, slots=True)
class PaymentRow:
    paid_on: date
    amount_minor: int  # negative for a refund
    currency: str
    method: str  # "Card", "Bank transfer", ...
    reference: str
    invoice_numbers: tuple[str, ...] = ()


HistorySource = Callable[[TenantSnapshot, int, int], list[PaymentRow]]
_source: list[HistorySource] = []


def set_history_source(source: HistorySource) -> None:
    """`source(tenant, account_id, limit)`: the newest payments of the account first."""
    _source[:] = [source]


def payment_history(tenant: TenantSnapshot, account_id: int, limit: int = 50) -> list[PaymentRow]:
    return _source[0](tenant, account_id, limit) if _source else []
