"""A firm with a signed-in client, created through the real invitation flow."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from portal.clients.models import ClientAccount
from portal.core.extensions import db
from tests.fixtures.people import invite_link_in
from tests.fixtures.smtp import text_of
from tests.fixtures.tenants import HostClient, csrf_from

THREAD_LINK = re.compile(r'href="/messages/(\d+)"')


@pytest.fixture
def make_client(create_client, accept_invitation, smtp) -> Callable[..., HostClient]:  # type: ignore[no-untyped-def]
    """An account with one contact who accepted the invitation; returns their signed-in client."""

    def make(email: str = "jane@client.example", account: str = "Jones Household") -> HostClient:
        create_client(email, account=account, name=email.split("@")[0].title())
        [invitation] = smtp.wait_for(1, to=email)
        client = accept_invitation(invite_link_in(text_of(invitation)))
        smtp.clear()
        return client

    return make


@pytest.fixture
def jane(make_client) -> HostClient:  # type: ignore[no-untyped-def]
    return make_client()


def messages_badge(html: str) -> str | None:
    """The unread count on the Messages item of the client's navigation, if any."""
    item = re.search(r'data-module="messages".*?</a>', html, re.S)
    assert item, "no Messages item in the navigation"
    badge = re.search(r'class="nav-badge">(\d+)', item.group(0))
    return badge.group(1) if badge else None


def account_id(name: str = "Jones Household") -> int:
    found = db.session.scalar(select(ClientAccount.id).where(ClientAccount.name == name))
    assert found is not None
    return found


def post_form(client: HostClient, page: str, data: dict[str, Any], action: str | None = None):  # type: ignore[no-untyped-def]
    """Submit a form like a browser: CSRF token from the page, multipart when files are sent."""
    csrf = csrf_from(client.get(page).get_data(as_text=True))
    return client.post(action or page, data={"csrf_token": csrf, **data})


def start_thread(client: HostClient, subject: str, body: str) -> int:
    response = post_form(client, "/messages/new", {"subject": subject, "body": body})
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
