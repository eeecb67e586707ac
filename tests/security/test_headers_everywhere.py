"""Security headers on every page a person can reach (issue #11).

Starting from every GET rule of `app.url_map` that takes no variables, and following every
same-host link and redirect the pages offer, the crawl visits the portal and the dashboard
signed out, as a client, as firm staff and as a platform operator. Every response must say
`nosniff`, carry a Referrer-Policy and (over https, as HostClient speaks) HSTS for a year; every
HTML response must carry a CSP whose scripts exclude 'unsafe-inline' and 'unsafe-eval', with
`frame-ancestors` (or X-Frame-Options), `object-src 'none'` and `base-uri`, and its HTML may
hold no inline `<script>`, no `on…=` event handler and no `javascript:` URL (the CSP would
block them, so such a page is broken as well as unsafe).
"""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from flask import Flask
from sqlalchemy import select

from portal.clients import directory
from portal.clients.invitations import invitation_token, send_invitation
from portal.clients.models import Contact
from portal.core.extensions import db
from portal.modules.models import LinkMode, ModuleLink
from tenants.resolution import snapshot_by_id
from tenants.webdomains.service import claim_domain
from tests.fixtures.people import CLIENT_PASSWORD, tenant_host
from tests.fixtures.tenants import OPERATOR_PASSWORD, PLATFORM_DOMAIN, HostClient, csrf_from

CRAWL_LIMIT = 250  # pages per role; the crawl asserts it visited fewer
ONE_YEAR = 31536000
REFERRER_POLICIES = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
}
# Paths that end the crawler's session or are not pages (assets are still header-checked).
# Routes that end the crawling session (the rest of the crawl would be signed out).
SKIP = re.compile(r"/sign-out$|/sign-out-everywhere$")
ASSET = re.compile(r"\.(css|js|svg|png|ico|txt)$")


class PageScan(HTMLParser):
    """Inline scripts, event-handler attributes, javascript: URLs and links of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inline_scripts: list[str] = []
        self.handlers: list[str] = []
        self.js_urls: list[str] = []
        self.links: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            kind = (values.get("type") or "text/javascript").lower()
            executable = "json" not in kind  # data blocks (application/json) never run
            if values.get("src") is None and executable:
                self._in_inline_script = True
                self.inline_scripts.append("")
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction") and value:
                if value.strip().lower().startswith("javascript:"):
                    self.js_urls.append(f"<{tag} {name}={value!r}>")
                elif name == "href" and tag == "a":
                    self.links.append(value)

    def handle_data(self, data: str) -> None:
        if self._in_inline_script:
            self.inline_scripts[-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_inline_script = False


def csp_directives(header: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives.setdefault(words[0].lower(), words[1:])
    return directives


def header_problems(response: Any) -> list[str]:  # type: ignore[no-untyped-def]
    headers = response.headers
    problems = []
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if headers.get("Referrer-Policy") not in REFERRER_POLICIES:
        problems.append(f"Referrer-Policy {headers.get('Referrer-Policy')!r}")
    hsts = re.match(r"max-age=(\d+)", headers.get("Strict-Transport-Security", ""))
    if not hsts or int(hsts.group(1)) < ONE_YEAR:
        problems.append(f"HSTS {headers.get('Strict-Transport-Security')!r}")
    if response.mimetype != "text/html":
        return problems
    csp = csp_directives(headers.get("Content-Security-Policy", ""))
    if not csp:
        return [*problems, "HTML without a Content-Security-Policy"]
    scripts = csp.get("script-src", csp.get("default-src"))
    if scripts is None or "*" in scripts:
        problems.append(f"script-src {scripts}")
    elif "'unsafe-inline'" in scripts or "'unsafe-eval'" in scripts:
        problems.append(f"script-src allows inline code: {scripts}")
    if "frame-ancestors" not in csp and headers.get("X-Frame-Options") not in (
        "DENY",
        "SAMEORIGIN",
    ):
        problems.append("neither frame-ancestors nor X-Frame-Options")
    if csp.get("object-src") != ["'none'"]:
        problems.append(f"object-src {csp.get('object-src')}")
    if "base-uri" not in csp:
        problems.append("no base-uri")
    return problems


def page_problems(scan: PageScan) -> list[str]:
    problems = [f"inline <script>: {code.strip()[:80]!r}" for code in scan.inline_scripts]
    problems += [f"inline event handler {handler}" for handler in scan.handlers]
    problems += [f"javascript: URL {url}" for url in scan.js_urls]
    return problems


def same_host_path(link: str, host: str) -> str | None:
    link = urldefrag(link)[0]
    parts = urlsplit(link)
    if parts.scheme not in ("", "http", "https") or (parts.netloc and parts.netloc != host):
        return None
    if not parts.path.startswith("/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(client: HostClient, start: list[str]) -> tuple[dict[str, int], list[str]]:
    """Visit the start paths and every same-host link and redirect; return statuses, problems."""
    seen: dict[str, int] = {}
    problems: list[str] = []
    queue = deque(start)
    while queue:
        path = queue.popleft()
        if path in seen or SKIP.search(urlsplit(path).path):
            continue
        assert len(seen) < CRAWL_LIMIT, f"the crawl of {client.host} did not end"
        response = client.get(path)
        seen[path] = response.status_code
        found = header_problems(response)
        nexts: list[str] = []
        if response.mimetype == "text/html":
            scan = PageScan()
            scan.feed(response.get_data(as_text=True))
            found += page_problems(scan)
            nexts = scan.links
        if response.status_code >= 500:
            found.append("server error")
        if "Location" in response.headers:
            nexts.append(response.headers["Location"])
        problems += [f"{client.host}{path} ({response.status_code}): {p}" for p in found]
        for link in nexts:
            target = same_host_path(link, client.host)
            if target and target not in seen and not ASSET.search(urlsplit(target).path):
                queue.append(target)
    return seen, problems


def post_forms(client: HostClient, app: Flask, form_page: str) -> tuple[int, list[str]]:
    """POST each variable-free form with only a CSRF token: the answers (422, 302, …) too."""
    csrf = csrf_from(client.get(form_page).get_data(as_text=True))
    problems = []
    count = 0
    for rule in app.url_map.iter_rules():
        if "POST" not in (rule.methods or set()) or rule.arguments or SKIP.search(rule.rule):
            continue
        response = client.post(rule.rule, data={"csrf_token": csrf})
        count += 1
        found = header_problems(response)
        if response.mimetype == "text/html":
            scan = PageScan()
            scan.feed(response.get_data(as_text=True))
            found += page_problems(scan)
        if response.status_code >= 500 or response.status_code == 400:
            found.append("server error or CSRF refusal")
        problems += [f"POST {client.host}{rule.rule} ({response.status_code}): {p}" for p in found]
    return count, problems


def plain_get_paths(app: Flask) -> list[str]:
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or set()) and not rule.arguments
    ) + ["/no-such-page", "/admin/no-such-page"]


@pytest.fixture
def populated(app: Flask, tenant, firm, make_operator) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """A firm with a client who has accepted, a second invited contact, a link and a domain."""
    snapshot = snapshot_by_id(tenant.id)
    accounts = []
    for name, email in (("Lee Household", "lee@client.example"), ("Kim LLC", "kim@client.example")):
        account = directory.create_account(tenant.id, name, "household")
        contact = directory.add_contact(tenant.id, account, email, name, login=True)
        db.session.flush()
        accounts.append((account.id, send_invitation(snapshot, contact, invited_by="crawl")))
    db.session.add(
        ModuleLink(
            tenant_id=tenant.id, title="Ledger", url="https://ledger.example/", mode=LinkMode.EMBED
        )
    )
    claim_domain(tenant.id, "portal.crawl.example")
    token = invitation_token(accounts[0][1])
    db.session.commit()
    make_operator()
    return {"token": token}


def test_every_page_carries_the_security_headers(  # type: ignore[no-untyped-def]
    app: Flask, client_for, make_tenant, tenant, firm, populated
):
    host = tenant_host(tenant)
    start = plain_get_paths(app)
    visits: dict[str, int] = {}
    problems: list[str] = []

    invite = f"/invite/{populated['token']}"
    harbour = make_tenant(slug="harbour", name="Harbour Tax", theme="harbor")
    for who, client, extra in (
        ("signed out (tenant)", client_for(host), [invite]),
        ("signed out (harbor theme)", client_for(tenant_host(harbour)), []),
        ("signed out (platform)", client_for(PLATFORM_DOMAIN), []),
        ("staff", firm, []),
    ):
        seen, found = crawl(client, start + extra)
        visits[who] = len(seen)
        problems += found

    client = client_for(host)
    response = client.submit(invite, {"password": CLIENT_PASSWORD, "confirm": CLIENT_PASSWORD})
    assert response.status_code == 302
    seen, found = crawl(client, start)
    visits["client"] = len(seen)
    problems += found
    assert any(path.startswith("/links/") and status == 200 for path, status in seen.items())

    operator = client_for(PLATFORM_DOMAIN)
    signed_in = operator.submit(
        "/operator/sign-in", {"email": "ops@foyer.example", "password": OPERATOR_PASSWORD}
    )
    assert signed_in.status_code == 302
    seen, found = crawl(operator, start)
    visits["operator"] = len(seen)
    problems += found
    assert any(path.startswith("/operator/mailbox/") for path in seen), "mailbox not crawled"

    # Then every variable-free form posted empty (staff last: an empty modules form switches
    # the client modules off).
    posted = 0
    for poster, form_page in (
        (client_for(host), "/sign-in"),
        (client, "/sign-in"),
        (operator, "/operator/sign-in"),
        (firm, "/admin/clients/new"),
    ):
        count, found = post_forms(poster, app, form_page)
        posted += count
        problems += found

    assert not problems, f"pages visited {visits}, forms posted {posted}:\n" + "\n".join(problems)
    assert visits["staff"] > 20 and visits["client"] > 10, visits
    assert db.session.scalar(
        select(Contact.activated_at).where(Contact.email == "lee@client.example")
    )
