"""End to end through HTTP, real Redis, a real `foyer worker` and the SMTP server: a client
makes a request, the firm's staff member gets one email, replies, and the client gets an email
and sees the reply."""

from __future__ import annotations

import time

import pytest

from portal.core.extensions import db
from portal.messaging.models import RequestType
from tests.fixtures.people import invite_link_in, sign_in_staff, tenant_host
from tests.fixtures.smtp import text_of
from tests.messaging.conftest import post_form

WINDOW = 1.5


@pytest.fixture
def app_config(app_config):  # type: ignore[no-untyped-def]
    return {**app_config, "NOTIFICATION_GROUP_WINDOW": WINDOW}


@pytest.mark.slow
def test_request_reply_round_trip(redis_app, tenant, staff, smtp, start_worker, tmp_path) -> None:  # type: ignore[no-untyped-def]
    start_worker(redis_app)
    host = tenant_host(tenant)
    firm = redis_app.test_client(host=host)  # type: ignore[call-arg]
    sign_in_staff(firm, staff.email)
    response = firm.submit(
        "/admin/clients/new",
        {
            "account_name": "Jones Household",
            "kind": "household",
            "contact_name": "Jane Jones",
            "email": "jane@client.example",
            "login": "y",
            "send_invite": "y",
            "personal_message": "",
        },
    )
    assert response.status_code == 302
    try:
        [invitation] = smtp.wait_for(1, to="jane@client.example", timeout=60)
    except AssertionError:
        print((tmp_path / "worker-0.log").read_text())
        raise
    jane = redis_app.test_client(host=host)  # type: ignore[call-arg]
    path = invite_link_in(text_of(invitation)).split(host, 1)[1]
    password = "maple kettle horizon 58"
    assert jane.submit(path, {"password": password, "confirm": password}).status_code == 302
    smtp.wait_for(2, to="jane@client.example", timeout=60)  # and "your access is ready"
    smtp.clear()

    jane.get("/requests/new")  # the default request types
    kind = db.session.query(RequestType).filter_by(name="Document").one()
    response = post_form(
        jane,
        "/requests/new",
        {"type_id": str(kind.id), "subject": "Mortgage letter", "details": "For the bank"},
    )
    assert response.status_code == 303
    request_path = response.headers["Location"]
    request_id = int(request_path.rsplit("/", 1)[1])

    [to_staff] = smtp.wait_for(1, to=staff.email, timeout=60)
    assert "Mortgage letter" in to_staff["Subject"] + text_of(to_staff)
    assert f"/admin/requests/{request_id}" in text_of(to_staff)

    response = post_form(firm, f"/admin/requests/{request_id}", {"body": "Letter attached soon."})
    assert response.status_code == 303
    [to_client] = smtp.wait_for(1, to="jane@client.example", timeout=60)
    assert "Letter attached soon." in text_of(to_client)
    assert f"/requests/{request_id}" in text_of(to_client)
    page = jane.get(f"/requests/{request_id}").get_data(as_text=True)
    assert "Letter attached soon." in page

    time.sleep(WINDOW + 2)
    assert [str(m["To"]) for m in smtp.messages].count(staff.email) == 1, "one email to staff"
    assert [str(m["To"]) for m in smtp.messages].count("jane@client.example") == 1
