"""The firm resources of the API, end to end through what an API client sees: sign-ups,
custom and email domains, modules, branding, messages, files and invoices; and every
webhook event of the issue emitted by the real flow behind it."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from portal.branding import image_key
from portal.clients.models import Contact
from portal.core.extensions import db
from portal.core.storage import storage
from portal.signup.service import mark_verified
from portal.webhooks import service as webhooks
from tenants.models import Domain
from tenants.resolution import snapshot_of
from tests.api.conftest import Api, Receiver
from tests.domains.conftest import publish
from tests.fixtures.people import invite_link_in
from tests.fixtures.smtp import text_of


@pytest.fixture
def app_config(app_config: dict[str, Any], dns: Any) -> dict[str, Any]:
    return {
        **app_config,
        "DNS_NAMESERVERS": dns.nameservers,
        "DNS_TIMEOUT": 0.5,
        "WEB_DOMAIN_GRACE_SECONDS": 0,
    }


def _account(api: Api, name: str = "Resource Co") -> int:
    return int(api.post("/clients", {"name": name}).get_json()["id"])


def _fields(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.get_data(as_text=True)
    return response.get_json()["error"]["fields"]  # type: ignore[no-any-return]


def test_signups_list_pending_and_verified(api: Api, tenant: Any) -> None:
    for n, verified in enumerate((False, True)):
        contact = Contact(
            tenant_id=tenant.id, email=f"s{n}@example.com", name=f"S{n}", self_registered=True
        )
        db.session.add(contact)
        db.session.flush()
        if verified:
            mark_verified(snapshot_of(tenant), contact)
    db.session.commit()
    pending = api.get("/signups").get_json()["data"]
    assert [(s["email"], s["status"]) for s in pending] == [("s0@example.com", "pending")]
    verified_rows = api.get("/signups?status=verified").get_json()["data"]
    assert [s["email"] for s in verified_rows] == ["s1@example.com"]
    assert api.get(f"/signups/{pending[0]['id']}").get_json()["name"] == "S0"
    assert "status" in _fields(api.get("/signups?status=everything"))
    invited = api.post(f"/clients/{_account(api)}/contacts", {"email": "n@example.com"})
    assert api.get(f"/signups/{invited.get_json()['id']}").status_code == 404


def test_custom_domain_add_check_verify_and_remove(
    api: Api, tenant: Any, dns: Any, receiver: Receiver
) -> None:
    endpoint = webhooks.add_endpoint(snapshot_of(tenant), receiver.url, ["domain.verified"])
    db.session.commit()
    receiver.secret = endpoint.secret
    assert "host" in _fields(api.post("/domains", {"host": "not a domain"}))
    added = api.post("/domains", {"host": "Portal.SmithCPA.example"})
    assert added.status_code == 201, added.get_json()
    domain = added.get_json()
    assert domain["host"] == "portal.smithcpa.example" and domain["status"] == "pending"
    assert {r["purpose"] for r in domain["records"]} >= {"ownership"}
    assert [d["host"] for d in api.get("/domains").get_json()["data"]] == [domain["host"]]
    db.session.expire_all()
    row = db.session.get(Domain, domain["id"])
    assert row is not None
    publish(dns, row, target="domains.foyer.example")
    row.check_requested_at = None
    db.session.commit()
    checked = api.post(f"/domains/{domain['id']}/check")
    assert checked.status_code == 202 and checked.get_json()["queued"] is True
    assert api.get(f"/domains/{domain['id']}").get_json()["status"] == "verified"
    assert [e["type"] for e in receiver.events] == ["domain.verified"]
    assert receiver.events[0]["data"]["host"] == "portal.smithcpa.example"
    again = api.post(f"/domains/{domain['id']}/check").get_json()
    assert again["queued"] is False and again["retry_after"] > 0
    assert api.call("delete", f"/domains/{domain['id']}").status_code == 204
    assert api.get(f"/domains/{domain['id']}").status_code == 404


def test_email_domain_set_read_check_and_remove(api: Api) -> None:
    assert api.get("/email-domain").status_code == 404
    body = {"domain": "mail.smithcpa.example", "local_part": "hello", "display_name": "Smith"}
    assert "domain" in _fields(api.call("put", "/email-domain", {**body, "domain": "gmail.com"}))
    created = api.call("put", "/email-domain", body)
    assert created.status_code == 201, created.get_json()
    row = created.get_json()
    assert row["domain"] == "mail.smithcpa.example" and row["status"] == "pending"
    assert {r["purpose"] for r in row["records"]} >= {"dkim", "spf"}
    assert set(row["record_status"]) >= {"dkim", "spf", "dmarc"}
    assert "domain" in _fields(api.call("put", "/email-domain", body))  # remove it first
    assert api.post("/email-domain/check").status_code == 202
    assert api.get("/email-domain").get_json()["domain"] == "mail.smithcpa.example"
    assert api.call("delete", "/email-domain").status_code == 204
    assert api.get("/email-domain").status_code == 404


def test_modules_rename_disable_and_reorder(api: Api, tenant: Any, portal: Any) -> None:
    modules = api.get("/modules").get_json()["data"]
    keys = [m["key"] for m in modules]
    assert "files" in keys and all(m["enabled"] for m in modules)
    renamed = api.call("patch", "/modules/files", {"title": "Documents vault", "enabled": False})
    assert renamed.get_json()["title"] == "Documents vault"
    assert renamed.get_json()["enabled"] is False
    assert "icon" in _fields(api.call("patch", "/modules/files", {"icon": "no-such-icon"}))
    assert api.call("patch", "/modules/nothing", {"enabled": True}).status_code == 404
    reordered = api.call("put", "/modules/order", {"keys": list(reversed(keys))}).get_json()
    assert [m["key"] for m in reordered["data"]] == list(reversed(keys))
    assert "keys" in _fields(api.call("put", "/modules/order", {"keys": keys[:1]}))


def test_branding_read_and_update(api: Api, tenant: Any) -> None:
    before = api.get("/branding").get_json()
    assert before["theme"] == "default" and before["brand_color"].startswith("#")
    updated = api.call(
        "patch",
        "/branding",
        {"brand_color": "#1A2B3C", "portal_name": "  Acme   Client Hub ", "theme": "harbor"},
    ).get_json()
    assert updated["brand_color"] == "#1a2b3c" and updated["portal_name"] == "Acme Client Hub"
    assert updated["theme"] == "harbor"
    assert "brand_color" in _fields(api.call("patch", "/branding", {"brand_color": "red"}))
    assert "theme" in _fields(api.call("patch", "/branding", {"theme": "nope"}))
    assert "support_email" in _fields(api.call("patch", "/branding", {"support_email": "x@"}))


def _png(colour: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), colour).save(out, "PNG")
    return out.getvalue()


def test_logo_upload_replace_and_remove(api: Api, tenant: Any) -> None:
    headers = {"Authorization": f"Bearer {api.token}"}

    def stored(url: str) -> bool:
        name = url.split("?")[0].rsplit("/", 1)[-1]
        return storage().get(image_key(tenant.id, name)) is not None

    def upload(data: bytes, name: str) -> Any:
        return api.client.put(
            "/api/v1/branding/logo",
            data={"file": (io.BytesIO(data), name)},
            headers=headers,
            content_type="multipart/form-data",
        )

    first = upload(_png("red"), "logo.png")
    assert first.status_code == 200, first.get_data(as_text=True)
    first_url = first.get_json()["logo_url"]
    assert first_url and api.client.get(first_url).status_code == 200
    second_url = upload(_png("blue"), "logo.png").get_json()["logo_url"]
    assert second_url != first_url
    assert api.client.get(second_url).status_code == 200
    assert not stored(first_url) and stored(second_url)  # one current file per image
    assert "file" in _fields(upload(b"not an image at all", "logo.png"))
    removed = api.call("delete", "/branding/logo")
    assert removed.get_json()["logo_url"] == ""
    assert not stored(second_url)


def test_threads_per_account_and_their_messages(api: Api) -> None:
    first, second = _account(api, "First Co"), _account(api, "Second Co")
    thread = api.post(
        "/threads", {"account_id": first, "subject": "Year end", "body": "Please send receipts."}
    )
    assert thread.status_code == 201, thread.get_json()
    thread_id = thread.get_json()["id"]
    api.post(f"/threads/{thread_id}/messages", {"body": "Reminder."})
    api.post("/threads", {"account_id": second, "subject": "Other", "body": "Hello."})
    mine = api.get(f"/threads?account_id={first}").get_json()["data"]
    assert [t["subject"] for t in mine] == ["Year end"]
    messages = api.get(f"/threads/{thread_id}/messages").get_json()["data"]
    assert [m["body"] for m in messages] == ["Reminder.", "Please send receipts."]
    assert api.get("/threads?account_id=999999").status_code == 404
    assert "subject" in _fields(
        api.post("/threads", {"account_id": first, "subject": "   ", "body": "x"})
    )


def test_files_upload_list_and_download(api: Api, tenant: Any) -> None:
    account = _account(api)
    headers = {"Authorization": f"Bearer {api.token}"}
    uploaded = api.client.post(
        f"/api/v1/clients/{account}/files",
        data={"file": (io.BytesIO(b"hello ledger"), "ledger.txt")},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 201, uploaded.get_data(as_text=True)
    file = uploaded.get_json()
    assert file["name"] == "ledger.txt" and file["size"] == 12
    assert file["uploaded_by_name"] == "API (ci)"
    listed = api.get(f"/clients/{account}/files").get_json()["data"]
    assert [f["id"] for f in listed] == [file["id"]]
    content = api.get(f"/clients/{account}/files/{file['id']}/content")
    assert content.status_code == 200 and content.get_data() == b"hello ledger"
    assert "attachment" in content.headers["Content-Disposition"]
    refused = api.client.post(
        f"/api/v1/clients/{account}/files",
        data={"file": (io.BytesIO(b"MZ\x90\x00" + b"\x00" * 60), "tool.exe")},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert "file" in _fields(refused)
    replayed = [
        api.client.post(
            f"/api/v1/clients/{account}/files",
            data={"file": (io.BytesIO(b"once"), "once.txt")},
            headers={**headers, "Idempotency-Key": "upload-1"},
            content_type="multipart/form-data",
        ).get_json()["id"]
        for _ in range(2)
    ]
    assert replayed[0] == replayed[1]
    names = [f["name"] for f in api.get(f"/clients/{account}/files").get_json()["data"]]
    assert names.count("once.txt") == 1
    assert "file" in _fields(api.post(f"/clients/{account}/files", {}))


def test_invoices_draft_send_pay_and_the_paid_webhook(
    api: Api, tenant: Any, receiver: Receiver
) -> None:
    endpoint = webhooks.add_endpoint(snapshot_of(tenant), receiver.url, ["invoice.paid"])
    db.session.commit()
    receiver.secret = endpoint.secret
    account = _account(api)
    draft = api.post(
        "/invoices",
        {
            "account_id": account,
            "issue_date": "2026-11-01",
            "due_date": "2026-11-30",
            "lines": [{"description": "Tax return", "quantity": "2", "unit_price_minor": 15000}],
        },
    )
    assert draft.status_code == 201, draft.get_json()
    invoice = draft.get_json()
    assert invoice["status"] == "draft" and invoice["total_minor"] == 30000
    assert invoice["lines"][0]["quantity"] == "2"
    assert "due_date" in _fields(
        api.post(
            "/invoices",
            {
                "account_id": account,
                "issue_date": "2026-11-30",
                "due_date": "2026-11-01",
                "lines": [{"description": "X", "unit_price_minor": 1}],
            },
        )
    )
    refused = api.post(
        f"/invoices/{invoice['id']}/payments",
        {"amount_minor": 100, "paid_on": "2026-11-02", "method": "cash"},
    )
    assert refused.status_code == 422  # a draft takes no payment
    sent = api.post(f"/invoices/{invoice['id']}/send").get_json()
    assert sent["status"] == "sent" and sent["number"]
    half = api.post(
        f"/invoices/{invoice['id']}/payments",
        {"amount_minor": 10000, "paid_on": "2026-11-02", "method": "bank_transfer"},
    )
    assert half.status_code == 201 and half.get_json()["status"] == "partially_paid"
    assert receiver.events == []
    rest = api.post(
        f"/invoices/{invoice['id']}/payments",
        {"amount_minor": 20000, "paid_on": "2026-11-03", "method": "card"},
    ).get_json()
    assert rest["status"] == "paid" and rest["paid_minor"] == 30000
    assert [e["type"] for e in receiver.events] == ["invoice.paid"]
    assert receiver.events[0]["data"]["number"] == sent["number"]
    assert [i["id"] for i in api.get("/invoices?status=paid").get_json()["data"]] == [invoice["id"]]
    assert api.get(f"/invoices?account_id={account}").get_json()["data"][0]["id"] == invoice["id"]


def test_client_activation_signup_and_message_webhooks(
    api: Api, tenant: Any, receiver: Receiver, smtp: Any, accept_invitation: Any
) -> None:
    endpoint = webhooks.add_endpoint(
        snapshot_of(tenant),
        receiver.url,
        ["client.activated", "signup.verified", "message.created"],
    )
    db.session.commit()
    receiver.secret = endpoint.secret
    account = _account(api)
    contact = api.post(
        f"/clients/{account}/contacts", {"email": "act@example.com", "login": True}
    ).get_json()
    api.post("/invitations", {"contact_id": contact["id"]})
    accept_invitation(invite_link_in(text_of(smtp.wait_for(1, to="act@example.com")[0])))
    thread = api.post("/threads", {"account_id": account, "subject": "Hi", "body": "Welcome."})
    signup = Contact(
        tenant_id=tenant.id, email="self@example.com", name="Self", self_registered=True
    )
    db.session.add(signup)
    db.session.flush()
    mark_verified(snapshot_of(tenant), signup)
    db.session.commit()
    types = [e["type"] for e in receiver.events]
    assert types == ["client.activated", "message.created", "signup.verified"]
    assert receiver.events[0]["data"]["contact_id"] == contact["id"]
    assert receiver.events[1]["data"]["thread_id"] == thread.get_json()["id"]
    assert receiver.bad_signatures == 0


def test_read_tokens_cannot_change_firm_resources(api_for: Any, tenant: Any) -> None:
    reader = api_for(tenant, write=False)
    for path in ("/domains", "/threads", "/invoices"):
        assert reader.get(path).status_code == 200
    for method, path in (
        ("post", "/domains"),
        ("put", "/email-domain"),
        ("patch", "/modules/files"),
        ("put", "/modules/order"),
        ("patch", "/branding"),
        ("post", "/threads"),
        ("post", "/invoices"),
        ("post", "/clients/1/files"),
    ):
        response = reader.call(method, path, {})
        assert response.status_code == 403, (method, path)
        assert response.get_json()["error"]["code"] == "insufficient_scope"
