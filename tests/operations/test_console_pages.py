"""Mailbox (tenant column, search, HTML part in a sandboxed frame with no script) and the
operator routes: 404 on tenant hosts, sign-in first on the platform host."""

from __future__ import annotations

import re

from flask import Flask

from portal.core.extensions import db
from portal.mail.models import OutboxMessage
from tests.fixtures.tenants import PLATFORM_DOMAIN

OPERATOR_BLUEPRINTS = ("operator_tenants", "operator_health")


def outbox(tenant_id: int, subject: str, html: str = "") -> int:
    row = OutboxMessage(
        tenant_id=tenant_id,
        kind="invitation",
        to_address="ann@alpha.example",
        from_address="=?utf-8?q?Acme_Accounting_=C3=A9?= <no-reply@foyer.example>",
        subject=subject,
        text_body="Hello",
        html_body=html,
        message_id=f"<{subject}@foyer.example>",
    )
    db.session.add(row)
    db.session.commit()
    return row.id


def test_mailbox_has_a_tenant_column_search_and_decoded_from(console, tenant, make_tenant):
    bravo = make_tenant(slug="bravo", name="Bravo Books")
    outbox(tenant.id, "Your Acme portal")
    outbox(bravo.id, "Your Bravo portal")
    page = console.get("/operator/mailbox").get_data(as_text=True)
    assert '<td data-label="Tenant">acme</td>' in page
    assert '<td data-label="Tenant">bravo</td>' in page
    assert "Acme Accounting é &lt;no-reply@foyer.example&gt;" in page
    found = console.get("/operator/mailbox?q=bravo+portal").get_data(as_text=True)
    assert "Your Bravo portal" in found and "Your Acme portal" not in found
    by_tenant = console.get("/operator/mailbox?tenant=acme").get_data(as_text=True)
    assert "Your Acme portal" in by_tenant and "Your Bravo portal" not in by_tenant


def test_mail_html_is_shown_in_a_sandboxed_frame_without_scripts(console, tenant):
    message_id = outbox(tenant.id, "Scripted", html="<p>Hi</p><script>alert(1)</script>")
    response = console.get(f"/operator/mailbox/{message_id}")
    page = response.get_data(as_text=True)
    frame = re.search(r"<iframe[^>]*>", page)
    assert frame is not None
    assert 'sandbox=""' in frame.group(0)  # no allow-scripts, no same origin
    assert "<script>alert(1)</script>" not in page  # only inside the escaped srcdoc
    csp = response.headers["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", csp)
    assert script_src is not None and "'unsafe-inline'" not in script_src.group(1)


def operator_paths(app: Flask) -> list[tuple[str, str]]:
    paths = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.rpartition(".")[0] not in OPERATOR_BLUEPRINTS:
            continue
        values = {
            name: 1 if name.endswith("_id") and "job" not in name else "x"
            for name in rule.arguments
        }
        method = (
            "POST"
            if "POST" in (rule.methods or ()) and "GET" not in (rule.methods or ())
            else "GET"
        )
        with app.test_request_context(base_url=f"https://{PLATFORM_DOMAIN}"):
            paths.append((method, app.url_map.bind(PLATFORM_DOMAIN).build(rule.endpoint, values)))
    return paths


def test_operator_routes_are_404_on_tenant_hosts_and_need_an_operator(
    app, tenant, portal, platform, staff, firm
):
    paths = operator_paths(app)
    assert len(paths) >= 9
    for method, path in paths:
        for client in (portal, firm):  # anonymous, and a signed-in firm owner
            assert client.open(path, method=method).status_code == 404, (client.host, path)
        response = platform.open(path, method=method)
        if method == "GET":
            assert response.status_code == 302, path
            assert response.headers["Location"].startswith("/operator/sign-in"), path
        else:
            assert response.status_code in (302, 400), path  # CSRF refuses before anything
