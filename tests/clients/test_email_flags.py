"""Contacts whose email domain has no mail server are flagged, through a real DNS server.

The app here checks email domains (off in other tests) against the loopback `dns` server.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from jobs.email_checks import check_contact_email
from portal.clients.models import Contact
from portal.core.extensions import db

DOMAIN = "client.example"


@pytest.fixture
def app_config(app_config, dns):  # type: ignore[no-untyped-def]
    return {
        **app_config,
        "CHECK_EMAIL_DOMAINS": True,
        "DNS_NAMESERVERS": dns.nameservers,
        "DNS_TIMEOUT": 0.5,
    }


def pending_flag(firm, email: str) -> str | None:  # type: ignore[no-untyped-def]
    """The flag shown next to this contact on the 'Pending activation' list."""
    page = firm.get("/admin/clients/pending").get_data(as_text=True)
    rows = re.findall(r"<tr>.*?</tr>", page, re.S)
    row = next((r for r in rows if f'aria-label="Select {email}"' in r), None)
    assert row, f"{email} is not on the pending list"
    badge = re.search(r'<span class="badge bad" title="([^"]*)"', row)
    return badge.group(1) if badge else None


def stored_problem(email: str) -> str | None:
    db.session.rollback()  # end our snapshot: the job committed in its own session
    return db.session.scalar(select(Contact.email_problem).where(Contact.email == email))


def contact_id(email: str) -> int:
    return db.session.scalar(select(Contact.id).where(Contact.email == email))


@pytest.mark.parametrize(
    ("records", "flagged"),
    [
        ({"MX": "10 mail.client.example."}, False),
        ({"A": "192.0.2.25"}, False),
        ({"AAAA": "2001:db8::25"}, False),
        ({"TXT": "v=spf1 -all"}, True),
        ({}, True),
        ({"MX": "0 .", "A": "192.0.2.25"}, True),
    ],
    ids=["mx", "implicit-mx-a", "implicit-mx-aaaa", "no-mx-no-address", "nxdomain", "null-mx"],
)
def test_new_contact_is_flagged_only_when_the_domain_takes_no_mail(
    firm, tenant, dns, create_client, records, flagged
):
    for rtype, value in records.items():
        dns.add(DOMAIN, rtype, value)
    create_client(f"ann@{DOMAIN}", invite=False)

    expected = f"No mail server for {DOMAIN}" if flagged else None
    assert pending_flag(firm, f"ann@{DOMAIN}") == expected
    assert stored_problem(f"ann@{DOMAIN}") == expected
    assert dns.queried(DOMAIN, "MX")


def test_servfail_leaves_the_contact_unflagged(firm, tenant, dns, create_client):
    dns.servfail(DOMAIN)
    create_client(f"ann@{DOMAIN}", invite=False)
    assert dns.queried(DOMAIN, "MX")
    assert pending_flag(firm, f"ann@{DOMAIN}") is None
    assert stored_problem(f"ann@{DOMAIN}") is None


def test_temporary_failures_keep_the_last_verdict(firm, tenant, dns, create_client):
    create_client(f"ann@{DOMAIN}", invite=False)
    flag = f"No mail server for {DOMAIN}"
    assert stored_problem(f"ann@{DOMAIN}") == flag
    ann = contact_id(f"ann@{DOMAIN}")

    dns.servfail(DOMAIN)
    assert check_contact_email(tenant.id, ann) == "unknown"
    dns.clear()
    dns.timeout(DOMAIN)
    assert check_contact_email(tenant.id, ann) == "unknown"
    assert stored_problem(f"ann@{DOMAIN}") == flag

    dns.clear()
    dns.add(DOMAIN, "MX", "10 mail.client.example.")
    assert check_contact_email(tenant.id + 1, ann) == "gone", "scoped by tenant"
    assert stored_problem(f"ann@{DOMAIN}") == flag
    assert check_contact_email(tenant.id, ann) == "accepts_mail"
    assert pending_flag(firm, f"ann@{DOMAIN}") is None


def test_a_problem_recorded_for_another_reason_is_not_cleared(firm, tenant, dns, create_client):
    dns.add(DOMAIN, "MX", "10 mail.client.example.")
    create_client(f"ann@{DOMAIN}", invite=False)
    ann = db.session.get(Contact, contact_id(f"ann@{DOMAIN}"))
    ann.email_problem = "Mailbox full"
    lookups = len(dns.queries)
    db.session.commit()
    assert len(dns.queries) == lookups, "only a new or changed address is checked"
    assert check_contact_email(tenant.id, ann.id) == "accepts_mail"
    assert stored_problem(f"ann@{DOMAIN}") == "Mailbox full"


def test_changing_the_email_checks_the_new_domain(firm, tenant, dns, create_client):
    dns.add(DOMAIN, "MX", "10 mail.client.example.")
    account = create_client(f"ann@{DOMAIN}", invite=False)
    ann = contact_id(f"ann@{DOMAIN}")

    def change_to(email: str) -> None:
        response = firm.submit(
            f"/admin/clients/{account}",
            {"email": email},
            action=f"/admin/clients/{account}/contacts/{ann}/email",
        )
        assert response.status_code == 302

    change_to("ann@typo.example")
    assert pending_flag(firm, "ann@typo.example") == "No mail server for typo.example"
    change_to(f"ann@{DOMAIN}")
    assert pending_flag(firm, f"ann@{DOMAIN}") is None
    assert [q.name for q in dns.queries if q.type == "MX"] == [DOMAIN, "typo.example", DOMAIN]


def test_contacts_added_later_and_settings_invites_are_checked(firm, tenant, dns, create_client):
    dns.add(DOMAIN, "MX", "10 mail.client.example.")
    account = create_client(f"ann@{DOMAIN}", invite=False)
    firm.submit(
        f"/admin/clients/{account}",
        {"email": "bob@gone.example", "login": "y"},
        action=f"/admin/clients/{account}/contacts",
    )
    firm.submit("/admin/settings/invites", {"email": "cy@lost.example", "account_id": account})
    assert pending_flag(firm, "bob@gone.example") == "No mail server for gone.example"
    assert pending_flag(firm, "cy@lost.example") == "No mail server for lost.example"
    assert pending_flag(firm, f"ann@{DOMAIN}") is None


def test_rolled_back_contacts_are_not_checked(firm, tenant, dns, create_client):
    from portal.clients import directory

    account = directory.get_account(tenant.id, create_client(f"ann@{DOMAIN}", invite=False))
    dns.clear()
    directory.add_contact(tenant.id, account, "bob@gone.example")
    db.session.rollback()
    db.session.commit()
    assert dns.queries == []


def test_no_lookups_when_the_check_is_off(firm, tenant, dns, make_app):
    staff = _as_signed_in(make_app(CHECK_EMAIL_DOMAINS=False), firm)
    response = staff.submit(
        "/admin/clients/new",
        {"account_name": "Jones", "kind": "household", "email": "ann@gone.example", "login": "y"},
    )
    assert response.status_code == 302
    assert dns.queries == []
    assert stored_problem("ann@gone.example") is None


@pytest.mark.slow
def test_the_check_runs_in_a_real_worker(firm, tenant, dns, redis_app, start_worker):
    staff = _as_signed_in(redis_app, firm)
    staff.submit(
        "/admin/clients/new",
        {"account_name": "Jones", "kind": "household", "email": "ann@gone.example", "login": "y"},
    )
    assert stored_problem("ann@gone.example") is None, "queued, not run in the request"
    worker = start_worker(redis_app, "--burst")
    assert worker.wait(timeout=60) == 0
    assert stored_problem("ann@gone.example") == "No mail server for gone.example"


def _as_signed_in(app, signed_in):  # type: ignore[no-untyped-def]
    """A client of `app` carrying the cookies of an already signed-in client."""
    client = app.test_client(host=signed_in.host)
    for cookie in signed_in._cookies.values():
        client._cookies[(cookie.domain, cookie.path, cookie.key)] = cookie
    return client
