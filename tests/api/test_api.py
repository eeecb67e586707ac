"""The REST API: token auth, scopes, JSON errors, tenant scoping, cursors, idempotency and
rate-limit headers, each through what an API client sees."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask import Flask

from portal.api.auth import OPERATOR_ENDPOINTS
from portal.auth.api_tokens import ApiToken, create_token
from portal.core.database import utcnow
from portal.core.extensions import db
from tests.api.conftest import Api
from tests.api.probe_data import api_world
from tests.fixtures.tenants import PLATFORM_DOMAIN


def _error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    return body["error"]  # type: ignore[no-any-return]


def test_create_read_and_update_a_client_account(api: Api) -> None:
    created = api.post("/clients", {"name": "Baker Family", "kind": "household"})
    assert created.status_code == 201
    account = created.get_json()
    assert account["name"] == "Baker Family" and account["kind"] == "household"
    assert api.get(f"/clients/{account['id']}").get_json()["name"] == "Baker Family"
    updated = api.call("patch", f"/clients/{account['id']}", {"phone": "555-0100"})
    assert updated.get_json()["phone"] == "555-0100"
    contact = api.post(
        f"/clients/{account['id']}/contacts", {"email": "Ann@Example.com", "name": "Ann"}
    ).get_json()
    assert contact["email"] == "ann@example.com" and contact["login_enabled"] is False
    access = api.call(
        "put",
        f"/clients/{account['id']}/contacts/{contact['id']}/access",
        {"login_enabled": True},
    )
    assert access.get_json()["login_enabled"] is True
    listed = api.get(f"/clients/{account['id']}/contacts").get_json()
    assert [c["email"] for c in listed["data"]] == ["ann@example.com"]


def test_validation_errors_name_the_field(api: Api) -> None:
    error = _error(api.post("/clients", {"name": ""}), 422, "validation_error")
    assert "name" in error["fields"]
    _error(api.post("/clients", {"name": "X", "colour": "red"}), 422, "validation_error")
    bad = api.client.post(
        "/api/v1/clients",
        data="not json",
        headers={"Authorization": f"Bearer {api.token}", "Content-Type": "application/json"},
    )
    _error(bad, 422, "validation_error")


def test_missing_revoked_expired_tokens_and_cookies_are_refused(
    app: Flask, api_for: Any, tenant: Any, firm: Any
) -> None:
    _error(api_for(tenant, token=None).get("/clients"), 401, "unauthorized")
    _error(api_for(tenant, token="foy_nonsense").get("/clients"), 401, "unauthorized")
    revoked, raw = create_token(tenant.id, "old", write=True)
    revoked.revoked_at = utcnow()
    expired, raw_expired = create_token(tenant.id, "expired", write=True)
    expired.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    _error(api_for(tenant, token=raw).get("/clients"), 401, "unauthorized")
    _error(api_for(tenant, token=raw_expired).get("/clients"), 401, "unauthorized")
    # the signed-in staff member's session cookie is no API credential
    _error(firm.get("/api/v1/clients"), 401, "unauthorized")
    _error(firm.post("/api/v1/clients", json={"name": "X"}), 401, "unauthorized")


def test_a_token_records_its_last_use_and_is_stored_hashed(api: Api, tenant: Any) -> None:
    assert api.get("/clients").status_code == 200
    token = db.session.query(ApiToken).filter_by(tenant_id=tenant.id).one()
    assert token.last_used_at is not None
    assert api.token not in token.token_hash and len(token.token_hash) == 64


def test_a_read_token_cannot_write(api_for: Any, tenant: Any) -> None:
    reader = api_for(tenant, write=False)
    assert reader.get("/clients").status_code == 200
    _error(reader.post("/clients", {"name": "X"}), 403, "insufficient_scope")


def test_unknown_paths_and_methods_answer_json(api: Api) -> None:
    _error(api.get("/nothing-here"), 404, "not_found")
    _error(api.call("delete", "/clients"), 405, "method_not_allowed")
    _error(api.get("/clients/999999"), 404, "not_found")
    _error(api.get("/clients/99999999999999"), 404, "not_found")  # beyond a 32-bit id


def test_every_api_route_refuses_another_tenants_ids(
    app: Flask, api_for: Any, make_tenant: Any, make_staff: Any, tenant: Any
) -> None:
    """A firm token of tenant A on every firm route with tenant B's ids: 404 (or 422 when the
    body is checked first), and B's markers never appear."""
    mine = api_for(tenant)
    own = api_world(tenant.id, make_staff(tenant, "a@alpha.example").id, "Alpha")
    other = make_tenant(slug="other", name="Other LLP")
    theirs = api_world(other.id, make_staff(other, "b@other.example").id, "Bmarker")
    db.session.commit()
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api.") or not rule.arguments:
            continue
        if rule.endpoint in OPERATOR_ENDPOINTS:
            continue  # tested on the platform host below
        for swap in sorted(rule.arguments):
            path = rule.rule.removeprefix("/api/v1")
            for name in rule.arguments:
                value = "files" if name == "key" else (theirs if name == swap else own)[name]
                path = re.sub(rf"<(?:\w+:)?{name}>", str(value), path)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                response = mine.call(method, path, {})
                body = response.get_data(as_text=True)
                assert "Bmarker" not in body, (method, path)
                if "key" in rule.arguments:
                    continue  # module keys are the same for every tenant
                assert response.status_code in (404, 422), (method, path, response.status_code)
                checked += 1
    assert checked >= 20
    listed = "".join(
        mine.get(path).get_data(as_text=True)
        for path in ("/clients", "/threads", "/requests", "/signups?status=pending", "/domains")
    )
    listed += mine.get("/invoices").get_data(as_text=True)
    listed += mine.get(f"/threads?account_id={theirs['account_id']}").get_data(as_text=True)
    assert "Alpha" in listed and "Bmarker" not in listed


def test_cursor_pagination_is_stable(api: Api) -> None:
    ids = [api.post("/clients", {"name": f"Client {n}"}).get_json()["id"] for n in range(7)]
    seen: list[int] = []
    page = api.get("/clients?limit=3").get_json()
    seen += [row["id"] for row in page["data"]]
    api.post("/clients", {"name": "Arrives meanwhile"})  # newer rows do not shift the pages
    while page["next_cursor"]:
        page = api.get(f"/clients?limit=3&cursor={page['next_cursor']}").get_json()
        seen += [row["id"] for row in page["data"]]
    assert seen == sorted(ids, reverse=True)
    _error(api.get("/clients?cursor=garbage!"), 422, "validation_error")
    _error(api.get("/clients?limit=1000"), 422, "validation_error")


def test_idempotency_key_replays_and_refuses_a_different_body(api: Api) -> None:
    first = api.post("/clients", {"name": "Once"}, **{"Idempotency-Key": "k-1"})
    again = api.post("/clients", {"name": "Once"}, **{"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert first.get_json() == again.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    names = [row["name"] for row in api.get("/clients").get_json()["data"]]
    assert names.count("Once") == 1
    _error(
        api.post("/clients", {"name": "Other"}, **{"Idempotency-Key": "k-1"}),
        422,
        "idempotency_key_reused",
    )


def test_rate_limit_headers_and_429(make_app: Any, make_token: Any) -> None:
    app = make_app(API_RATE_LIMIT="3/minute")
    with app.app_context():
        from tenants.models import Tenant
        from tenants.resolution import forget_tenants

        tenant = Tenant(slug="limited", name="Limited LLP")
        db.session.add(tenant)
        db.session.commit()
        forget_tenants()
        token = make_token(tenant)
        client = app.test_client(host="limited.foyer.example")  # type: ignore[call-arg]
        headers = {"Authorization": f"Bearer {token}"}
        first = client.get("/api/v1/clients", headers=headers)
        assert first.headers["RateLimit-Limit"] == "3"
        assert first.headers["RateLimit-Remaining"] == "2"
        assert int(first.headers["RateLimit-Reset"]) >= 1
        client.get("/api/v1/clients", headers=headers)
        client.get("/api/v1/clients", headers=headers)
        _error(client.get("/api/v1/clients", headers=headers), 429, "rate_limited")


def test_invitations_send_list_resend_cancel(api: Api, smtp: Any) -> None:
    account = api.post("/clients", {"name": "Invited Co"}).get_json()
    contact = api.post(
        f"/clients/{account['id']}/contacts", {"email": "inv@example.com", "login": True}
    ).get_json()
    sent = api.post("/invitations", {"contact_id": contact["id"]})
    assert sent.status_code == 201 and sent.get_json()["send_count"] == 1
    pending = api.get("/invitations").get_json()["data"]
    assert [row["email"] for row in pending] == ["inv@example.com"]
    resent = api.post(f"/contacts/{contact['id']}/invitation/resend").get_json()
    assert resent["send_count"] == 2
    assert api.call("delete", f"/contacts/{contact['id']}/invitation").status_code == 204
    assert api.get("/invitations").get_json()["data"] == []
    bulk = api.post("/invitations/bulk", {"contact_ids": [contact["id"], 999999]}).get_json()
    assert len(bulk["data"]) == 1 and "999999" in bulk["skipped"]


def test_requests_and_messages(api: Api, tenant: Any) -> None:
    from portal.messaging.requests import add_type
    from tenants.resolution import snapshot_of

    kind = add_type(snapshot_of(tenant), "Tax return")
    db.session.commit()
    account = api.post("/clients", {"name": "Req Co"}).get_json()
    created = api.post(
        "/requests",
        {"account_id": account["id"], "type_id": kind.id, "subject": "2026 return"},
    )
    assert created.status_code == 201, created.get_json()
    row = created.get_json()
    assert api.get("/requests").get_json()["data"][0]["subject"] == "2026 return"
    status = api.call("put", f"/requests/{row['id']}/status", {"status": "in_progress"})
    assert status.get_json()["status"] == "in_progress"
    message = api.post(f"/threads/{row['thread_id']}/messages", {"body": "We are on it."})
    assert message.status_code == 201 and message.get_json()["body"] == "We are on it."
    threads = api.get("/threads").get_json()["data"]
    assert threads[0]["id"] == row["thread_id"]


def test_openapi_document_is_valid_and_the_reference_page_renders(
    api: Api, client_for: Any
) -> None:
    from openapi_spec_validator import validate

    document = api.client.get("/api/v1/openapi.json").get_json()
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert "/api/v1/clients" in document["paths"]
    page = api.client.get("/api/v1/docs").get_data(as_text=True)
    assert "POST /api/v1/clients" in page and "<script" not in page
    for listed in (
        "GET /api/v1/signups",
        "POST /api/v1/domains",
        "PUT /api/v1/email-domain",
        "PATCH /api/v1/modules/{key}",
        "PATCH /api/v1/branding",
        "GET /api/v1/threads/{thread_id}/messages",
        "POST /api/v1/clients/{account_id}/files",
        "POST /api/v1/invoices/{invoice_id}/payments",
    ):
        assert listed in page, listed
    assert "/api/v1/tenants" not in page
    operator_page = client_for(PLATFORM_DOMAIN).get("/api/v1/docs").get_data(as_text=True)
    assert "Foyer operator API reference" in operator_page
    assert "POST /api/v1/tenants/{tenant_id}/suspend" in operator_page
    assert "/api/v1/clients" not in operator_page
    operator_document = client_for(PLATFORM_DOMAIN).get("/api/v1/openapi.json").get_json()
    validate(operator_document)
    assert client_for("unknown.example").get("/api/v1/openapi.json").status_code == 404
