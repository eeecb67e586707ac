"""The staff workspace's menu: every link opens, the current page is marked, titles differ."""

from __future__ import annotations

import re

from flask import Flask

from admin.nav import FIRM_NAV
from tests.fixtures.tenants import HostClient

TITLE = re.compile(r"<title>(.*?)</title>", re.S)
NAV_LINK = re.compile(r'<nav class="sidebar".*?</nav>', re.S)


def _menu(html: str) -> str:
    match = NAV_LINK.search(html)
    assert match, "no side menu"
    return match.group(0)


def test_every_menu_link_opens_and_titles_are_unique(
    app: Flask, firm: HostClient, create_client
) -> None:  # type: ignore[no-untyped-def]
    account_id = create_client("ann@client.example", account="Ann Household")
    menu = _menu(firm.get("/admin/").get_data(as_text=True))
    links = re.findall(r'<a href="([^"]+)"', menu)
    # Every item whose page exists in this build is shown (the owner holds every permission).
    expected = [i for g in FIRM_NAV for i in g.items if i.endpoint in app.view_functions]
    assert len(links) == len(expected) >= 8
    titles: dict[str, str] = {}
    for href in [*links, f"/admin/clients/{account_id}", "/admin/clients/new"]:
        response = firm.get(href)
        assert response.status_code == 200, href
        html = response.get_data(as_text=True)
        title = TITLE.search(html).group(1).strip()  # type: ignore[union-attr]
        assert title.endswith("· Acme Accounting"), title
        assert title not in titles, f"{href} and {titles.get(title)} share the title {title!r}"
        titles[title] = href


def test_current_page_is_marked_in_the_menu(firm: HostClient, create_client) -> None:  # type: ignore[no-untyped-def]
    pending = _menu(firm.get("/admin/clients/pending").get_data(as_text=True))
    assert re.findall(r'href="([^"]+)" aria-current="page"', pending) == ["/admin/clients/pending"]
    # A page off the menu marks its section: an account page belongs to Clients.
    account_id = create_client("bob@client.example", account="Bob Ltd")
    account = _menu(firm.get(f"/admin/clients/{account_id}").get_data(as_text=True))
    assert re.findall(r'href="([^"]+)" aria-current="page"', account) == ["/admin/clients/"]


def test_staff_without_settings_rights_do_not_see_settings(
    make_staff,
    tenant,
    client_for,  # type: ignore[no-untyped-def]
) -> None:
    from tests.fixtures.people import sign_in_staff, tenant_host

    member = make_staff(tenant, "member@acme.example", role="member")
    client = client_for(tenant_host(tenant))
    sign_in_staff(client, member.email)
    menu = _menu(client.get("/admin/").get_data(as_text=True))
    assert "Clients" in menu
    assert "Branding" not in menu and "Portal settings" not in menu


def test_the_menu_works_without_javascript_at_phone_width(firm: HostClient) -> None:
    """The phone menu is a checkbox and its label (CSS opens it), not a script."""
    html = firm.get("/admin/").get_data(as_text=True)
    assert 'id="menu-toggle"' in html and '<label for="menu-toggle"' in html
    css = firm.get("/admin/static/admin.css").get_data(as_text=True)
    assert ".menu-toggle:checked" in css
