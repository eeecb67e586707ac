"""The account's payment history as the client's Invoices page shows it.

Payments (portal.payments) depend on billing, not the other way round: that package registers
its reader here with `set_history_source` at import, and the page lists what it returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from portal.core.pagination import Page
from tenants.snapshot import TenantSnapshot


@dataclass(frozen=True, slots=True)
class PaymentRow:
    paid_on: date
    amount_minor: int  # negative for a refund
    currency: str
    method: str  # "Card", "Bank transfer", ...
    reference: str
    invoice_numbers: tuple[str, ...] = ()


HistorySource = Callable[[TenantSnapshot, int, int, int], list[PaymentRow]]
_source: list[HistorySource] = []


def set_history_source(source: HistorySource) -> None:
    """`source(tenant, account_id, limit, offset)`: the account's payments, newest first."""
    _source[:] = [source]


def payment_history(
    tenant: TenantSnapshot, account_id: int, number: int = 1, per_page: int = 25
) -> Page[PaymentRow]:
    """Page `number` of the account's payments: one row more than shown tells of a next page."""
    rows = _source[0](tenant, account_id, per_page + 1, (number - 1) * per_page) if _source else []
    return Page(rows[:per_page], number, per_page, len(rows) > per_page)
