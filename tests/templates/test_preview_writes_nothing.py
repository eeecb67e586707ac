"""A preview as client writes nothing: the firm's rows are the same after a click-through of
every portal page and a POST to every portal form."""

from __future__ import annotations

from sqlalchemy import select

from portal.clients.models import Contact
from portal.core.extensions import db
from tests.fixtures.people import invite_link_in
from tests.fixtures.smtp import text_of
from tests.fixtures.tenants import csrf_from
from tests.security.test_cross_tenant_probe import b_rows

STAFF_AREAS = ("admin", "operator")
SKIP = {"static", "admin.static", "themes.static", "access.sign_out"}


def test_click_through_changes_no_row(app, firm, tenant, smtp, create_client, accept_invitation):
    account_id = create_client("pat@client.example", name="Pat Client")
    accept_invitation(invite_link_in(text_of(smtp.wait_for(1)[0])))
    contact_id = db.session.scalar(select(Contact.id).where(Contact.email == "pat@client.example"))
    started = firm.submit(
        f"/admin/clients/{account_id}",
        {},
        f"/admin/preview/accounts/{account_id}/contacts/{contact_id}",
    )
    assert started.status_code == 302
    csrf = csrf_from(firm.get("/").get_data(as_text=True))
    before = b_rows(tenant.id)

    seen = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP or rule.endpoint.startswith(STAFF_AREAS) or rule.arguments:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if method == "GET":
                response = firm.get(rule.rule)
            else:
                response = firm.open(
                    rule.rule,
                    method=method,
                    data={"csrf_token": csrf, "email": "x@client.example", "body": "hi"},
                )
                assert response.status_code in (403, 404, 405), (rule.rule, response.status_code)
            assert response.status_code < 500, (method, rule.rule, response.status_code)
            seen += 1
    assert seen > 5
    assert b_rows(tenant.id) == before, "a preview changed the firm's rows"
    assert "Previewing as" in firm.get("/").get_data(as_text=True)


def test_preview_ends_with_the_staff_session(firm, tenant, smtp, create_client, accept_invitation):
    account_id = create_client("end@client.example", name="End Client")
    accept_invitation(invite_link_in(text_of(smtp.wait_for(1)[0])))
    contact_id = db.session.scalar(select(Contact.id).where(Contact.email == "end@client.example"))
    firm.submit(
        f"/admin/clients/{account_id}",
        {},
        f"/admin/preview/accounts/{account_id}/contacts/{contact_id}",
    )
    assert "Previewing as" in firm.get("/").get_data(as_text=True)
    signed_out = firm.submit("/admin/", {}, "/admin/sign-out")
    assert signed_out.status_code == 302
    home = firm.get("/")
    assert "Previewing as" not in home.get_data(as_text=True)
    assert home.status_code == 302 and "/sign-in" in home.headers["Location"]
