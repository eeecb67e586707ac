"""Every client page (tests/e2e/client_pages.py) in both themes, in Chromium, at 1280 and 375 px:
no serious or critical axe-core violation, nothing wider than the window, and a 375 px
screenshot of each saved as a test artifact (the path is printed; `-s` shows it).

The portal is seeded like `foyer demo` (conversations, requests, files, document requests) plus
invoices, a second account for the switcher, invitations in each state and a reset link, so no
page is an empty state only. One Chromium, one context per theme, width and session.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from portal.auth.passwords import hash_password
from portal.auth.tokens import new_token
from portal.billing import invoices, sending
from portal.clients import directory
from portal.clients.invitations import invitation_token, prepare_invitation
from portal.clients.models import AccountContact, ClientAccount, Contact, PasswordReset
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.documents.demo import seed_document_requests
from portal.documents.models import DocumentRequest
from portal.files.demo import seed_files
from portal.files.models import Folder
from portal.messaging.demo import DEMO_ACCOUNT, DEMO_CONTACT, seed_conversations
from portal.messaging.models import ClientRequest, Side, Thread
from portal.messaging.threads import Person
from tenants.resolution import snapshot_of
from tenants.scoping import owned
from tests.e2e.client_pages import CLIENT_PAGES, ClientPage, Seed

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "a long client passphrase 42"
WIDTHS = {"desktop": (1280, 900), "phone": (375, 812)}
FIRMS = (
    {
        "slug": "maple",
        "name": "Maple Tax & Advisory",
        "theme": "default",
        "brand_color": "#0f5132",
        "accent_color": "#d1e7dd",
    },
    {
        # A light brand colour: the text on it must turn dark to stay readable.
        "slug": "harbor",
        "name": "Harbor Wealth Partners",
        "theme": "harbor",
        "brand_color": "#f4b400",
        "accent_color": "#5b21b6",
    },
)
IGNORED_IMPACTS = ("minor", "moderate")
BUDGET = 100_000  # bytes of CSS + JS one page may ship
# Everything a finger taps on a phone: at least 44 × 44 CSS px (WCAG 2.5.5 / Apple, Google).
TOUCH_TARGETS = """() => [...document.querySelectorAll(
  'main button, main .button, main select, summary, .nav-panel a, .nav-panel button,'
  + ' .nav-panel select, main input:not([type=checkbox]):not([type=radio]):not([type=hidden])'
)].filter(e => e.offsetParent !== null)
  .map(e => [e.outerHTML.slice(0, 80), e.getBoundingClientRect().height])
  .filter(([, height]) => height < 44)"""
OVERFLOW = """() => document.scrollingElement.scrollWidth > window.innerWidth
  ? [[document.scrollingElement.scrollWidth, window.innerWidth]] : []"""
SIZE_OF = "url => fetch(url).then(r => r.arrayBuffer()).then(b => b.byteLength)"
ASSETS = """() => [...document.querySelectorAll('link[rel=stylesheet][href], script[src]')]
  .map(e => e.href || e.src)"""
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
AXE = Axe()


@pytest.fixture
def artifacts(capsys: pytest.CaptureFixture[str]) -> Iterator[Path]:
    """test-artifacts/client-pages/ (ignored by git), or under FOYER_TEST_ARTIFACTS; the
    folder is named in the terminal output."""
    folder = Path(os.environ.get("FOYER_TEST_ARTIFACTS") or ARTIFACTS) / "client-pages"
    folder.mkdir(parents=True, exist_ok=True)
    yield folder
    with capsys.disabled():
        print(f"\nscreenshots of the client pages: {folder}")


@pytest.mark.parametrize("width_name", WIDTHS)
@pytest.mark.parametrize("firm", FIRMS, ids=lambda firm: firm["theme"])
def test_every_client_page_fits_and_passes_axe(
    live_server: Any,
    make_tenant: Any,
    make_staff: Any,
    browser: Any,
    artifacts: Path,
    firm: dict[str, str],
    width_name: str,
) -> None:
    tenant = make_tenant(signup_mode="open", clients_invite_teammates=True, **firm)
    staff = make_staff(tenant, f"owner@{firm['slug']}.example")
    seed, values = _seed_portal(tenant, staff.id)
    for spec in CLIENT_PAGES:
        if spec.prepare is not None:
            values.update(spec.prepare(seed))
    width, height = WIDTHS[width_name]
    problems: list[str] = []
    sizes: dict[str, int] = {}
    for signed_in in (False, True):
        context = browser.new_context(viewport={"width": width, "height": height})
        context.set_default_timeout(15_000)
        context.add_init_script(script=AXE.axe_script)
        page = context.new_page()
        if signed_in:
            _sign_in(page, live_server.url(firm["slug"], "/sign-in"))
        for spec in (p for p in CLIENT_PAGES if p.signed_in is signed_in):
            where = f"{firm['theme']} {width_name} {spec.name}"
            url = live_server.url(firm["slug"], spec.path.format(**values))
            problems += _check(page, spec, url, where)
            problems += _weigh(page, sizes, where)
            if width_name == "phone":
                shot = artifacts / f"{firm['theme']}-{spec.name}.png"
                page.screenshot(path=str(shot), full_page=True)
        context.close()
    assert not problems, "\n".join(problems)


def _check(page: Any, spec: ClientPage, url: str, where: str) -> list[str]:
    response = page.goto(url)
    found: list[str] = []
    if response is None or response.status != spec.status:
        status = response.status if response else None
        return [f"{where}: {url} answered {status}, expected {spec.status}"]
    if page.url.rstrip("/").endswith("/sign-in") and spec.signed_in:
        return [f"{where}: {url} went to the sign-in page"]
    for wide, window in page.evaluate(OVERFLOW):
        found.append(f"{where}: scrolls sideways ({wide} px in a {window} px window)")
    violations = page.evaluate("axe.run(document, {resultTypes: ['violations']})")["violations"]
    for violation in violations:
        if violation["impact"] not in IGNORED_IMPACTS:
            nodes = [node["html"][:140] for node in violation["nodes"][:3]]
            found.append(f"{where}: {violation['id']} ({violation['impact']}) {nodes}")
    return found


def _weigh(page: Any, sizes: dict[str, int], where: str) -> list[str]:
    """The page's stylesheets and scripts add up to at most BUDGET bytes (each fetched once);
    at phone width, every tap target is 44 px high."""
    found = []
    for asset in page.evaluate(ASSETS):
        if asset not in sizes:
            sizes[asset] = page.evaluate(SIZE_OF, asset)
    total = sum(sizes[asset] for asset in page.evaluate(ASSETS))
    total += sum(
        len(style) for style in page.eval_on_selector_all("style", "s => s.map(e => e.textContent)")
    )
    if total > BUDGET:
        found.append(f"{where}: {total} bytes of CSS and JS (at most {BUDGET})")
    if page.viewport_size["width"] < 500:
        small = page.evaluate(TOUCH_TARGETS)
        if small:
            found.append(f"{where}: touch targets under 44 px high: {small[:4]}")
    return found


def _sign_in(page: Any, url: str) -> None:
    page.goto(url)
    page.get_by_label("Email").fill(DEMO_CONTACT)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(lambda address: "/sign-in" not in address)


def _seed_portal(tenant: Any, staff_id: int) -> tuple[Seed, dict[str, object]]:
    """The demo firm's data, a signed-up client with two accounts, invoices and links."""
    snapshot = snapshot_of(tenant)
    seed_document_requests(tenant.id, staff_id)
    db.session.flush()
    seed_conversations(snapshot, Person(Side.STAFF, staff_id, "Owner"))
    seed_files(snapshot, staff_id)
    account = db.session.scalar(owned(ClientAccount, tenant.id, ClientAccount.name == DEMO_ACCOUNT))
    assert account is not None
    jane = directory.find_contact_by_email(tenant.id, DEMO_CONTACT)
    assert jane is not None
    jane.password_hash = hash_password(PASSWORD)
    jane.activated_at = utcnow()
    directory.set_login(tenant.id, account.id, jane.id, True)
    business = directory.create_account(tenant.id, "Jones Landscaping & Garden Design LLC")
    db.session.flush()
    directory.add_contact(tenant.id, business, DEMO_CONTACT, login=True)
    for due_in in (-5, 20):
        invoice = invoices.create_invoice(
            tenant.id,
            invoices.InvoiceInput(
                account.id,
                date.today() + timedelta(days=min(due_in, 0) - 10),
                date.today() + timedelta(days=due_in),
                [
                    invoices.LineInput(
                        "Quarterly bookkeeping and payroll filings", Decimal(3), 123456
                    ),
                    invoices.LineInput("2025 federal and state returns", Decimal(1), 85000),
                ],
            ),
        )
        sending.send_invoice(tenant.id, invoice)
    values: dict[str, object] = {
        "thread_id": _first_id(Thread, tenant.id, account.id),
        "request_id": _first_id(ClientRequest, tenant.id, account.id),
        "invoice_id": invoice.id,
        "folder_id": _first_id(Folder, tenant.id, account.id, Folder.name == "Taxes 2025"),
        "document_request_id": _document_request_id(tenant.id, account.id),
        "reset_token": _reset_token(tenant.id, jane.id),
    }
    values.update(_invitations(snapshot, account))
    db.session.commit()
    seed = Seed(tenant.id, tenant.slug, account.id, jane.id, staff_id)
    return seed, values


def _first_id(model: Any, tenant_id: int, account_id: int, *where: Any) -> int:
    found = db.session.scalar(
        owned(model, tenant_id, model.account_id == account_id, *where).order_by(model.id)
    )
    assert found is not None, model
    return int(found.id)


def _document_request_id(tenant_id: int, account_id: int) -> int:
    return _first_id(DocumentRequest, tenant_id, account_id)


def _reset_token(tenant_id: int, contact_id: int) -> str:
    raw, digest = new_token()
    db.session.add(
        PasswordReset(
            tenant_id=tenant_id,
            contact_id=contact_id,
            token_hash=digest,
            expires_at=utcnow() + timedelta(hours=1),
        )
    )
    return raw


def _invitations(tenant: Any, account: ClientAccount) -> dict[str, str]:
    """One invitee per invitation state the client can land on."""
    tokens: dict[str, str] = {}
    now = utcnow()
    for key, name in (
        ("invite_token", "Ana Lima"),
        ("used_invite_token", "Ben Okafor"),
        ("expired_invite_token", "Chen Wei"),
        ("cancelled_invite_token", "Dana Cohen"),
    ):
        email = f"{name.split()[0].lower()}@clients.example"
        contact: Contact = directory.add_contact(tenant.id, account, email, name, login=True)
        invitation = prepare_invitation(tenant, contact)
        db.session.flush()
        if key == "used_invite_token":
            invitation.accepted_at = now
            contact.password_hash = hash_password(PASSWORD)
            contact.activated_at = now
        elif key == "expired_invite_token":
            invitation.expires_at = now - timedelta(days=1)
        elif key == "cancelled_invite_token":
            invitation.cancelled_at = now
        tokens[key] = invitation_token(invitation)
    assert db.session.get(AccountContact, (tenant.id, account.id, contact.id)) is not None
    return tokens


@pytest.mark.parametrize("firm", FIRMS, ids=lambda firm: firm["theme"])
def test_the_menu_button_folds_the_navigation_on_a_phone(
    live_server: Any,
    make_tenant: Any,
    browser: Any,
    artifacts: Path,
    firm: dict[str, str],
) -> None:
    tenant = make_tenant(**firm)
    _client_with_two_accounts(tenant.id)
    sign_in = live_server.url(firm["slug"], "/sign-in")
    home = live_server.url(firm["slug"], "/")

    for javascript in (True, False):
        context = browser.new_context(
            viewport={"width": 375, "height": 812}, java_script_enabled=javascript
        )
        page = context.new_page()
        _sign_in(page, sign_in)
        page.goto(home)
        menu = page.locator("summary.menu-button")
        messages = page.get_by_role("link", name="Messages")
        assert menu.is_visible() and not messages.is_visible()
        if javascript:
            assert menu.get_attribute("aria-expanded") == "false"
        menu.click()
        messages.wait_for()
        switcher = page.get_by_label("Account")
        assert switcher.is_visible()
        assert switcher.bounding_box()["width"] >= 300  # full width: reachable with a thumb
        if javascript:
            assert menu.get_attribute("aria-expanded") == "true"
            page.screenshot(path=str(artifacts / f"{firm['theme']}-menu-open.png"), full_page=True)
            page.keyboard.press("Escape")
            assert not messages.is_visible()
            assert menu.get_attribute("aria-expanded") == "false"
            # The first Tab shows the skip link; it leads to the main content.
            page.goto(home)
            page.keyboard.press("Tab")
            skip = page.get_by_role("link", name="Skip to main content")
            assert skip.is_visible() and skip.bounding_box()["y"] >= 0
            page.keyboard.press("Enter")
            assert page.evaluate("document.activeElement.id") == "main"
            # Right to left: the page mirrors (the Menu button moves to the left), still fits.
            page.evaluate("document.documentElement.dir = 'rtl'")
            assert menu.bounding_box()["x"] < 100
            assert page.evaluate(OVERFLOW) == []
            page.screenshot(path=str(artifacts / f"{firm['theme']}-rtl.png"), full_page=True)
        else:
            menu.click()
            assert not messages.is_visible()
        context.close()

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _sign_in(page, sign_in)
    page.goto(home)
    assert page.get_by_role("link", name="Messages").is_visible()
    assert not page.locator("summary.menu-button").is_visible()
    page.screenshot(path=str(artifacts / f"{firm['theme']}-desktop-home.png"))
    context.close()


def _client_with_two_accounts(tenant_id: int) -> None:
    home = directory.create_account(tenant_id, DEMO_ACCOUNT, "household")
    business = directory.create_account(tenant_id, "Jones Landscaping & Garden Design LLC")
    db.session.flush()
    jane = directory.add_contact(tenant_id, home, DEMO_CONTACT, "Jane Jones", login=True)
    directory.add_contact(tenant_id, business, DEMO_CONTACT, login=True)
    jane.password_hash = hash_password(PASSWORD)
    jane.activated_at = utcnow()
    db.session.commit()


def test_a_form_error_is_read_with_its_field(
    live_server: Any, make_tenant: Any, browser: Any
) -> None:
    make_tenant(**FIRMS[0])
    context = browser.new_context(viewport={"width": 375, "height": 812})
    context.add_init_script(script=AXE.axe_script)
    page = context.new_page()
    page.goto(live_server.url(FIRMS[0]["slug"], "/sign-in"))
    page.get_by_role("button", name="Sign in", exact=True).click()
    email = page.get_by_label("Email")
    email.wait_for()
    assert email.get_attribute("aria-invalid") == "true"
    described = email.get_attribute("aria-describedby")
    assert described
    assert page.locator(f"#{described}").inner_text().strip()
    assert page.locator(f"#{described}").get_attribute("role") == "alert"
    violations = page.evaluate("axe.run(document, {resultTypes: ['violations']})")["violations"]
    assert not [v["id"] for v in violations if v["impact"] not in IGNORED_IMPACTS]
    context.close()
