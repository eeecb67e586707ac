"""Make a request: types (default set on first use), services, statuses the client sees,
staff list with filters and counts, assignment, replies in the request's own thread."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.core.extensions import db
from portal.messaging.models import ClientRequest, RequestType, Thread
from portal.notifications.models import Notification
from tests.messaging.conftest import post_form


def _type_id(name: str) -> int:
    found = db.session.scalar(select(RequestType.id).where(RequestType.name == name))
    assert found is not None
    return found


def _make_request(client, kind: str, subject: str, details: str, **extra: str) -> int:  # type: ignore[no-untyped-def]
    client.get("/requests/new")  # the default types exist from the first visit
    data = {"type_id": str(_type_id(kind)), "subject": subject, "details": details, **extra}
    response = post_form(client, "/requests/new", data)
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_request_lifecycle(app, firm, staff, jane) -> None:  # type: ignore[no-untyped-def]
    home = jane.get("/").get_data(as_text=True)
    assert 'href="/requests/new">Make a request</a>' in home
    assert "No requests for Jones Household yet" in jane.get("/requests/").get_data(as_text=True)
    form = jane.get("/requests/new").get_data(as_text=True)
    assert ">Information<" in form and ">Service<" in form and ">Document<" in form

    request_id = _make_request(jane, "Document", "Need my 2025 accounts", "PDF please")
    page = jane.get(f"/requests/{request_id}").get_data(as_text=True)
    assert "Need my 2025 accounts" in page and "PDF please" in page and ">Open<" in page
    [notice] = db.session.scalars(select(Notification)).all()
    assert (notice.kind, notice.recipient_kind, notice.recipient_id) == (
        "request.new",
        "staff",
        staff.id,
    )

    listing = firm.get("/admin/requests/").get_data(as_text=True)
    assert "Need my 2025 accounts" in listing and 'data-count="open">1<' in listing
    staff_page = firm.get(f"/admin/requests/{request_id}").get_data(as_text=True)
    assert "PDF please" in staff_page and "Document" in staff_page

    response = post_form(
        firm,
        f"/admin/requests/{request_id}",
        {"status": "waiting"},
        action=f"/admin/requests/{request_id}/status",
    )
    assert response.status_code == 303
    assert db.session.get(ClientRequest, request_id).status == "waiting"
    status_notice = db.session.scalar(
        select(Notification).where(Notification.kind == "request.status")
    )
    assert status_notice is not None and status_notice.recipient_kind == "client"
    assert status_notice.path == f"/requests/{request_id}"
    assert "Waiting on you" in jane.get(f"/requests/{request_id}").get_data(as_text=True)
    waiting = jane.get("/requests/?status=waiting").get_data(as_text=True)
    assert "Need my 2025 accounts" in waiting

    post_form(firm, f"/admin/requests/{request_id}", {"body": "Which year end exactly?"})
    assert "Which year end exactly?" in jane.get(f"/requests/{request_id}").get_data(as_text=True)
    post_form(jane, f"/requests/{request_id}", {"body": "31 March 2025"})
    assert "31 March 2025" in firm.get(f"/admin/requests/{request_id}").get_data(as_text=True)

    post_form(
        firm,
        f"/admin/requests/{request_id}",
        {"status": "done"},
        action=f"/admin/requests/{request_id}/status",
    )
    listing = firm.get("/admin/requests/").get_data(as_text=True)
    assert 'data-count="done">1<' in listing and 'data-count="open">0<' in listing
    assert ">Done<" in jane.get("/requests/").get_data(as_text=True)
    # A status the list does not have is refused without a change.
    post_form(
        firm,
        f"/admin/requests/{request_id}",
        {"status": "exploded"},
        action=f"/admin/requests/{request_id}/status",
    )
    assert db.session.get(ClientRequest, request_id).status == "done"


def test_request_needs_a_type_and_a_subject(app, jane) -> None:  # type: ignore[no-untyped-def]
    jane.get("/requests/new")
    response = post_form(jane, "/requests/new", {"type_id": "", "subject": "x", "details": "y"})
    assert response.status_code == 422
    assert "Choose what kind of request this is." in response.get_data(as_text=True)
    data = {"type_id": str(_type_id("Information")), "subject": " ", "details": "y"}
    response = post_form(jane, "/requests/new", data)
    assert response.status_code == 422 and "Enter a subject." in response.get_data(as_text=True)
    assert db.session.query(ClientRequest).count() == 0


def test_services_and_types_settings(app, firm, jane) -> None:  # type: ignore[no-untyped-def]
    assert "has not listed its services yet" in jane.get("/requests/services").get_data(
        as_text=True
    )
    settings = "/admin/requests/settings"
    post_form(
        firm,
        settings,
        {"name": "Payroll", "description": "Monthly payroll for up to 10 staff"},
        action="/admin/requests/settings/services",
    )
    post_form(firm, settings, {"name": "Tax planning"}, action="/admin/requests/settings/types")
    services = jane.get("/requests/services").get_data(as_text=True)
    assert "Payroll" in services and "Monthly payroll for up to 10 staff" in services
    service_id = re.search(r"/requests/new\?service=(\d+)", services).group(1)  # type: ignore[union-attr]
    form = jane.get(f"/requests/new?service={service_id}").get_data(as_text=True)
    assert f'<option selected value="{service_id}">Payroll</option>' in form
    assert ">Tax planning<" in form
    request_id = _make_request(
        jane, "Tax planning", "Payroll setup", "We hire in May", service_id=service_id
    )
    listing = firm.get("/admin/requests/").get_data(as_text=True)
    assert "Payroll setup" in listing and "Payroll</small>" in listing
    assert db.session.get(ClientRequest, request_id).service_id == int(service_id)

    info = _type_id("Information")
    post_form(firm, settings, {}, action=f"/admin/requests/settings/types/{info}/archive")
    assert ">Information<" not in jane.get("/requests/new").get_data(as_text=True)


def test_staff_filters_by_status_type_and_assignee(  # type: ignore[no-untyped-def]
    app, firm, staff, jane, make_staff, tenant
) -> None:
    colleague = make_staff(tenant, "colleague@acme.example", role="member")
    first = _make_request(jane, "Information", "Alpha question", "a")
    _make_request(jane, "Document", "Beta document", "b")
    thread_id = db.session.get(ClientRequest, first).thread_id
    post_form(
        firm,
        f"/admin/requests/{first}",
        {"staff_id": str(colleague.id), "next_request": str(first)},
        action=f"/admin/inbox/{thread_id}/assign",
    )
    assert db.session.get(Thread, thread_id).assigned_staff_id == colleague.id

    def listing(query: str) -> str:
        return firm.get(f"/admin/requests/?{query}").get_data(as_text=True)

    assert "Alpha question" in listing(f"assigned={colleague.id}")
    assert "Beta document" not in listing(f"assigned={colleague.id}")
    assert "Beta document" in listing("assigned=none")
    assert "Alpha question" not in listing("assigned=me")
    by_type = listing(f"type={_type_id('Document')}")
    assert "Beta document" in by_type and "Alpha question" not in by_type
    assert "No requests match" in listing("status=done")
