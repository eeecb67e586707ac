"""Notifications tests: a short grouping window, a client who uses the portal, notify helpers."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import select

from portal.clients.models import Contact
from portal.core.extensions import db
from portal.notifications.service import Event, Recipient, notify
from tenants.resolution import snapshot_by_id
from tests.fixtures.people import invite_link_in

WINDOW = 1.5


@pytest.fixture
def app_config(app_config):  # type: ignore[no-untyped-def]
    return {**app_config, "NOTIFICATION_GROUP_WINDOW": WINDOW, "PUSH_ALLOW_LOOPBACK_HTTP": True}


@pytest.fixture(autouse=True)
def finish_email_timers(app) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Embedded mode waits for the grouping window on timer threads. A test's timers must not
    fire into the next test (they would email through the shared SMTP server), and one still
    running must finish before the app's connections are closed (it depends on `app`, so it
    ends first)."""
    before = set(threading.enumerate())
    yield
    for thread in set(threading.enumerate()) - before:
        if isinstance(thread, threading.Timer):
            thread.cancel()
            thread.join(timeout=15)


@pytest.fixture
def portal_client(create_client, accept_invitation, smtp, tenant):  # type: ignore[no-untyped-def]
    """Jane, a client of the Jones Household who accepted her invitation, signed in."""
    account_id = create_client("jane@client.example", name="Jane Jones")
    [mail] = smtp.wait_for(1, to="jane@client.example")
    client = accept_invitation(invite_link_in(mail.get_body(("plain",)).get_content()))
    smtp.clear()
    contact = db.session.scalar(
        select(Contact).where(
            Contact.tenant_id == tenant.id, Contact.email == "jane@client.example"
        )
    )
    client.contact_id = contact.id
    client.account_id = account_id
    return client


@pytest.fixture
def send(tenant) -> Callable[..., None]:  # type: ignore[no-untyped-def]
    """Call `notify` as another module would, in its own committed transaction."""

    def send_event(recipients: list[Recipient], **fields: Any) -> None:
        event = Event(
            **{
                "kind": "message.new",
                "title": "New message from Ada Lovelace",
                "body": "Could you look at the attached invoice?",
                "path": "/messages/12",
                "group_key": "thread:12",
                **fields,
            }
        )
        notify(snapshot_by_id(tenant.id), recipients, event)
        db.session.commit()

    return send_event
