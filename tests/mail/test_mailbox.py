"""The operator console's development mailbox: decoded headers, the HTML part in a sandbox."""

from __future__ import annotations

import html
import re

from portal.core.extensions import db
from portal.mail.compose import queue_email
from tenants.resolution import snapshot_of
from tests.fixtures.tenants import OPERATOR_PASSWORD

HOSTILE = '<p>Hi</p><script>alert(document.cookie)</script><img src=x onerror="alert(1)">'


def test_mailbox_decodes_headers_and_sandboxes_the_html_part(
    make_app, make_tenant, make_operator, smtp
):
    quiet = make_app(MAIL_SERVER="")
    with quiet.app_context():
        tenant = make_tenant(slug="zurich", name="Zürcher Treuhand & Söhne")
        message = queue_email(
            snapshot_of(tenant),
            "kunde@client.example",
            "staff_invitation",
            link="https://zurich.foyer.example/admin/invitation/abc",
            expiry_days=7,
            role="member",
        )
        db.session.flush()
        message.html_body = HOSTILE  # as if a template or tenant text carried script
        db.session.commit()
        assert "=?utf-8?" in message.from_address  # stored RFC 2047-encoded, as sent
        make_operator()

        console = quiet.test_client(host="foyer.example")
        console.submit(
            "/operator/sign-in", {"email": "ops@foyer.example", "password": OPERATOR_PASSWORD}
        )
        listing = console.get("/operator/mailbox").get_data(as_text=True)
        assert "Zürcher Treuhand &amp; Söhne &lt;notifications@foyer.example&gt;" in listing
        assert "=?utf-8?" not in listing

        response = console.get(f"/operator/mailbox/{message.id}")
        page = response.get_data(as_text=True)
        assert "=?utf-8?" not in page
        assert "Zürcher Treuhand &amp; Söhne &lt;notifications@foyer.example&gt;" in page
        assert "Zürcher Treuhand &amp; Söhne: you&#39;re invited" in page

        frames = re.findall(r"<iframe\b[^>]*>", page)
        assert len(frames) == 1
        frame = frames[0]
        assert ' sandbox=""' in frame  # no allow-scripts, no allow-same-origin
        srcdoc = re.search(r'srcdoc="([^"]*)"', frame)
        assert srcdoc is not None and html.unescape(srcdoc.group(1)) == HOSTILE
        assert "<script>" not in page and 'onerror="alert' not in page
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert smtp.messages == []
