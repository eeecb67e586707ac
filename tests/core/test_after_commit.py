"""`after_commit`: work that reads committed data runs after the commit, once, never on rollback."""

from __future__ import annotations

from types import SimpleNamespace

from portal.core.database import after_commit
from portal.core.extensions import db
from tenants.models import Tenant

ANN = SimpleNamespace(email="ann@example.com")


def test_runs_once_after_commit_with_every_item_in_order(app):
    calls: list[tuple[object, ...]] = []

    def record(*items: object) -> None:
        calls.append(items)

    after_commit(record, 1)
    after_commit(record, 2, 1)  # repeats are dropped
    assert calls == [], "nothing runs before the commit"
    db.session.commit()
    assert calls == [(1, 2)]
    db.session.commit()
    assert calls == [(1, 2)], "a later commit does not run it again"


def test_rollback_forgets_the_work(app):
    calls: list[tuple[object, ...]] = []
    after_commit(lambda *items: calls.append(items), "x")
    db.session.rollback()
    db.session.commit()
    assert calls == []


def test_rolled_back_email_is_never_delivered(app, tenant, smtp):
    from portal.mail.compose import queue_email
    from tenants.resolution import snapshot_of

    queue_email(snapshot_of(tenant), "ann@example.com", "password_changed", contact=ANN)
    db.session.rollback()
    db.session.commit()
    assert smtp.messages == []


def test_committed_email_is_delivered_after_the_commit(app, tenant, smtp):
    from portal.mail.compose import queue_email
    from tenants.resolution import snapshot_of

    queue_email(snapshot_of(tenant), "ann@example.com", "password_changed", contact=ANN)
    assert smtp.messages == []
    db.session.commit()  # embedded mode, no request: the delivery job runs at once
    assert [m["To"] for m in smtp.messages] == ["ann@example.com"]


def test_tenant_changes_invalidate_the_tenant_cache_by_themselves(app, tenant, portal):
    assert portal.get("/robots.txt").status_code == 200
    row = db.session.get(Tenant, tenant.id)
    row.status = "suspended"
    db.session.commit()  # no forget_tenants() call: the after-commit hook does it
    assert portal.get("/robots.txt").status_code == 404
