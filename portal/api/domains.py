"""Custom web domains (`tenants.webdomains`) and the email sending domain
(`portal.maildomains`): their DNS records, status, and checks on demand."""

from __future__ import annotations

from typing import Any

from flask import current_app

from jobs.queue import enqueue
from portal.api import firm_schemas as schemas
from portal.api.auth import parse_body
from portal.api.errors import ApiError
from portal.api.routing import operation, tenant
from portal.core.dns import DnsRecord
from portal.core.extensions import db
from portal.core.ratelimit import hit
from portal.maildomains import records as mail_records
from portal.maildomains import service as mail
from portal.maildomains.models import MailDomain
from tenants.models import Domain
from tenants.scoping import get_owned
from tenants.webdomains import records as web_records
from tenants.webdomains import service as web

CHECKS_PER_TENANT = "30/hour"  # as on the Domains settings page
RECORD_KINDS = ("ownership", "dkim", "spf", "dmarc", "return_path")


def _records(records: list[DnsRecord]) -> list[schemas.DnsRecord]:
    return [
        schemas.DnsRecord(type=r.type, name=r.name, value=r.value, purpose=r.purpose)
        for r in records
    ]


def domain_json(domain: Domain) -> dict[str, Any]:
    return schemas.Domain(
        id=domain.id,
        host=domain.host,
        status=domain.status,
        verified_at=domain.verified_at,
        last_checked_at=domain.last_checked_at,
        check_error=domain.check_error,
        records=_records(web_records.records_for(domain, current_app.config)),
    ).model_dump(mode="json")


def _domain(domain_id: int) -> Domain:
    domain = get_owned(Domain, tenant(), domain_id)
    if domain is None:
        raise ApiError(404, "No such domain.")
    return domain


def _too_many_checks() -> None:
    if hit(CHECKS_PER_TENANT, "domain-check", tenant().id) is not None:
        db.session.rollback()
        raise ApiError(429, "Too many DNS checks this hour; checks continue in the background.")


@operation("get", "/domains", "List custom web domains", schemas.DomainList, tag="domains")
def list_domains() -> Any:
    return {"data": [domain_json(d) for d in web.tenant_domains(tenant())]}


@operation(
    "post",
    "/domains",
    "Add a custom web domain (then publish its DNS records)",
    schemas.Domain,
    body=schemas.DomainCreate,
    status=201,
    tag="domains",
)
def add_domain() -> Any:
    data = parse_body(schemas.DomainCreate)
    domain = web.claim_domain(tenant(), data.host)
    db.session.commit()
    enqueue("check_web_domain", domain.tenant_id, domain.id)
    return domain_json(domain), 201


@operation("get", "/domains/<int:domain_id>", "One custom domain", schemas.Domain, tag="domains")
def get_domain(domain_id: int) -> Any:
    return domain_json(_domain(domain_id))


@operation(
    "post",
    "/domains/<int:domain_id>/check",
    "Check a domain's DNS records now (the status changes when the check ends)",
    schemas.CheckQueued,
    status=202,
    tag="domains",
)
def check_domain(domain_id: int) -> Any:
    domain = _domain(domain_id)
    wait = web.request_manual_check(domain)
    if wait:
        db.session.rollback()
        return {"queued": False, "retry_after": wait}, 202
    _too_many_checks()
    tenant_id = domain.tenant_id
    db.session.commit()
    enqueue("check_web_domain", tenant_id, domain_id)
    return {"queued": True, "retry_after": 0}, 202


@operation(
    "delete",
    "/domains/<int:domain_id>",
    "Remove a custom domain (it stops serving the portal at once)",
    None,
    status=204,
    tag="domains",
)
def remove_domain(domain_id: int) -> Any:
    web.remove_domain(_domain(domain_id))
    db.session.commit()
    return "", 204


def mail_domain_json(row: MailDomain) -> dict[str, Any]:
    return schemas.MailDomain(
        domain=row.domain,
        local_part=row.local_part,
        display_name=row.display_name,
        reply_to=row.reply_to,
        status=row.status,
        record_status={kind: getattr(row, f"{kind}_status") for kind in RECORD_KINDS},
        verified_at=row.verified_at,
        last_checked_at=row.last_checked_at,
        records=_records(mail_records.records_for(row, current_app.config)),
    ).model_dump(mode="json")


def _mail_domain() -> MailDomain:
    row = mail.tenant_domain(tenant())
    if row is None:
        raise ApiError(404, "No email sending domain is set.")
    return row


@operation(
    "get",
    "/email-domain",
    "The email sending domain: status and DNS records",
    schemas.MailDomain,
    tag="email-domain",
)
def get_mail_domain() -> Any:
    return mail_domain_json(_mail_domain())


@operation(
    "put",
    "/email-domain",
    "Set the email sending domain (remove the current one first)",
    schemas.MailDomain,
    body=schemas.MailDomainSet,
    status=201,
    tag="email-domain",
)
def set_mail_domain() -> Any:
    data = parse_body(schemas.MailDomainSet)
    row = mail.add_domain(tenant(), data.domain, data.local_part, data.display_name, data.reply_to)
    db.session.commit()
    return mail_domain_json(row), 201


@operation(
    "post",
    "/email-domain/check",
    "Check the email domain's DNS records now",
    schemas.CheckQueued,
    status=202,
    tag="email-domain",
)
def check_mail_domain() -> Any:
    row = _mail_domain()
    wait = mail.manual_check_wait(row)
    if wait:
        return {"queued": False, "retry_after": wait}, 202
    tenant_id, mail_domain_id = row.tenant_id, row.id
    db.session.rollback()  # the check runs and commits in a session of its own
    enqueue(
        "check_mail_domain", tenant_id, mail_domain_id, job_id=f"foyer-maildomain-{mail_domain_id}"
    )
    return {"queued": True, "retry_after": 0}, 202


@operation(
    "delete",
    "/email-domain",
    "Remove the email sending domain (mail goes out from the platform address)",
    None,
    status=204,
    tag="email-domain",
)
def remove_mail_domain() -> Any:
    if not mail.remove_domain(tenant()):
        raise ApiError(404, "No email sending domain is set.")
    db.session.commit()
    return "", 204
