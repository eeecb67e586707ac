"""`foyer tenants delete/restore/export` and `foyer jobs failed/retry`."""

from __future__ import annotations

import io
import json
import zipfile

from rq import SimpleWorker
from rq.registry import FailedJobRegistry

from portal.core.extensions import db
from portal.operations.models import TenantLifecycle
from tenants.models import Tenant
from tests.operations.conftest import populate
from tests.operations.failing_job import MARKER, always_fails


def run(app, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(args=list(args), input=input)


def test_delete_asks_for_the_slug_then_restore(app, tenant, portal):
    result = run(app, "tenants", "delete", "acme", input="acne\n")
    assert result.exit_code != 0
    assert "Type the tenant's slug to confirm" in result.output
    result = run(app, "tenants", "delete", "acme", "--reason", "Closed", input="acme\n")
    assert result.exit_code == 0, result.output
    assert "Tenant acme is offline; it is purged after" in result.output
    db.session.expire_all()
    assert db.session.get(Tenant, tenant.id).status == "deleting"
    assert db.session.get(TenantLifecycle, tenant.id).export_key
    assert portal.get("/robots.txt").status_code == 404

    result = run(app, "tenants", "restore", "acme")
    assert result.exit_code == 0, result.output
    assert "Tenant acme is restored (active)." in result.output
    assert portal.get("/robots.txt").status_code == 200
    assert "not scheduled for deletion" in run(app, "tenants", "restore", "acme").output
    assert "No tenant with the slug" in run(app, "tenants", "delete", "nope", "--yes").output


def test_export_writes_the_archive(app, tenant, staff, tmp_path):
    populate(tenant.id, staff.id, "Acme")
    out = tmp_path / "acme.zip"
    result = run(app, "tenants", "export", "acme", "--out", str(out))
    assert result.exit_code == 0, result.output
    archive = zipfile.ZipFile(io.BytesIO(out.read_bytes()))
    accounts = json.loads(archive.read("data/client_accounts.json"))
    assert [row["name"] for row in accounts] == ["Acme Holdings"]
    assert any(name.startswith("files/tenants/") for name in archive.namelist())


def test_jobs_failed_and_retry(redis_app):
    queue = redis_app.extensions["foyer.queue"]
    job = queue.enqueue(always_fails, "cli")
    SimpleWorker([queue], connection=queue.connection).work(burst=True)
    result = run(redis_app, "jobs", "failed")
    assert result.exit_code == 0, result.output
    assert job.id in result.output and MARKER in result.output
    result = run(redis_app, "jobs", "retry", job.id)
    assert result.exit_code == 0, result.output
    assert job.id in queue.get_job_ids()
    assert job.id not in FailedJobRegistry(queue=queue).get_job_ids()
    assert "No failed job" in run(redis_app, "jobs", "retry", "nope").output


def test_jobs_failed_without_redis_says_so(app):
    result = run(app, "jobs", "failed")
    assert result.exit_code != 0
    assert "jobs run in-process" in result.output
