"""The staff pages: API tokens (shown once, revocable) and webhook endpoints (log, test event)."""

from __future__ import annotations

import re
from typing import Any

from portal.core.extensions import db
from tests.api.conftest import Api, Receiver
from tests.fixtures.people import sign_in_staff


def test_an_admin_creates_a_token_that_works_once_shown_and_revokes_it(
    firm: Any, api_for: Any, tenant: Any
) -> None:
    page = firm.submit("/admin/settings/api-tokens/", {"name": "Sync", "write": "y"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "shown only once" in html
    token = re.search(r"<code>(foy_[A-Za-z0-9_-]+)</code>", html).group(1)  # type: ignore[union-attr]
    api = api_for(tenant, token=token)
    assert api.post("/clients", {"name": "Via token"}).status_code == 201
    listing = firm.get("/admin/settings/api-tokens/").get_data(as_text=True)
    assert token not in listing and "Read and write" in listing
    revoke = re.search(r'href="(/admin/settings/api-tokens/\d+/revoke)"', listing).group(1)  # type: ignore[union-attr]
    assert "cannot be undone" in firm.get(revoke).get_data(as_text=True)
    assert firm.submit(revoke, {}).status_code == 302
    assert api.get("/clients").status_code == 401


def test_a_member_cannot_manage_tokens_or_webhooks(
    client_for: Any, make_staff: Any, tenant: Any
) -> None:
    member = make_staff(tenant, "member@acme.example", role="member")
    client = client_for(f"{tenant.slug}.foyer.example")
    sign_in_staff(client, member.email)
    assert client.get("/admin/settings/api-tokens/").status_code == 403
    assert client.get("/admin/settings/webhooks/").status_code == 403


def test_webhook_endpoint_test_event_and_delivery_log(
    firm: Any, receiver: Receiver, api: Api
) -> None:
    added = firm.submit(
        "/admin/settings/webhooks/", {"url": receiver.url, "events": ["client.invited"]}
    )
    assert added.status_code == 302
    detail_url = added.headers["Location"]
    html = firm.get(detail_url).get_data(as_text=True)
    receiver.secret = re.search(r'<code id="secret">(whsec_[^<]+)</code>', html).group(1)  # type: ignore[union-attr]
    sent = firm.submit(detail_url, {}, action=f"{detail_url}/test")
    assert sent.status_code == 302
    assert [e["type"] for e in receiver.events] == ["webhook.test"]
    receiver.statuses = [500]
    account = api.post("/clients", {"name": "Logged"}).get_json()
    contact = api.post(
        f"/clients/{account['id']}/contacts", {"email": "log@example.com", "login": True}
    ).get_json()
    api.post("/invitations", {"contact_id": contact["id"]})
    db.session.expire_all()
    log = firm.get(detail_url).get_data(as_text=True)
    assert "webhook.test" in log and "client.invited" in log
    assert "<td>500</td>" in log and "<td>200</td>" in log
    assert "cannot" not in log
    delete_page = firm.get(f"{detail_url}/delete").get_data(as_text=True)
    assert "Delete this endpoint?" in delete_page
    assert firm.submit(f"{detail_url}/delete", {}).status_code == 302
    assert firm.get(detail_url).status_code == 404


def test_the_cli_creates_a_read_only_token(app: Any, api_for: Any, tenant: Any) -> None:
    result = app.test_cli_runner().invoke(
        args=["api-tokens", "create", "Nightly export", "--tenant", tenant.slug, "--read-only"]
    )
    assert result.exit_code == 0, result.output
    reader = api_for(tenant, token=result.output.strip())
    assert reader.get("/clients").status_code == 200
    assert reader.post("/clients", {"name": "X"}).status_code == 403
