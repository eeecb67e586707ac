"""Sending-domain tests: the app checks DNS against the loopback `dns` server."""

from __future__ import annotations

from typing import Any

import pytest

from portal.core.extensions import db
from portal.maildomains.models import MailDomain
from portal.maildomains.records import records_for
from tenants.scoping import owned

DOMAIN = "smithcpa.example"
PLATFORM_SPF = "_spf.foyer.example"


@pytest.fixture
def app_config(app_config, dns):  # type: ignore[no-untyped-def]
    return {
        **app_config,
        "DNS_NAMESERVERS": dns.nameservers,
        "DNS_TIMEOUT": 0.5,
        "MAIL_DOMAIN_AUTO_RECHECK": False,  # tests run checks themselves; scheduling tested apart
        "MAIL_DOMAIN_BREAK_AFTER_FAILURES": 1,  # a verified domain breaks at the first failure
        "MAIL_DOMAIN_BREAK_GRACE_SECONDS": 0,  # (test_grace.py tests the real pace)
    }


@pytest.fixture
def add_domain(firm):  # type: ignore[no-untyped-def]
    """Add the sending domain through the dashboard; returns the response."""

    def add(domain: str = DOMAIN, **fields: str) -> Any:
        data = {
            "domain": domain,
            "local_part": "notifications",
            "display_name": "Smith CPA",
            "reply_to": "office@smithcpa.example",
            **fields,
        }
        return firm.submit("/admin/settings/email-domain/", data)

    return add


def domain_row(tenant_id: int) -> MailDomain:
    db.session.rollback()  # the job and the requests committed in their own sessions
    return db.session.scalar(owned(MailDomain, tenant_id))


def publish(dns, row: MailDomain, app, skip: tuple[str, ...] = ()) -> None:  # type: ignore[no-untyped-def]
    """Publish every record the dashboard shows, except `skip`; the platform's SPF too."""
    dns.add(PLATFORM_SPF, "TXT", "v=spf1 ip4:192.0.2.0/24 -all")
    for record in records_for(row, app.config):
        if record.purpose not in skip:
            dns.add(record.name, record.type, record.value)
