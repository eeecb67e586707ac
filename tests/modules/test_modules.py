"""Module registry, per-tenant settings, the client's navigation, and the link module."""

from __future__ import annotations

import re

from portal.core.errors import UserError
from portal.modules.registry import ALL_MODULES, ICONS
from portal.modules.service import (
    forget_module_cache,
    is_enabled,
    validate_link_url,
)
from themes.registry import THEMES

MODULES_PAGE = "/admin/settings/modules"
NAV_ITEM = re.compile(r'data-module="([^"]+)"')


def nav_of(client) -> list[str]:  # type: ignore[no-untyped-def]
    html = client.get("/").get_data(as_text=True)
    nav = html[html.index('class="portal-nav"') : html.index("</nav>")]
    return NAV_ITEM.findall(nav)


def module_form(**changes: str) -> dict[str, str]:
    """The settings table as submitted unchanged, plus `changes`."""
    data: dict[str, str] = {}
    for spec in ALL_MODULES:
        data[f"enabled-{spec.key}"] = "y"
        data[f"title-{spec.key}"] = spec.title
        data[f"icon-{spec.key}"] = spec.icon
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_registry_declares_every_module_once(app):
    keys = [spec.key for spec in ALL_MODULES]
    assert keys == [
        "messages",
        "requests",
        "files",
        "invoices",
        "help",
        "community",
        "links",
        "courses",
        "referrals",
        "history",
    ]
    for spec in ALL_MODULES:
        assert spec.endpoint.startswith(f"{spec.key}.")
        assert spec.endpoint in app.view_functions  # every spec has its blueprint
        assert spec.icon in ICONS
    folder = THEMES["default"].folder / "static" / "icons"
    assert {path.stem for path in folder.glob("*.svg")} == set(ICONS)


def test_client_navigation_follows_defaults(signed_in_client):
    assert nav_of(signed_in_client) == [
        "home",
        "messages",
        "requests",
        "files",
        "invoices",
        "help",
        "community",
        "courses",
        "history",
    ]
    page = signed_in_client.get("/files/")
    assert page.status_code == 200
    assert "No files shared with Jones Household yet." in page.get_data(as_text=True)


def test_enable_rename_reorder_and_icon_reach_the_navigation(firm, signed_in_client):
    changes = {"enabled-invoices": "", "title-files": "Documents", "icon-files": "star"}
    assert firm.submit(MODULES_PAGE, module_form(**changes)).status_code == 302
    for _ in range(3):  # help: 5th → 2nd; each move also saves the table as submitted
        moved = firm.submit(MODULES_PAGE, module_form(**changes, move="help:up"))
        assert moved.status_code == 302 and moved.headers["Location"].endswith("#module-help")

    assert nav_of(signed_in_client) == [
        "home",
        "messages",
        "help",
        "requests",
        "files",
        "community",
        "courses",
        "history",
    ]
    html = signed_in_client.get("/").get_data(as_text=True)
    assert '<span class="label">Documents</span>' in html
    assert "/_themes/default/icons/star.svg" in html
    assert "<h1>Documents</h1>" in signed_in_client.get("/files/").get_data(as_text=True)

    firm.submit(MODULES_PAGE, module_form(**changes, move="messages:down"))
    assert nav_of(signed_in_client) == [
        "home",
        "help",
        "messages",
        "requests",
        "files",
        "community",
        "courses",
        "history",
    ]
    settings = firm.get(MODULES_PAGE).get_data(as_text=True)
    assert settings.index('id="module-help"') < settings.index('id="module-messages"')
    assert 'aria-label="Move Help up"' in settings


def test_disabled_module_returns_404(firm, signed_in_client, portal):
    assert signed_in_client.get("/invoices/").status_code == 200
    assert portal.get("/invoices/").status_code == 302  # enabled: signed-out visitors sign in
    firm.submit(MODULES_PAGE, module_form(**{"enabled-invoices": ""}))
    assert signed_in_client.get("/invoices/").status_code == 404
    assert portal.get("/invoices/").status_code == 404
    assert "invoices" not in nav_of(signed_in_client)
    firm.submit(MODULES_PAGE, module_form())
    assert signed_in_client.get("/invoices/").status_code == 200


def test_modules_are_per_tenant(firm, signed_in_client, make_tenant, client_for):
    firm.submit(MODULES_PAGE, module_form(**{"enabled-files": ""}))
    other = make_tenant(slug="birch")  # a second tenant keeps the defaults
    forget_module_cache()
    assert is_enabled(other.id, "files")
    assert signed_in_client.get("/files/").status_code == 404


def test_invalid_module_settings_are_refused(firm):
    bad_icon = firm.submit(MODULES_PAGE, module_form(**{"icon-files": "../../etc/passwd"}))
    assert bad_icon.status_code == 422
    assert "Choose an icon from the list." in bad_icon.get_data(as_text=True)
    long_title = firm.submit(MODULES_PAGE, module_form(**{"title-help": "x" * 41}))
    assert long_title.status_code == 422


def test_link_url_validation():
    assert validate_link_url(" https://cal.example/book ") == "https://cal.example/book"
    for bad in (
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://files.example/",
        "https://user:pw@site.example/",
        "http://127.0.0.1/admin",
        "https:///nohost",
        "https://exa mple.com/",
        "",
    ):
        try:
            validate_link_url(bad)
        except UserError:
            continue
        raise AssertionError(f"accepted {bad!r}")


def test_link_entries_in_navigation_new_tab_and_embed(firm, signed_in_client):
    refused = firm.submit(
        MODULES_PAGE,
        {"title": "Evil", "url": "javascript:alert(document.cookie)", "mode": "tab"},
        action=f"{MODULES_PAGE}/links",
    )
    assert refused.status_code == 422
    assert "Only http:// and https:// addresses are allowed." in refused.get_data(as_text=True)

    for title, url, mode in (
        ("Book a meeting", "https://cal.example/acme", "tab"),
        ("Tax calendar", "https://calendar.example/embed?x=1", "embed"),
    ):
        added = firm.submit(
            MODULES_PAGE, {"title": title, "url": url, "mode": mode}, action=f"{MODULES_PAGE}/links"
        )
        assert added.status_code == 302

    html = signed_in_client.get("/").get_data(as_text=True)
    assert 'href="https://cal.example/acme"' in html
    assert 'target="_blank" rel="noopener noreferrer"' in html
    assert "javascript:" not in html
    match = re.search(r'href="(/links/\d+)" data-module="link-\d+"', html)
    assert match, html
    embed = signed_in_client.get(match.group(1))
    assert embed.status_code == 200
    assert 'sandbox="allow-scripts' in embed.get_data(as_text=True)
    assert "frame-src https://calendar.example" in embed.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in embed.headers["Content-Security-Policy"]

    firm.submit(MODULES_PAGE, module_form(**{"enabled-links": ""}))
    assert "cal.example" not in signed_in_client.get("/").get_data(as_text=True)
    assert signed_in_client.get(match.group(1)).status_code == 404
