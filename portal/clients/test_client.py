"""The firm's test client: "always invite your test client first" (seed 003).

One per firm, created on request: an account flagged `is_test` (left out of counts, charts
and billing through `status.counted_accounts()`) with one contact whose address the staff
member receives. By default that is the staff member's own address with a `+test` tag
(jane+test@firm.example): most mail services deliver plus-tagged mail to the same inbox, and
a distinct address keeps the client identity apart from the staff sign-in in password
managers. Staff whose mail server refuses plus tags type another address they read.
"""

from __future__ import annotations

from portal.clients.directory import add_contact, find_contact_by_email
from portal.clients.models import AccountKind, ClientAccount
from portal.core.emails import normalize_email
from portal.core.errors import UserError
from portal.core.extensions import db
from tenants.scoping import owned

TEST_ACCOUNT_NAME = "Test client"
PLUS_TAG = "test"


def find_test_account(tenant_id: int) -> ClientAccount | None:
    """The firm's test client account, if it has one."""
    return db.session.scalars(
        owned(ClientAccount, tenant_id)
        .where(ClientAccount.is_test.is_(True))
        .order_by(ClientAccount.id)
    ).first()


def suggested_address(staff_email: str) -> str:
    """jane@firm.example → jane+test@firm.example (an existing tag is replaced)."""
    local, _, domain = staff_email.rpartition("@")
    return f"{local.split('+', 1)[0]}+{PLUS_TAG}@{domain}"


def create_test_client(tenant_id: int, email: str, staff_name: str = "") -> ClientAccount:
    """Create the test client with login on; refuses a second one and an address that an
    existing (real) client already uses."""
    if find_test_account(tenant_id) is not None:
        raise UserError("Your firm already has a test client.")
    address = normalize_email(email)
    if find_contact_by_email(tenant_id, address) is not None:
        raise UserError(
            "A client already uses this address: choose one only you receive.", field="email"
        )
    account = ClientAccount(
        tenant_id=tenant_id,
        name=TEST_ACCOUNT_NAME,
        kind=AccountKind.HOUSEHOLD,
        is_test=True,
        notes=f"Created for {staff_name} to see the portal as a client." if staff_name else "",
    )
    db.session.add(account)
    db.session.flush()
    label = f"{TEST_ACCOUNT_NAME} ({staff_name})" if staff_name else TEST_ACCOUNT_NAME
    add_contact(tenant_id, account, address, label, login=True)
    return account
