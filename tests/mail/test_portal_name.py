"""The "Portal name" setting stands for the firm in emails (From, subject, body) and in the
browser titles of the client pages; without it, the firm's name is used."""

from __future__ import annotations

import re

import pytest

from portal.core.extensions import db
from tenants.models import Tenant
from tenants.resolution import forget_tenants
from tests.fixtures.people import invite_link_in, tenant_host
from tests.fixtures.smtp import html_of, text_of

PORTAL_NAME = "Acme Client Hub"


def _set_portal_name(tenant_id: int, name: str) -> None:
    db.session.get(Tenant, tenant_id).portal_name = name
    db.session.commit()
    forget_tenants()


def _title(html: str) -> str:
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    assert match, "page has no <title>"
    return match.group(1)


def test_emails_use_the_portal_name(firm, tenant, smtp, create_client):
    _set_portal_name(tenant.id, PORTAL_NAME)
    create_client("jane@client.example", account="Jones Household", message="Hello Jane")
    [mail] = smtp.wait_for(1, to="jane@client.example")

    (sender,) = mail["From"].addresses
    assert sender.display_name == PORTAL_NAME
    assert mail["Subject"].startswith(f"{PORTAL_NAME} portal: accept your invitation")
    text, html = text_of(mail), html_of(mail)
    assert f"{PORTAL_NAME} has invited you" in text
    assert f"You received this email from {PORTAL_NAME}." in html
    for part in (text, html, str(mail["Subject"]), str(mail["From"])):
        assert "Acme Accounting" not in part


def test_emails_fall_back_to_the_firm_name(firm, tenant, smtp, create_client):
    create_client("jane@client.example")
    [mail] = smtp.wait_for(1, to="jane@client.example")
    assert mail["From"].addresses[0].display_name == "Acme Accounting"
    assert mail["Subject"].startswith("Acme Accounting portal:")


@pytest.mark.parametrize("portal_name", [PORTAL_NAME, ""])
def test_browser_titles_use_the_portal_name(
    firm, tenant, smtp, create_client, client_for, portal_name
):
    _set_portal_name(tenant.id, portal_name)
    shown = portal_name or "Acme Accounting"
    create_client("jane@client.example")
    link = invite_link_in(text_of(smtp.wait_for(1)[0]))
    visitor = client_for(tenant_host(tenant))
    for path in ("/sign-in", "/forgot-password", link.split(tenant_host(tenant), 1)[1]):
        page = visitor.get(path)
        assert page.status_code == 200, path
        title = _title(page.get_data(as_text=True))
        assert title.endswith(f"· {shown}"), (path, title)
        if portal_name:
            assert "Acme Accounting" not in title
