"""The operator API on the platform host: operator tokens (console and CLI), the tenants
resource (list, search, create with the owner's invitation, suspend/resume with a reason,
delete with the grace period, restore), and the wall between operator and firm tokens."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask import Flask

from portal.api.auth import OPERATOR_ENDPOINTS
from portal.auth.api_tokens import create_token
from portal.core.database import utcnow
from portal.core.extensions import db
from tests.api.conftest import Api
from tests.fixtures.tenants import PLATFORM_DOMAIN
from tests.operations.conftest import signed_in_operator


def operator_api(client_for: Any, *, write: bool = True, host: str = PLATFORM_DOMAIN) -> Api:
    _, raw = create_token(None, "ops", write=write)
    db.session.commit()
    return Api(client_for(host), raw)


def test_operator_manages_tenants_end_to_end(client_for: Any, tenant: Any, smtp: Any) -> None:
    ops = operator_api(client_for)
    created = ops.post(
        "/tenants", {"slug": "newco", "name": "NewCo LLP", "owner_email": "boss@newco.example"}
    )
    assert created.status_code == 201, created.get_json()
    row = created.get_json()
    assert row["slug"] == "newco" and row["status"] == "active"
    assert row["hosts"] == [f"newco.{PLATFORM_DOMAIN}"]
    assert "newco" in smtp.wait_for(1, to="boss@newco.example")[0].get_body().get_content()
    listed = ops.get("/tenants?q=newco").get_json()["data"]
    assert [t["slug"] for t in listed] == ["newco"]
    assert ops.get(f"/tenants/{tenant.id}").get_json()["slug"] == tenant.slug

    suspended = ops.post(f"/tenants/{row['id']}/suspend", {"reason": "Unpaid since March"})
    assert suspended.get_json()["status"] == "suspended"
    assert suspended.get_json()["suspension_reason"] == "Unpaid since March"
    assert client_for(f"newco.{PLATFORM_DOMAIN}").get("/").status_code == 404
    assert [t["slug"] for t in ops.get("/tenants?status=suspended").get_json()["data"]] == ["newco"]
    again = ops.post(f"/tenants/{row['id']}/suspend", {"reason": "x"})
    assert again.status_code == 422 and "reason" in again.get_json()["error"]["fields"]
    resumed = ops.post(f"/tenants/{row['id']}/resume").get_json()
    assert resumed["status"] == "active" and resumed["suspension_reason"] == ""

    wrong = ops.post(f"/tenants/{row['id']}/delete", {"confirm": "other"})
    assert wrong.status_code == 422 and "confirm" in wrong.get_json()["error"]["fields"]
    deleting = ops.post(f"/tenants/{row['id']}/delete", {"confirm": "newco", "reason": "Left"})
    assert deleting.get_json()["status"] == "deleting"
    assert deleting.get_json()["purge_after"] is not None
    restored = ops.post(f"/tenants/{row['id']}/restore").get_json()
    assert restored["status"] == "active" and restored["purge_after"] is None


def test_tenant_list_pages_with_a_cursor_and_validates(client_for: Any, make_tenant: Any) -> None:
    for n in range(5):
        make_tenant(slug=f"page{n}", name=f"Page {n}")
    ops = operator_api(client_for)
    seen: list[str] = []
    page = ops.get("/tenants?limit=2").get_json()
    seen += [t["slug"] for t in page["data"]]
    while page["next_cursor"]:
        page = ops.get(f"/tenants?limit=2&cursor={page['next_cursor']}").get_json()
        seen += [t["slug"] for t in page["data"]]
    assert seen == [f"page{n}" for n in reversed(range(5))]
    assert ops.get("/tenants?status=nonsense").status_code == 422
    bad = ops.post("/tenants", {"slug": "x", "name": "X", "owner_email": "not-an-email"})
    assert bad.status_code == 422 and bad.get_json()["error"]["fields"]
    assert ops.get("/tenants/999999").status_code == 404


def test_operator_and_firm_tokens_never_cross(
    app: Flask, client_for: Any, api_for: Any, tenant: Any
) -> None:
    ops = operator_api(client_for)
    firm = api_for(tenant)
    # a firm token on the platform host's operator API: refused
    firm_on_platform = Api(client_for(PLATFORM_DOMAIN), firm.token)
    assert firm_on_platform.get("/tenants").status_code == 401
    assert firm_on_platform.get("/clients").status_code == 404  # no firm API on this host
    # an operator token on a tenant host: no operator routes there, no firm data either
    ops_on_tenant = Api(firm.client, ops.token)
    assert ops_on_tenant.get("/tenants").status_code == 404
    assert ops_on_tenant.get("/clients").status_code == 401
    # every operator route is on the platform host only
    operator_rules = [r for r in app.url_map.iter_rules() if r.endpoint in OPERATOR_ENDPOINTS]
    assert len(operator_rules) >= 7
    for rule in operator_rules:
        path = re.sub(r"<(?:\w+:)?\w+>", str(tenant.id), rule.rule.removeprefix("/api/v1"))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert ops_on_tenant.call(method, path, {}).status_code == 404, (method, path)
            assert firm_on_platform.call(method, path, {}).status_code == 401, (method, path)
    assert ops.get("/tenants").status_code == 200
    assert ops.client.get("/api/v1/openapi.json").get_json()["info"]["title"] == (
        "Foyer operator API"
    )
    assert "/api/v1/tenants" not in firm.client.get("/api/v1/openapi.json").get_json()["paths"]


def test_operator_tokens_scopes_revocation_and_expiry(client_for: Any) -> None:
    reader = operator_api(client_for, write=False)
    assert reader.get("/tenants").status_code == 200
    refused = reader.post("/tenants", {"slug": "nope", "name": "N", "owner_email": "a@b.example"})
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "insufficient_scope"
    revoked, raw_revoked = create_token(None, "old", write=True)
    revoked.revoked_at = utcnow()
    expired, raw_expired = create_token(None, "expired", write=True)
    expired.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    platform = client_for(PLATFORM_DOMAIN)
    assert Api(platform, raw_revoked).get("/tenants").status_code == 401
    assert Api(platform, raw_expired).get("/tenants").status_code == 401
    assert Api(platform, None).get("/tenants").status_code == 401


def test_operator_creates_uses_and_revokes_a_token_in_the_console(
    platform: Any, make_operator: Any, client_for: Any
) -> None:
    console = signed_in_operator(platform, make_operator())
    page = console.submit("/operator/api-tokens/", {"name": "Provisioning", "write": "y"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "shown only once" in html
    token = re.search(r"<code>(foy_[A-Za-z0-9_-]+)</code>", html).group(1)  # type: ignore[union-attr]
    api = Api(client_for(PLATFORM_DOMAIN), token)
    assert api.get("/tenants").status_code == 200
    listing = console.get("/operator/api-tokens/").get_data(as_text=True)
    assert token not in listing and "Provisioning" in listing and "API tokens" in listing
    revoke = re.search(r'href="(/operator/api-tokens/\d+/revoke)"', listing).group(1)  # type: ignore[union-attr]
    assert "cannot be undone" in console.get(revoke).get_data(as_text=True)
    assert console.submit(revoke, {}).status_code == 302
    assert api.get("/tenants").status_code == 401
    empty = console.submit("/operator/api-tokens/", {"name": ""})
    assert empty.status_code == 422


def test_the_operator_console_pages_are_not_on_tenant_hosts(client_for: Any, tenant: Any) -> None:
    assert (
        client_for(f"{tenant.slug}.{PLATFORM_DOMAIN}").get("/operator/api-tokens/").status_code
        == 404
    )


def test_the_cli_creates_lists_and_revokes_operator_tokens(app: Flask, client_for: Any) -> None:
    runner = app.test_cli_runner()
    created = runner.invoke(args=["api-tokens", "create", "Terraform", "--operator"])
    assert created.exit_code == 0, created.output
    api = Api(client_for(PLATFORM_DOMAIN), created.output.strip())
    assert api.get("/tenants").status_code == 200
    listed = runner.invoke(args=["api-tokens", "list", "--operator"])
    assert "Terraform" in listed.output and "live" in listed.output
    token_id = listed.output.split("\t", 1)[0]
    revoked = runner.invoke(args=["api-tokens", "revoke", token_id, "--operator"])
    assert revoked.exit_code == 0, revoked.output
    assert api.get("/tenants").status_code == 401
    both = runner.invoke(args=["api-tokens", "create", "X", "--operator", "--tenant", "acme"])
    assert both.exit_code != 0 and "either" in both.output
