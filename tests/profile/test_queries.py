"""The device lists and the portal home run as many SQL statements with 10 open sessions as
with 100: the sessions are checked in the query that loads the person, and the list is one
bounded query."""

from __future__ import annotations

from portal.auth.models import StaffMember
from portal.auth.sessions import SignInSession
from portal.auth.tokens import hash_token
from portal.clients.models import Contact
from portal.core.extensions import db
from tests.fixtures.queries import counting


def add_sessions(tenant_id: int, kind: str, person: int, count: int, start: int) -> None:
    """Open sessions of the person's current nonce: the ones the device list shows."""
    model = StaffMember if kind == "staff" else Contact
    principal = db.session.get(model, person)
    assert principal is not None
    db.session.add_all(
        SignInSession(
            tenant_id=tenant_id,
            principal_kind=kind,
            principal_id=person,
            key_hash=hash_token(f"{kind}-{person}-{number}"),
            device="Firefox on Linux",
            nonce=principal.session_nonce,
        )
        for number in range(start, start + count)
    )
    db.session.commit()


def statements(client, path: str) -> int:  # type: ignore[no-untyped-def]
    assert client.get(path).status_code == 200  # warm the caches
    with counting() as seen:
        assert client.get(path).status_code == 200
    return len(seen)


def test_device_lists_and_the_home_do_not_grow(app, tenant, staff, firm, active_client) -> None:  # type: ignore[no-untyped-def]
    client = active_client()
    contact_id = db.session.scalar(
        db.select(SignInSession.principal_id).where(SignInSession.principal_kind == "client")
    )
    pages = (
        (client, "client", contact_id, "/profile"),
        (client, "client", contact_id, "/"),
        (firm, "staff", staff.id, "/admin/profile"),
    )
    for index, (browser, kind, person, path) in enumerate(pages):
        add_sessions(tenant.id, kind, person, 10, start=index * 1000)
        small = statements(browser, path)
        add_sessions(tenant.id, kind, person, 90, start=index * 1000 + 10)
        assert statements(browser, path) == small, path
    page = client.get("/profile").get_data(as_text=True)
    assert page.count('<li class="device">') == 50  # the list is bounded
