"""The functions other modules call: "Waiting for you" items, reassigning a departing staff
member's threads, and the staff unread count for the dashboard."""

from __future__ import annotations

import threading

from portal.auth.models import StaffMember
from portal.clients.models import Contact
from portal.core.extensions import db
from portal.messaging.models import ClientRequest, ReadState, Side, Thread
from portal.messaging.threads import Person, mark_read, reassign_staff, unread_for_staff
from portal.messaging.waiting import items_for_client
from tenants.resolution import snapshot_by_id
from tests.fixtures.people import tenant_host
from tests.messaging.conftest import account_id, post_form, start_thread

SESSION_COOKIE = "__Host-foyer"


def test_waiting_items_link_to_what_the_client_should_do(app, tenant, firm, jane) -> None:  # type: ignore[no-untyped-def]
    snapshot = snapshot_by_id(tenant.id)
    contact = db.session.query(Contact).one()
    account = account_id()
    assert items_for_client(snapshot, account, contact.id) == []

    thread_id = start_thread(jane, "Question", "hi")
    post_form(firm, f"/admin/inbox/{thread_id}", {"body": "Answer"})
    jane.get("/requests/new")
    type_id = db.session.execute(db.text("SELECT id FROM request_types LIMIT 1")).scalar()
    response = post_form(
        jane, "/requests/new", {"type_id": str(type_id), "subject": "Need a letter", "details": ""}
    )
    request_id = int(response.headers["Location"].rsplit("/", 1)[1])
    post_form(
        firm,
        f"/admin/requests/{request_id}",
        {"status": "waiting"},
        action=f"/admin/requests/{request_id}/status",
    )
    items = items_for_client(snapshot, account, contact.id)
    assert {(i.kind, i.title, i.url) for i in items} == {
        ("request", "Need a letter", f"/requests/{request_id}"),
        ("message", "Question", f"/messages/{thread_id}"),
    }
    home = jane.get("/").get_data(as_text=True)
    assert f'href="/requests/{request_id}"' in home and f'href="/messages/{thread_id}"' in home
    jane.get(f"/messages/{thread_id}")
    assert [i.kind for i in items_for_client(snapshot, account, contact.id)] == ["request"]
    assert db.session.get(ClientRequest, request_id).status == "waiting"

    post_form(firm, f"/admin/requests/{request_id}", {"body": "Which bank?"})
    items = items_for_client(snapshot, account, contact.id)
    assert [(i.kind, i.url) for i in items] == [("request", f"/requests/{request_id}")]
    post_form(
        firm,
        f"/admin/requests/{request_id}",
        {"status": "in_progress"},
        action=f"/admin/requests/{request_id}/status",
    )
    items = items_for_client(snapshot, account, contact.id)
    assert [(i.kind, i.url) for i in items] == [("message", f"/requests/{request_id}")]
    jane.get(f"/requests/{request_id}")
    assert items_for_client(snapshot, account, contact.id) == []


def test_reassign_and_staff_unread(app, tenant, firm, staff, jane, make_staff) -> None:  # type: ignore[no-untyped-def]
    leaving = make_staff(tenant, "leaving@acme.example", role="member")
    first = start_thread(jane, "One", "1")
    second = start_thread(jane, "Two", "2")
    for thread_id in (first, second):
        db.session.get(Thread, thread_id).assigned_staff_id = leaving.id
    db.session.commit()
    assert unread_for_staff(tenant.id, staff.id) == 2
    firm.get(f"/admin/inbox/{first}")
    assert unread_for_staff(tenant.id, staff.id) == 1
    assert unread_for_staff(tenant.id, leaving.id) == 2

    assert reassign_staff(tenant.id, leaving.id, staff.id) == 2
    db.session.commit()
    assert {db.session.get(Thread, t).assigned_staff_id for t in (first, second)} == {staff.id}
    assert reassign_staff(tenant.id, staff.id, None) == 2
    db.session.commit()
    assert db.session.get(Thread, first).assigned_staff_id is None
    assert db.session.get(StaffMember, leaving.id) is not None


def test_read_pointer_moves_forward_only_and_survives_racing_tabs(  # type: ignore[no-untyped-def]
    app, tenant, firm, jane, client_for
) -> None:
    account = account_id()
    response = post_form(
        firm,
        f"/admin/inbox/new?account_id={account}",
        {"subject": "From the firm", "body": "Hello"},
    )
    thread_id = int(response.headers["Location"].rsplit("/", 1)[1])
    second_tab = client_for(tenant_host(tenant))
    second_tab.set_cookie(
        SESSION_COOKIE,
        jane.get_cookie(SESSION_COOKIE, domain=jane.host).value,
        domain=tenant_host(tenant),
    )
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def poll(tab) -> None:  # type: ignore[no-untyped-def]
        barrier.wait(timeout=10)
        statuses.append(tab.get(f"/messages/{thread_id}/poll?after=0").status_code)

    tabs = [threading.Thread(target=poll, args=(tab,)) for tab in (jane, second_tab)]
    for tab in tabs:
        tab.start()
    for tab in tabs:
        tab.join(timeout=30)
    assert statuses == [200, 200]
    db.session.expire_all()
    [state] = db.session.query(ReadState).filter_by(reader_kind="client").all()
    newest = state.last_read_message_id
    assert newest == db.session.get(Thread, thread_id).last_staff_message_id
    mark_read(tenant.id, db.session.get(Thread, thread_id), Person(Side.CLIENT, state.reader_id), 1)
    db.session.commit()
    db.session.expire_all()
    assert (
        db.session.query(ReadState).filter_by(reader_kind="client").one().last_read_message_id
        == newest
    )
