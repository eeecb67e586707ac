"""Mail from a verified domain: the firm's From, DKIM-signed; back to the platform when broken."""

from __future__ import annotations

import time

import dkim
import dns.resolver
from sqlalchemy import select

from jobs.mail_domains import check_mail_domain
from portal.core.dns import make_resolver
from portal.core.extensions import db
from portal.mail.models import OutboxMessage, OutboxStatus
from tests.fixtures.smtp import text_of
from tests.maildomains.conftest import DOMAIN, domain_row, publish


def _dnsfunc(app):  # type: ignore[no-untyped-def]
    """dkimpy's key lookup, answered by the loopback DNS server."""
    resolver = make_resolver(app.config)

    def get_txt(name: bytes, timeout: int = 5) -> bytes | None:
        try:
            answer = resolver.resolve(name.decode(), "TXT")
        except dns.exception.DNSException:
            return None
        return b"".join(answer[0].strings)

    return get_txt


def test_verified_invitation_is_from_the_firm_and_dkim_verifies(
    app, firm, tenant, dns, smtp, add_domain, create_client
):
    add_domain()
    row = domain_row(tenant.id)
    publish(dns, row, app)
    assert check_mail_domain(tenant.id, row.id) == "verified"
    db.session.rollback()  # the job committed in its own session

    create_client("jane@client.example")
    [mail] = smtp.wait_for(1, to="jane@client.example")
    assert mail["From"] == f"Smith CPA <notifications@{DOMAIN}>"
    assert mail["Reply-To"] == "office@smithcpa.example"
    assert mail["Message-ID"].endswith(f"@{DOMAIN}>")
    assert "/invite/" in text_of(mail)
    raw = smtp.handler.raw[-1]
    assert raw.startswith(b"DKIM-Signature:")
    signature = mail["DKIM-Signature"]
    assert f"d={DOMAIN}" in signature and f"s={row.selector}" in signature
    assert "a=rsa-sha256" in signature and "c=relaxed/relaxed" in signature
    assert dkim.verify(raw, dnsfunc=_dnsfunc(app))
    assert not dkim.verify(raw.replace(b"Subject:", b"Subject: x", 1), dnsfunc=_dnsfunc(app))


def test_pending_domain_sends_from_the_platform_with_the_firm_reply_to(
    app, firm, tenant, dns, smtp, add_domain, create_client
):
    add_domain()
    create_client("jane@client.example")
    [mail] = smtp.wait_for(1, to="jane@client.example")
    assert mail["From"] == "Acme Accounting <notifications@foyer.example>"
    assert mail["Reply-To"] == "office@smithcpa.example"
    assert mail["DKIM-Signature"] is None


def test_verified_domain_that_breaks_falls_back_and_notifies_the_firm(
    app, firm, tenant, staff, dns, smtp, add_domain, create_client
):
    add_domain()
    row = domain_row(tenant.id)
    publish(dns, row, app)
    assert check_mail_domain(tenant.id, row.id) == "verified"

    dns.remove(f"{row.selector}._domainkey.{DOMAIN}")
    assert check_mail_domain(tenant.id, row.id) == "failing"
    [alert] = smtp.wait_for(1, to=staff.email)
    assert DOMAIN in alert["Subject"]
    assert "DKIM: No DKIM record" in text_of(alert)
    assert alert["From"] == "Acme Accounting <notifications@foyer.example>"
    db.session.rollback()

    create_client("jane@client.example")
    [mail] = smtp.wait_for(1, to="jane@client.example")
    assert mail["From"] == "Acme Accounting <notifications@foyer.example>"
    assert mail["DKIM-Signature"] is None
    assert check_mail_domain(tenant.id, row.id) == "failing"
    assert len(smtp.wait_for(1, to=staff.email)) == 1, "told once, not at every check"

    publish(dns, row, app, skip=("ownership", "spf", "dmarc"))
    assert check_mail_domain(tenant.id, row.id) == "verified"
    page = firm.get("/admin/settings/email-domain/").get_data(as_text=True)
    assert "Failing" in page and "Verified" in page  # the history keeps both


def test_suppressed_sending_drops_signed_mail_as_flask_mail_drops_the_rest(
    app, firm, tenant, dns, smtp, add_domain, create_client
):
    """MAIL_SUPPRESS_SEND opens no SMTP connection: mail from a verified domain, which is
    signed and sent by hand, is marked sent without sending, like every other message."""
    add_domain()
    row = domain_row(tenant.id)
    publish(dns, row, app)
    assert check_mail_domain(tenant.id, row.id) == "verified"
    db.session.rollback()
    app.extensions["mail"].suppress = True

    create_client("jane@client.example")
    status = select(OutboxMessage.status).where(OutboxMessage.to_address == "jane@client.example")
    deadline = time.monotonic() + 10
    while db.session.scalar(status) != OutboxStatus.SENT and time.monotonic() < deadline:
        db.session.rollback()
        time.sleep(0.05)
    assert db.session.scalar(status) == OutboxStatus.SENT
    assert smtp.messages == []
