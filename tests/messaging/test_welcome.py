"""The firm's welcome message arrives once, as the first message of a "Welcome" thread, when
Messages is on; the banner stays when it is off."""

from __future__ import annotations

import threading

from sqlalchemy import select

from portal.core.extensions import db
from portal.messaging.models import Message, Thread
from portal.modules.models import TenantModule
from tenants.resolution import forget_tenants
from tests.fixtures.people import CLIENT_PASSWORD, tenant_host
from tests.messaging.conftest import messages_badge

WELCOME = "Welcome to Acme! Upload your documents under Files. <b>Not bold</b>"
RACERS = 3


def _set_welcome(tenant) -> None:  # type: ignore[no-untyped-def]
    tenant.welcome_message = WELCOME
    db.session.commit()
    forget_tenants()


def test_welcome_arrives_once_even_with_browsers_racing(  # type: ignore[no-untyped-def]
    app, tenant, firm, make_client, client_for
) -> None:
    _set_welcome(tenant)
    first = make_client()
    browsers = [first]
    for _ in range(RACERS - 1):
        browser = client_for(tenant_host(tenant))
        response = browser.submit(
            "/sign-in", {"email": "jane@client.example", "password": CLIENT_PASSWORD}
        )
        assert response.status_code == 302
        browsers.append(browser)

    barrier = threading.Barrier(RACERS)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def open_home(browser) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait(timeout=10)
            statuses.append(browser.get("/").status_code)
        except BaseException as exc:  # reported in the test's thread
            errors.append(exc)

    racers = [threading.Thread(target=open_home, args=(b,)) for b in browsers]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(timeout=30)
    assert not errors and statuses == [200] * RACERS, (errors, statuses)

    db.session.expire_all()
    [thread] = db.session.scalars(select(Thread)).all()
    [message] = db.session.scalars(select(Message)).all()
    assert thread.subject == "Welcome" and message.body == WELCOME
    assert message.author_kind == "firm" and message.author_name == "Acme Accounting"
    home = first.get("/").get_data(as_text=True)
    assert 'aria-label="Welcome message"' not in home  # no banner: it is a message now
    assert messages_badge(home) == "1"
    page = first.get(f"/messages/{thread.id}").get_data(as_text=True)
    assert "Welcome to Acme! Upload your documents under Files. &lt;b&gt;Not bold&lt;/b&gt;" in page
    for browser in browsers:
        browser.get("/")
    assert db.session.query(Message).count() == 1, "a later visit delivers nothing again"


def test_banner_stays_when_messages_is_off(app, tenant, firm, make_client) -> None:  # type: ignore[no-untyped-def]
    _set_welcome(tenant)
    db.session.add(TenantModule(tenant_id=tenant.id, key="messages", enabled=False, position=10))
    db.session.commit()
    forget_tenants()
    jane = make_client()
    home = jane.get("/").get_data(as_text=True)
    assert 'aria-label="Welcome message"' in home and "&lt;b&gt;Not bold&lt;/b&gt;" in home
    assert 'aria-label="Welcome message"' not in jane.get("/").get_data(as_text=True)
    assert db.session.query(Thread).count() == 0
    assert jane.get("/messages/").status_code == 404
