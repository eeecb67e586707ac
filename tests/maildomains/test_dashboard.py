"""Bad input is refused with clear messages; Verify now has a cooldown; removal."""

from __future__ import annotations

import pytest

from portal.core.extensions import db
from portal.maildomains.keys import decrypt_private_key
from portal.maildomains.models import MailDomain
from portal.maildomains.service import add_domain as create_domain
from tests.maildomains.conftest import DOMAIN, domain_row, publish


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"domain": "192.0.2.10"}, "An IP address cannot be a sending domain"),
        ({"domain": "[2001:db8::1]"}, "An IP address cannot be a sending domain"),
        ({"domain": "bad_label.example"}, "is not a valid domain name"),
        ({"domain": "-smith.example"}, "is not a valid domain name"),
        ({"domain": "localhostonly"}, "is not a valid domain name"),
        ({"domain": "foyer.example"}, "the platform&#39;s own domain"),
        ({"domain": "mail.foyer.example"}, "the platform&#39;s own domain"),
        ({"domain": "a" * 250 + ".example"}, "Field cannot be longer than 253 characters"),
        ({"domain": "gmail.com"}, "gmail.com is a public email service"),
        ({"domain": "Outlook.com."}, "outlook.com is a public email service"),
        ({"domain": "hotmail.com"}, "Enter a domain your firm owns"),
        ({"domain": "yahoo.com"}, "yahoo.com is a public email service"),
        ({"domain": "icloud.com"}, "icloud.com is a public email service"),
        ({"domain": "mail.gmail.com"}, "mail.gmail.com is a public email service"),
        ({"display_name": "Smith\r\nBcc: x@evil.example"}, "cannot contain line breaks"),
        ({"local_part": "no reply"}, "Use letters, digits, dots or hyphens"),
        ({"reply_to": "not-an-address"}, "That email address is not valid"),
    ],
)
def test_bad_input_is_refused(app, firm, tenant, add_domain, fields, message):
    response = add_domain(**fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert domain_row(tenant.id) is None


@pytest.mark.parametrize("domain", ["notgmail.com", "gmail.com.smithcpa.example"])
def test_a_domain_that_merely_resembles_a_public_one_is_accepted(
    app, firm, tenant, add_domain, domain
):
    assert add_domain(domain=domain).status_code == 302
    assert domain_row(tenant.id).domain == domain


def test_domain_verified_by_another_tenant_is_refused(app, firm, tenant, make_tenant, add_domain):
    other = make_tenant()
    row = create_domain(other.id, DOMAIN, "mail", "Other", "")
    row.status = "verified"
    db.session.commit()
    response = add_domain()
    assert "already verified by another firm" in response.get_data(as_text=True)
    assert domain_row(tenant.id) is None


def test_pending_claims_by_others_do_not_block(app, firm, tenant, make_tenant, add_domain):
    other = make_tenant()
    create_domain(other.id, DOMAIN, "mail", "Other", "")
    db.session.commit()
    assert add_domain().status_code == 302


def test_verify_now_cooldown_history_and_removal(app, firm, tenant, dns, add_domain):
    add_domain()
    row = domain_row(tenant.id)
    publish(dns, row, app)
    verify = "/admin/settings/email-domain/verify"
    first = firm.submit("/admin/settings/email-domain/", {}, action=verify)
    assert first.status_code == 302
    second = firm.submit("/admin/settings/email-domain/", {}, action=verify, follow_redirects=True)
    assert "you can check again in" in second.get_data(as_text=True)
    page = firm.get("/admin/settings/email-domain/").get_data(as_text=True)
    assert page.count("<td>manual</td>") == 1

    removed = firm.submit(
        "/admin/settings/email-domain/", {}, action="/admin/settings/email-domain/remove"
    )
    assert removed.status_code == 302
    assert domain_row(tenant.id) is None
    assert db.session.query(MailDomain).count() == 0
    assert "Add domain" in firm.get("/admin/settings/email-domain/").get_data(as_text=True)


def test_private_key_is_encrypted_at_rest(app, firm, tenant, add_domain):
    add_domain()
    row = domain_row(tenant.id)
    assert "PRIVATE KEY" not in row.private_key_encrypted
    assert b"BEGIN PRIVATE KEY" in decrypt_private_key(app.config, row.private_key_encrypted)
