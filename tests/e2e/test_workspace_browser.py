"""The staff workspace in Chromium at desktop (1280 px) and phone (375 px) width: the clients
list, an account page and the dashboard fit without sideways scrolling, pass an axe-core scan
with no serious or critical violation, and are saved as screenshots (pytest's tmp path).

axe-core is vendored next to this file (axe.min.js, MPL-2.0, from axe-playwright-python) so a
clean clone runs the scan without a network.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from portal.clients.models import AccountContact, ClientAccount, Contact, Invitation
from portal.core.database import utcnow
from portal.core.extensions import db
from tests.fixtures.tenants import STAFF_PASSWORD

pytestmark = pytest.mark.browser

AXE = (Path(__file__).parent / "axe.min.js").read_text(encoding="utf-8")
WIDTHS = {"desktop": (1280, 900), "phone": (375, 812)}


def _clients(tenant_id: int, count: int) -> int:
    """Accounts with a contact each in every stage; returns the first account's id."""
    now = utcnow()
    first = 0
    for number in range(count):
        account = ClientAccount(
            tenant_id=tenant_id,
            name=f"Client {number:03d} {'Household' if number % 2 else 'Holdings Limited'}",
        )
        contact = Contact(
            tenant_id=tenant_id,
            email=f"a.very.long.address.number{number}@clients-of-the-firm.example",
            name=f"Person {number}",
            created_at=now - timedelta(days=number),
        )
        if number % 3 == 0:
            contact.activated_at = now - timedelta(days=number / 2)
            contact.last_login_at = now - timedelta(hours=number)
        db.session.add_all([account, contact])
        db.session.flush()
        first = first or account.id
        db.session.add(
            AccountContact(
                tenant_id=tenant_id,
                account_id=account.id,
                contact_id=contact.id,
                login_enabled=number % 5 != 4,
            )
        )
        if number % 3 == 1:
            db.session.add(
                Invitation(
                    tenant_id=tenant_id,
                    contact_id=contact.id,
                    email=contact.email,
                    nonce=f"n{number}",
                    token_hash=f"{number:064x}",
                    expires_at=now + timedelta(days=3 - number % 7),
                    first_sent_at=now - timedelta(days=number),
                    last_sent_at=now - timedelta(days=number / 3),
                    send_count=1 + number % 4,
                    invited_by="Owner (team)",
                )
            )
    db.session.commit()
    return first


def _serious(page: Any) -> list[str]:
    page.evaluate(AXE)
    result = page.evaluate("async () => await axe.run(document)")
    return [
        f"{v['id']} ({v['impact']}): {[n['html'][:120] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


# The last elements that stick out past the right edge: which part of a page is too wide.
WIDEST = """() => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > innerWidth).slice(-4)
    .map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)"""


@pytest.mark.slow
def test_workspace_pages_fit_desktop_and_phone_and_pass_axe(
    live_server, browser, tenant, make_staff, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    make_staff(tenant, "owner@acme.example")
    account_id = _clients(tenant.id, 60)
    pages = {
        "clients": "/admin/clients/",
        "account": f"/admin/clients/{account_id}",
        "dashboard": "/admin/",
        "pending": "/admin/clients/pending",
    }
    problems: list[str] = []
    for label, (width, height) in WIDTHS.items():
        context = browser.new_context(viewport={"width": width, "height": height})
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.goto(live_server.url(tenant.slug, "/admin/sign-in"))
        page.get_by_label("Email").fill("owner@acme.example")
        page.get_by_label("Password").fill(STAFF_PASSWORD)
        page.get_by_role("button", name="Sign in", exact=True).click()
        page.wait_for_url(live_server.url(tenant.slug, "/admin/"))
        for name, path in pages.items():
            response = page.goto(live_server.url(tenant.slug, path))
            assert response is not None and response.status == 200, path
            page.screenshot(path=tmp_path / f"{name}-{label}.png", full_page=True)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                problems.append(f"{path} at {width} px scrolls sideways by {overflow} px")
            problems += [f"{path} at {width} px: {v}" for v in _serious(page)]
        if label == "phone":  # the menu is folded away and opens from its button
            menu = page.locator("nav.sidebar")
            assert not menu.is_visible()
            page.get_by_text("Menu", exact=True).click()
            assert menu.is_visible()
            assert menu.get_by_role("link", name="Pending activation").is_visible()
            # Every page of the menu fits the phone's width.
            for href in menu.locator("a").evaluate_all("links => links.map(a => a.href)"):
                page.goto(href)
                overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
                if overflow > 0:
                    problems.append(
                        f"{href} at {width} px scrolls sideways by {overflow} px: "
                        f"{page.evaluate(WIDEST)}"
                    )
        context.close()
    assert not problems, "\n".join(problems)
