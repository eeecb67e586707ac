"""History tests: Pat's account with one event of every kind, Pat signed in, and a second
account of the same firm whose events must never show on Pat's page."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from portal.clients.models import AccountContact
from portal.core.extensions import db
from portal.files.models import ClientFile
from portal.payments.recording import Allocation, record_payment
from tests.billing.probe_data import billing_objects
from tests.documents.probe_data import document_objects
from tests.files.probe_data import file_objects
from tests.fixtures.people import invite_link_in
from tests.fixtures.smtp import text_of
from tests.history.probe_data import history_objects
from tests.messaging.probe_data import messaging_objects
from tests.payments.helpers import make_invoice


def contact_of(tenant_id: int, account_id: int) -> int:
    return db.session.scalar(
        select(AccountContact.contact_id).where(
            AccountContact.tenant_id == tenant_id, AccountContact.account_id == account_id
        )
    )


def fill(tenant_id: int, account_id: int, staff_id: int, marker: str) -> None:
    """One event of every kind (and an internal file and a draft invoice) named `marker`."""
    contact_id = contact_of(tenant_id, account_id)
    messaging_objects(tenant_id, account_id, contact_id, staff_id, marker)
    file_objects(tenant_id, account_id, staff_id, marker)
    document_objects(tenant_id, account_id, f"{marker.lower()}@docs.example", staff_id, marker)
    invoice_id = billing_objects(tenant_id, account_id, marker)["invoice_id"]
    record_payment(
        tenant_id,
        account_id,
        amount_minor=2300,
        paid_on=date.today(),
        method="cheque",
        allocations=[Allocation(invoice_id, 2300)],
        reference=f"{marker} cheque",
    )
    make_invoice(tenant_id, account_id, [4200], send=False)
    db.session.add(
        ClientFile(
            tenant_id=tenant_id,
            account_id=account_id,
            name=f"{marker} internal memo.txt",
            size=1,
            content_type="text/plain",
            storage_key=f"probe/{marker}",
            sha256="0" * 64,
            internal=True,
            uploaded_by_kind="staff",
            uploaded_by_name="Owner",
        )
    )
    history_objects(tenant_id, account_id, contact_id, marker)
    db.session.commit()


@pytest.fixture
def pat_account(create_client) -> int:  # type: ignore[no-untyped-def]
    return create_client("pat@client.example", "Pat Household", name="Pat Doe")


@pytest.fixture
def pat(pat_account, smtp, accept_invitation):  # type: ignore[no-untyped-def]
    [mail] = smtp.wait_for(1, to="pat@client.example")
    return accept_invitation(invite_link_in(text_of(mail)))


@pytest.fixture
def world(tenant, staff, pat, pat_account, create_client) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    other = create_client("ola@other.example", "Olafsson Secret Trust", name="Ola", invite=False)
    fill(tenant.id, pat_account, staff.id, "Pat")
    fill(tenant.id, other, staff.id, "Olafsson")
    return {"pat": pat, "account_id": pat_account, "other_id": other}
