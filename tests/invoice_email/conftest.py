"""Invoice email tests: an account with a matter and a draft invoice, the firm signed in."""

from __future__ import annotations

import io
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

import pytest
from pypdf import PdfReader

from portal.billing import matters
from portal.billing.models import Invoice
from portal.clients.models import ClientAccount
from portal.core.extensions import db
from tests.fixtures.tenants import HostClient
from tests.payments.helpers import make_invoice
from tests.team.conftest import signed_in

__all__ = ["signed_in"]


@pytest.fixture
def account(app: Any, tenant: Any) -> ClientAccount:
    account = ClientAccount(
        tenant_id=tenant.id, name="Birch Household", kind="household",
        billing_email="billing@birch.example",
    )  # fmt: skip
    db.session.add(account)
    db.session.commit()
    return account


@pytest.fixture
def invoice(tenant: Any, account: ClientAccount) -> Callable[..., Invoice]:
    """A draft invoice of the account, for a matter with `matter_email` if given."""

    def make(matter_email: str | None = "a@x.example; b@y.example") -> Invoice:
        made = make_invoice(tenant.id, account.id, [12345], send=False)
        if matter_email is not None:
            matter = matters.save_matter(
                tenant.id, account, name="Estate of Birch", number="M-7", email=matter_email
            )
            made.matter_id = matter.id
            db.session.commit()
        return made

    return make


def email_page(firm: HostClient, invoice: Invoice) -> str:
    return f"/admin/invoice-email/{invoice.id}"


def send_form(firm: HostClient, invoice: Invoice, *, to: str, cc: str = "", bcc: str = "",
              invite: bool = False) -> Any:  # fmt: skip
    data = {"to": to, "cc": cc, "bcc": bcc, "confirm": "y"}
    if invite:
        data["invite"] = "y"
    return firm.submit(email_page(firm, invoice), data)


def pdf_of(message: EmailMessage) -> bytes:
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"]
    data = part.get_content()
    assert isinstance(data, bytes)
    return data


def pdf_text(data: bytes) -> str:
    return PdfReader(io.BytesIO(data)).pages[0].extract_text()
