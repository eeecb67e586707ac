"""Flag contacts whose email domain cannot receive mail (no MX, no address, or a null MX)."""

from __future__ import annotations

import enum
import logging

import dns.name
import dns.resolver
from dns.rdtypes.ANY.MX import MX
from flask import current_app
from sqlalchemy import select, update

from jobs.context import job
from portal.clients.models import Contact
from portal.core.dns import Lookup, lookup, make_resolver
from portal.core.extensions import db

log = logging.getLogger(__name__)
NO_MAIL_SERVER = "No mail server for {domain}"


class MailDomain(enum.StrEnum):
    ACCEPTS_MAIL = "accepts_mail"
    NO_MAIL = "no_mail"
    UNKNOWN = "unknown"  # DNS did not answer; never reported as a problem


def mail_domain_status(resolver: dns.resolver.Resolver, domain: str) -> MailDomain:
    """RFC 5321 5.1: the MX records, or else the domain's own address (implicit MX);
    RFC 7505: a lone `MX 0 .` says the domain accepts no mail."""
    mx = lookup(resolver, domain, "MX")
    if mx.temporary:
        return MailDomain.UNKNOWN
    if mx.found:
        exchanges = [record.exchange for record in mx.of_type(MX)]
        real = any(exchange != dns.name.root for exchange in exchanges)
        return MailDomain.ACCEPTS_MAIL if real else MailDomain.NO_MAIL
    if mx.nxdomain:
        return MailDomain.NO_MAIL
    addresses: list[Lookup] = []
    for rdtype in ("A", "AAAA"):
        addresses.append(lookup(resolver, domain, rdtype))
        if addresses[-1].found:
            return MailDomain.ACCEPTS_MAIL
    if any(result.temporary for result in addresses):
        return MailDomain.UNKNOWN
    return MailDomain.NO_MAIL


@job
def check_contact_email(tenant_id: int, contact_id: int) -> str:
    """Set or clear the contact's 'No mail server' flag; idempotent, safe to run late."""
    email = db.session.scalar(
        select(Contact.email).where(Contact.tenant_id == tenant_id, Contact.id == contact_id)
    )
    db.session.rollback()  # hold no transaction open while waiting for DNS
    if email is None:
        return "gone"
    domain = email.rpartition("@")[2]
    try:
        status = mail_domain_status(make_resolver(current_app.config), domain)
    except dns.resolver.NoResolverConfiguration:
        log.warning("email check for contact %s skipped: no DNS resolver configured", contact_id)
        return MailDomain.UNKNOWN.value
    if status is MailDomain.UNKNOWN:
        log.info("email check for contact %s: DNS for %s did not answer", contact_id, domain)
        return status.value
    flag = NO_MAIL_SERVER.format(domain=domain)
    statement = update(Contact).where(
        Contact.tenant_id == tenant_id,
        Contact.id == contact_id,
        Contact.email == email,  # the address may have changed while we were waiting for DNS
    )
    if status is MailDomain.NO_MAIL:
        statement = statement.values(email_problem=flag)
    else:  # clear only our own flag, never a problem recorded for another reason
        statement = statement.where(
            Contact.email_problem.like(NO_MAIL_SERVER.format(domain="%"))
        ).values(email_problem=None)
    db.session.execute(statement.execution_options(synchronize_session=False))
    db.session.commit()
    return status.value
