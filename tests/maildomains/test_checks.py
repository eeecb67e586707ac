"""Each record checked separately against a real DNS server on loopback."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from jobs.mail_domains import check_mail_domain
from portal.maildomains.keys import generate_key_pair
from portal.maildomains.records import dkim_value
from tests.maildomains.conftest import DOMAIN, PLATFORM_SPF, domain_row, publish


def test_all_records_correct_verifies_the_domain(app, firm, tenant, dns, add_domain):
    response = add_domain()
    assert response.status_code == 302
    row = domain_row(tenant.id)
    page = firm.get("/admin/settings/email-domain/").get_data(as_text=True)
    assert f"_foyer-verify.{DOMAIN}" in page and f"{row.selector}._domainkey.{DOMAIN}" in page
    assert f"v=spf1 include:{PLATFORM_SPF} ~all" in page
    assert "v=DMARC1; p=none" in page
    assert 'data-copy-target="value-dkim"' in page and "copy.js" in page
    assert len(row.ownership_token) * 4 >= 128

    publish(dns, row, app)
    verified = firm.submit(
        "/admin/settings/email-domain/", {}, action="/admin/settings/email-domain/verify"
    )
    assert verified.status_code == 302
    row = domain_row(tenant.id)
    assert row.status == "verified"
    assert [row.ownership_status, row.dkim_status, row.spf_status, row.dmarc_status] == ["ok"] * 4
    page = firm.get("/admin/settings/email-domain/").get_data(as_text=True)
    assert "All records are in place" in page
    assert "Check history" in page and "manual" in page


def _wrong_key() -> str:
    return dkim_value(generate_key_pair()[1])


def _weak_key() -> str:
    """A 512-bit RSA public key (cryptography no longer generates one; the modulus is made up)."""
    modulus = (1 << 511) | 0xF00D_F00D_F00D_F00D
    public = rsa.RSAPublicNumbers(65537, modulus).public_key()
    der = public.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return dkim_value(base64.b64encode(der).decode("ascii"))


BREAKAGES = {
    "ownership-missing": ("ownership", None, "missing", "No TXT record at _foyer-verify"),
    "ownership-wrong": ("ownership", "foyer-verify=nope", "invalid", "does not hold the value"),
    "dkim-missing": ("dkim", None, "missing", "No DKIM record"),
    "dkim-wrong-key": ("dkim", "WRONG_KEY", "invalid", "does not match the key"),
    "dkim-weak-key": (
        "dkim",
        "WEAK_KEY",
        "invalid",
        "too weak (512 bits; at least 1024 bits, 2048 recommended)",
    ),
    "dkim-revoked": ("dkim", "v=DKIM1; k=rsa; p=", "invalid", "revoked"),
    "spf-missing": ("spf", None, "missing", "No SPF record"),
    "spf-without-us": (
        "spf",
        "v=spf1 mx -all",
        "invalid",
        f"does not include include:{PLATFORM_SPF}",
    ),
    "dmarc-missing": ("dmarc", None, "missing", "No DMARC record"),
    "dmarc-malformed": ("dmarc", "v=DMARC1; p=sometimes", "invalid", "malformed"),
}


@pytest.mark.parametrize("case", list(BREAKAGES), ids=list(BREAKAGES))
def test_each_record_missing_or_wrong(app, firm, tenant, dns, add_domain, case):
    key, value, status, reason = BREAKAGES[case]
    add_domain()
    row = domain_row(tenant.id)
    publish(dns, row, app, skip=(key,))
    if value is not None:
        name = {
            "ownership": f"_foyer-verify.{DOMAIN}",
            "dkim": f"{row.selector}._domainkey.{DOMAIN}",
            "spf": DOMAIN,
            "dmarc": f"_dmarc.{DOMAIN}",
        }[key]
        made = {"WRONG_KEY": _wrong_key, "WEAK_KEY": _weak_key}.get(value)
        dns.add(name, "TXT", made() if made else value)

    assert check_mail_domain(tenant.id, row.id) == "pending"
    row = domain_row(tenant.id)
    assert getattr(row, f"{key}_status") == status
    assert reason in getattr(row, f"{key}_reason")
    others = {"ownership", "dkim", "spf", "dmarc"} - {key}
    assert all(getattr(row, f"{other}_status") == "ok" for other in others)
    page = firm.get("/admin/settings/email-domain/").get_data(as_text=True)
    assert reason.split(" at ")[0] in page


def test_two_spf_records_are_invalid(app, firm, tenant, dns, add_domain):
    add_domain()
    row = domain_row(tenant.id)
    publish(dns, row, app)
    dns.add(DOMAIN, "TXT", "v=spf1 mx -all")
    check_mail_domain(tenant.id, row.id)
    row = domain_row(tenant.id)
    assert row.spf_status == "invalid" and "There are 2 SPF records" in row.spf_reason
    assert row.status == "pending"


def test_dmarc_reject_without_dkim_is_invalid(app, firm, tenant, dns, add_domain):
    add_domain()
    row = domain_row(tenant.id)
    publish(dns, row, app, skip=("dkim", "dmarc"))
    dns.add(f"_dmarc.{DOMAIN}", "TXT", "v=DMARC1; p=reject")
    check_mail_domain(tenant.id, row.id)
    row = domain_row(tenant.id)
    assert row.dmarc_status == "invalid" and "p=reject" in row.dmarc_reason


def test_spf_is_merged_with_the_existing_record(app, firm, tenant, dns, add_domain):
    add_domain()
    row = domain_row(tenant.id)
    dns.add("_spf.mailhost.test", "TXT", "v=spf1 ip4:198.51.100.0/24 -all")
    dns.add(DOMAIN, "TXT", "v=spf1 mx include:_spf.mailhost.test -all")
    dns.add(DOMAIN, "MX", f"10 mail.{DOMAIN}.")
    dns.add(f"mail.{DOMAIN}", "A", "198.51.100.7")
    check_mail_domain(tenant.id, row.id)
    row = domain_row(tenant.id)
    assert row.spf_status == "invalid" and "does not include" in row.spf_reason
    merged = f"v=spf1 mx include:_spf.mailhost.test include:{PLATFORM_SPF} -all"
    page = firm.get("/admin/settings/email-domain/").get_data(as_text=True)
    assert f'value="{merged}"' in page
    assert "Replaces your current SPF record" in page

    dns.remove(DOMAIN, "TXT")
    publish(dns, row, app, skip=("spf",))
    dns.add(DOMAIN, "TXT", merged)
    assert check_mail_domain(tenant.id, row.id) == "verified"


def test_too_many_spf_lookups(app, firm, tenant, dns, add_domain):
    add_domain()
    row = domain_row(tenant.id)
    publish(dns, row, app, skip=("spf",))
    includes = []
    for number in range(10):
        dns.add(f"_spf{number}.vendor.test", "TXT", f"v=spf1 ip4:203.0.113.{number} -all")
        includes.append(f"include:_spf{number}.vendor.test")
    dns.add(DOMAIN, "TXT", f"v=spf1 {' '.join(includes)} include:{PLATFORM_SPF} -all")
    check_mail_domain(tenant.id, row.id)
    row = domain_row(tenant.id)
    assert row.spf_status == "invalid"
    assert "DNS lookups; receivers stop at 10" in row.spf_reason


@pytest.mark.parametrize("failure", ["servfail", "timeout"])
def test_servfail_and_timeout_are_temporary(app, firm, tenant, dns, add_domain, smtp, failure):
    add_domain()
    row = domain_row(tenant.id)
    publish(dns, row, app)
    assert check_mail_domain(tenant.id, row.id) == "verified"

    getattr(dns, failure)(DOMAIN)
    getattr(dns, failure)(f"{row.selector}._domainkey.{DOMAIN}")
    assert check_mail_domain(tenant.id, row.id) == "verified", "never reported as a failure"
    row = domain_row(tenant.id)
    assert row.spf_status == "temporary" and row.dkim_status == "temporary"
    assert "did not answer" in row.spf_reason
    assert row.dmarc_status == "ok"
    assert smtp.messages == [], "nobody is told about a flaky resolver"


def test_temporary_keeps_a_pending_domain_pending(app, firm, tenant, dns, add_domain):
    add_domain()
    row = domain_row(tenant.id)
    dns.servfail(f"_foyer-verify.{DOMAIN}")
    assert check_mail_domain(tenant.id, row.id) == "pending"
    assert domain_row(tenant.id).ownership_status == "temporary"


def test_check_is_tenant_scoped_and_idempotent(app, firm, tenant, dns, add_domain, make_tenant):
    add_domain()
    row = domain_row(tenant.id)
    other = make_tenant()
    assert check_mail_domain(other.id, row.id) == "gone"
    publish(dns, row, app)
    assert check_mail_domain(tenant.id, row.id) == "verified"
    assert check_mail_domain(tenant.id, row.id) == "verified"
    assert check_mail_domain(tenant.id, row.id, "1999-01-01T00:00:00") == "superseded"
