"""Security events are kept in the audit log and written as structured log lines (issue #11.6):
failed and successful sign-ins, lockouts, misused links and cross-tenant cookie replays; never a
password or a token."""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.audit.service import events_for
from portal.auth.staff import provision_tenant
from portal.core.extensions import db
from tenants.resolution import forget_tenants
from tests.auth.conftest import CLIENT_EMAIL
from tests.fixtures.people import CLIENT_PASSWORD, invite_link_in, tenant_host
from tests.fixtures.smtp import text_of
from tests.fixtures.tenants import OPERATOR_PASSWORD, PLATFORM_DOMAIN, STAFF_PASSWORD

WRONG = "not my password 1234"
STAFF_LINK = re.compile(r"https://[a-z0-9.-]+/admin/invitation/[A-Za-z0-9_-]+")


def events(event: str | None = None) -> list[AuditEvent]:
    db.session.expire_all()
    query = select(AuditEvent).order_by(AuditEvent.id)
    if event is not None:
        query = query.where(AuditEvent.event == event)
    return list(db.session.scalars(query))


def audit_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "foyer.audit"]


def assert_secret_free(caplog: pytest.LogCaptureFixture, *secrets: str) -> None:
    """No password or token in any stored column or in any log line."""
    stored = [
        " ".join(str(value) for value in (e.event, e.outcome, e.principal_kind, e.ip, e.detail))
        for e in events()
    ]
    logged = [record.getMessage() for record in caplog.records]
    for secret in secrets:
        assert not [text for text in stored + logged if secret in text], secret


@pytest.fixture(autouse=True)
def _capture_audit(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="foyer.audit")


def test_failed_staff_sign_in_is_recorded_without_the_password(
    client_for: Any, tenant: Any, staff: Any, caplog: pytest.LogCaptureFixture
) -> None:
    client = client_for(tenant_host(tenant))
    response = client.submit("/admin/sign-in", {"email": staff.email, "password": WRONG})
    assert response.status_code == 422
    [event] = events("signin")
    assert (event.tenant_id, event.outcome) == (tenant.id, "failure")
    assert (event.principal_kind, event.principal_id) == ("staff", staff.id)
    assert event.ip == "127.0.0.1" and event.detail == "wrong password"
    [line] = audit_lines(caplog)
    assert line.startswith("event=signin outcome=failure ")
    assert f"tenant={tenant.id} principal_kind=staff principal_id={staff.id} ip=127.0.0.1" in line
    assert_secret_free(caplog, WRONG)


def test_unknown_address_and_success_are_recorded(
    client_for: Any, tenant: Any, staff: Any, caplog: pytest.LogCaptureFixture
) -> None:
    client = client_for(tenant_host(tenant))
    client.submit("/admin/sign-in", {"email": "nobody@acme.example", "password": WRONG})
    client.submit("/admin/sign-in", {"email": staff.email, "password": STAFF_PASSWORD})
    failed, succeeded = events("signin")
    assert (failed.outcome, failed.principal_id, failed.detail) == (
        "failure",
        None,
        "no such account",
    )
    assert (succeeded.outcome, succeeded.principal_id) == ("success", staff.id)
    assert [e.id for e in db.session.scalars(events_for(tenant.id))] == [succeeded.id, failed.id]
    assert_secret_free(caplog, WRONG, STAFF_PASSWORD)


def test_operator_sign_in_on_the_platform_host_is_logged_only(
    platform: Any, make_operator: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Platform-host events belong to no tenant: a log line, no row."""
    operator = make_operator()
    platform.submit("/operator/sign-in", {"email": operator.email, "password": WRONG})
    assert events() == []
    [line] = audit_lines(caplog)
    assert line.startswith("event=signin outcome=failure tenant=- principal_kind=operator ")
    assert f"principal_id={operator.id} ip=127.0.0.1" in line
    assert_secret_free(caplog, WRONG, OPERATOR_PASSWORD)


def test_a_lockout_is_recorded(
    client_for: Any, tenant: Any, staff: Any, caplog: pytest.LogCaptureFixture
) -> None:
    client = client_for(tenant_host(tenant))
    for _ in range(20):
        client.submit("/admin/sign-in", {"email": staff.email, "password": WRONG})
    locked = client.submit("/admin/sign-in", {"email": staff.email, "password": STAFF_PASSWORD})
    assert locked.status_code == 429
    [event] = events("signin.locked")
    assert (event.tenant_id, event.outcome, event.principal_kind) == (tenant.id, "blocked", "staff")
    assert event.detail == "signin-account limit 20/15 minutes"
    assert any(
        line.startswith("event=signin.locked outcome=blocked") for line in audit_lines(caplog)
    )
    assert len(events("signin")) == 20  # the locked attempt never reached the password check
    assert_secret_free(caplog, WRONG, STAFF_PASSWORD)


def test_a_used_invitation_link_is_recorded_without_the_token(
    create_client: Any, smtp: Any, accept_invitation: Any, caplog: pytest.LogCaptureFixture
) -> None:
    create_client(CLIENT_EMAIL)
    link = invite_link_in(text_of(smtp.wait_for(1, to=CLIENT_EMAIL)[-1]))
    client = accept_invitation(link)
    token = link.rsplit("/", 1)[1]
    [accepted] = events("invitation.accepted")
    assert (accepted.outcome, accepted.principal_kind) == ("success", "client")
    again = client.get(urlsplit(link).path)
    assert again.status_code == 410
    [event] = events("invitation.used")
    assert event.principal_id == accepted.principal_id
    assert (event.outcome, event.principal_kind) == ("refused", "client")
    assert event.principal_id is not None
    assert any(
        line.startswith("event=invitation.used outcome=refused") for line in audit_lines(caplog)
    )
    assert_secret_free(caplog, token, CLIENT_PASSWORD)


def test_unknown_reset_and_staff_invitation_links_are_recorded(
    client_for: Any, tenant: Any, caplog: pytest.LogCaptureFixture
) -> None:
    client = client_for(tenant_host(tenant))
    forged = "A" * 43
    assert client.get(f"/reset-password/{forged}").status_code == 404
    assert client.get(f"/admin/invitation/{forged}").status_code == 404
    assert client.get(f"/invite/{forged}").status_code == 404
    kinds = [e.event for e in events()]
    assert kinds == ["reset.invalid", "staff_invitation.invalid", "invitation.invalid"]
    assert all(e.tenant_id == tenant.id and e.outcome == "refused" for e in events())
    assert_secret_free(caplog, forged)


def session_cookie(response: Any) -> tuple[str, str]:
    for header in response.headers.getlist("Set-Cookie"):
        name, _, rest = header.partition("=")
        if name in ("__Host-foyer", "foyer"):
            return name, rest.partition(";")[0]
    raise AssertionError("no session cookie set")


def test_a_session_replayed_on_another_tenants_host_is_anonymous_and_recorded(
    client_for: Any, tenant: Any, staff: Any, make_tenant: Any, caplog: pytest.LogCaptureFixture
) -> None:
    other = make_tenant(slug="birch", name="Birch Bookkeeping")
    own = client_for(tenant_host(tenant))
    signed_in = own.submit("/admin/sign-in", {"email": staff.email, "password": STAFF_PASSWORD})
    assert signed_in.status_code == 302
    name, value = session_cookie(signed_in)
    attacker = client_for(tenant_host(other))
    attacker.set_cookie(name, value, domain=tenant_host(other), secure=True)
    response = attacker.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/sign-in")
    [event] = events("session.cross_tenant")
    assert (event.tenant_id, event.principal_kind, event.principal_id) == (
        other.id,
        "staff",
        staff.id,
    )
    assert event.outcome == "refused" and event.detail == f"of tenant {tenant.id}"
    [line] = [line for line in audit_lines(caplog) if "session.cross_tenant" in line]
    assert f"tenant={other.id} principal_kind=staff principal_id={staff.id}" in line
    # The cookie no longer names a principal on that host: recorded once, not on every page.
    attacker.get("/admin/")
    assert len(events("session.cross_tenant")) == 1
    assert own.get("/admin/").status_code == 200  # the real session is untouched
    assert_secret_free(caplog, STAFF_PASSWORD, value)


def test_a_client_cookie_on_the_platform_host_is_recorded(
    client_for: Any, tenant: Any, active_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    active_client()
    client = client_for(tenant_host(tenant))
    signed_in = client.submit("/sign-in", {"email": CLIENT_EMAIL, "password": CLIENT_PASSWORD})
    name, value = session_cookie(signed_in)
    platform = client_for(PLATFORM_DOMAIN)
    platform.set_cookie(name, value, domain=PLATFORM_DOMAIN, secure=True)
    assert platform.get("/operator/").status_code == 302  # anonymous: sent to sign in
    assert events("session.wrong_host") == []  # no tenant on the platform host: logged only
    [line] = [line for line in audit_lines(caplog) if "session.wrong_host" in line]
    assert line.startswith(
        "event=session.wrong_host outcome=refused tenant=- principal_kind=client"
    )


def test_a_staff_invitation_accepted_then_replayed_is_recorded(
    app: Any, smtp: Any, client_for: Any, caplog: pytest.LogCaptureFixture
) -> None:
    provision_tenant("acme", "Acme Accounting", "owner@acme.example")
    db.session.commit()
    forget_tenants()
    link = STAFF_LINK.search(text_of(smtp.wait_for(1, to="owner@acme.example")[0]))
    assert link
    parts = urlsplit(link.group(0))
    client = client_for(parts.hostname)
    data = {"password": STAFF_PASSWORD, "confirm": STAFF_PASSWORD}
    assert client.submit(parts.path, data).status_code == 302
    assert client_for(parts.hostname).get(parts.path).status_code == 404
    accepted, replayed = events()[-2:]
    assert (accepted.event, accepted.outcome) == ("staff_invitation.accepted", "success")
    assert (replayed.event, replayed.outcome) == ("staff_invitation.invalid", "refused")
    assert accepted.principal_kind == "staff" and accepted.principal_id is not None
    assert_secret_free(caplog, parts.path.rsplit("/", 1)[1], STAFF_PASSWORD)
