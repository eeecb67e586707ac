"""Fixtures for the billing tests: an account with a signed-in client, and invoices made
through the service the staff pages use."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from portal.billing import invoices, sending
from portal.billing.models import Invoice
from portal.core.extensions import db
from tests.files.conftest import account, make_account, make_client, snap  # noqa: F401

__all__ = ["account", "make_account", "make_client", "snap"]


@pytest.fixture
def client(make_client: Callable[..., Any], account: Any) -> Any:  # noqa: F811
    return make_client(account)


def line(description: str = "Tax return", quantity: str = "1", price: int = 10000,
         discount: str = "0", tax: str = "0") -> invoices.LineInput:  # fmt: skip
    return invoices.LineInput(
        description=description,
        quantity=Decimal(quantity),
        unit_price_minor=price,
        discount_percent=Decimal(discount),
        tax_percent=Decimal(tax),
    )


@pytest.fixture
def make_invoice(app: Any) -> Callable[..., Invoice]:
    """An invoice of `account`: a draft, or sent (`send=True`), due in `due_in` days."""

    def make(tenant: Any, account: Any, *lines: invoices.LineInput, send: bool = False,
             due_in: int = 30, matter_id: int | None = None) -> Invoice:  # fmt: skip
        today = date.today()
        invoice = invoices.create_invoice(
            tenant.id,
            invoices.InvoiceInput(
                account_id=account.id,
                issue_date=today + timedelta(days=min(due_in, 0)),
                due_date=today + timedelta(days=due_in),
                lines=list(lines) or [line()],
                matter_id=matter_id,
            ),
        )
        if send:
            sending.send_invoice(tenant.id, invoice)
        db.session.commit()
        return invoice

    return make
