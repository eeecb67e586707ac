"""Many due checks go to RQ in batches (one forked work horse per job costs ~0.5 s cold), and a
batch checks each domain as the single-domain job would, even when one of them fails."""

from __future__ import annotations

from datetime import timedelta

import jobs.web_domains
from jobs.web_domains import check_web_domains, sweep_web_domains
from portal.core.database import utcnow
from portal.core.extensions import db
from tenants.models import Domain, DomainStatus
from tests.domains.conftest import publish

HOSTS = ("portal.one.example", "portal.two.example", "portal.three.example")


def due_domains(claim, dns) -> list[Domain]:  # type: ignore[no-untyped-def]
    domains = [claim(host) for host in HOSTS]
    for domain in domains:
        publish(dns, domain)
        domain.next_check_at = utcnow() - timedelta(seconds=5)
    db.session.commit()
    return domains


def test_the_sweep_queues_due_checks_in_batches(redis_app, claim, dns, monkeypatch):  # type: ignore[no-untyped-def]
    domains = due_domains(claim, dns)
    monkeypatch.setattr(jobs.web_domains, "CHECKS_PER_JOB", 2)
    assert sweep_web_domains() == 3
    queued = redis_app.extensions["foyer.queue"].get_jobs()
    names = sorted(job.func_name.rpartition(".")[2] for job in queued)
    assert names == ["check_web_domain", "check_web_domains"]  # a batch of 2, then the third
    batch = next(job for job in queued if job.func_name.endswith("check_web_domains"))
    assert [row[1] for row in batch.args[0]] == [domain.id for domain in domains[:2]]


def test_a_batch_verifies_each_domain_and_survives_one_failing(claim, dns, monkeypatch):  # type: ignore[no-untyped-def]
    domains = due_domains(claim, dns)
    planned = [(d.tenant_id, d.id, d.next_check_at.isoformat()) for d in domains]
    real = jobs.web_domains.check_web_domain

    def flaky(tenant_id: int, domain_id: int, due: str) -> str:
        if domain_id == domains[1].id:
            raise RuntimeError("lost the database")
        return real(tenant_id, domain_id, due)

    monkeypatch.setattr(jobs.web_domains, "check_web_domain", flaky)
    assert check_web_domains(planned) == 3
    db.session.expire_all()
    statuses = [db.session.get(Domain, domain.id).status for domain in domains]
    assert statuses == [DomainStatus.VERIFIED, DomainStatus.PENDING, DomainStatus.VERIFIED]
