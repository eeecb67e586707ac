"""Branding: validated colours as CSS variables, images as hashed URLs, the same in emails."""

from __future__ import annotations

import io
import re

from sqlalchemy import select

from portal.branding.colors import contrast_ratio, text_on
from portal.core.extensions import db
from portal.mail.models import OutboxMessage
from tenants.models import Tenant
from tests.themes.helpers import BRANDING_PAGE, branding_data, png_bytes, update_tenant

LOGO_URL = re.compile(r"/_brand/logo-[0-9a-f]{64}\.png")


def _upload_logo(firm, **data):  # type: ignore[no-untyped-def]
    files = {"logo": (io.BytesIO(png_bytes((300, 100))), "logo.png", "image/png")}
    return firm.submit(BRANDING_PAGE, branding_data(**data, **files))


def test_contrast_picks_the_readable_text_colour():
    assert text_on("#1f4e79").text == "#ffffff" and text_on("#1f4e79").passes_aa
    assert text_on("#ffe066").text == "#1d2430"
    assert round(contrast_ratio("#000000", "#ffffff"), 1) == 21.0
    assert not text_on("#777777").passes_aa


HOSTILE_COLOURS = ["red;}body{display:none", "#12345", "url(x)", "#1234567", "1f4e79", "#GGGGGG"]


def test_hostile_colour_values_are_refused(firm, tenant):
    for field in ("brand_color", "accent_color"):
        for value in [*HOSTILE_COLOURS, ""]:
            response = firm.submit(BRANDING_PAGE, branding_data(**{field: value}))
            assert response.status_code == 422, value
            assert "six hex digits" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Tenant, tenant.id).brand_color == "#1f4e79"
    page = firm.get("/sign-in").get_data(as_text=True)
    assert "display:none" not in page and "url(x)" not in page


def test_invalid_stored_colours_never_reach_css(portal, tenant):
    update_tenant(tenant.id, brand_color="red;}a{", accent_color="url(x)")  # 7 chars fit
    page = portal.get("/sign-in").get_data(as_text=True)
    assert ":root{--brand:#1f4e79;" in page and "red;}" not in page and "url(x)" not in page


def test_low_contrast_colour_is_saved_with_a_warning(firm, tenant):
    response = firm.submit(BRANDING_PAGE, branding_data(brand_color="#777777"))
    assert response.status_code == 302
    page = firm.get(BRANDING_PAGE).get_data(as_text=True)
    assert "below the WCAG AA minimum of 4.5:1" in page


def test_branding_applies_to_pages_and_emails(firm, tenant, portal, create_client, smtp):  # type: ignore[no-untyped-def]
    response = _upload_logo(
        firm,
        brand_color="#0A7D4F",
        accent_color="#ffe066",
        portal_name="Acme <b>Client</b> Hub",
        support_email="help@acme.example",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    row = db.session.get(Tenant, tenant.id)
    assert row.brand_color == "#0a7d4f" and row.logo_key.startswith("logo-")

    page = portal.get("/sign-in").get_data(as_text=True)
    assert ":root{--brand:#0a7d4f;--brand-contrast:#ffffff;--accent:#ffe066;" in page
    logo_url = LOGO_URL.search(page).group(0)
    assert logo_url == f"/_brand/{row.logo_key}"
    assert "Acme &lt;b&gt;Client&lt;/b&gt; Hub" in page and "<b>Client</b>" not in page
    assert "help@acme.example" in page

    image = portal.get(logo_url)
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert image.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert image.headers["X-Content-Type-Options"] == "nosniff"
    assert image.data.startswith(b"\x89PNG")
    # Another tenant's host does not serve it.
    update_tenant(tenant.id)
    other = firm.application.test_client(host="other.foyer.example")  # unknown host: 404
    assert other.get(logo_url).status_code == 404

    create_client("ella@client.example")
    message = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == "ella@client.example")
    ).one()
    assert "background:#0a7d4f" in message.html_body
    assert f"https://acme.foyer.example{logo_url}" in message.html_body
    assert "help@acme.example" in message.html_body


def test_replacing_and_removing_the_logo(firm, tenant, app):  # type: ignore[no-untyped-def]
    from portal.core.storage import storage

    _upload_logo(firm)
    first = db.session.get(Tenant, tenant.id).logo_key
    assert storage().get(f"tenants/{tenant.id}/{first}") is not None
    response = firm.submit(BRANDING_PAGE, branding_data(remove_logo="y"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Tenant, tenant.id).logo_key == ""
    assert storage().get(f"tenants/{tenant.id}/{first}") is None


def test_preview_shows_unsaved_values_without_saving(firm, tenant):
    data = branding_data(theme="harbor", brand_color="#aa3300", portal_name="Preview Hub")
    for page, marker in (("sign-in", "Forgot your password?"), ("home", "Sample Household")):
        response = firm.submit(
            BRANDING_PAGE,
            {**data, "preview_page": page},
            action="/admin/settings/branding/preview",
        )
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "--brand:#aa3300" in html and "harbor.css" in html
        assert "Preview Hub" in html and marker in html
    db.session.expire_all()
    saved = db.session.get(Tenant, tenant.id)
    assert saved.theme == "default" and saved.brand_color == "#1f4e79"
    bad = firm.submit(
        BRANDING_PAGE,
        branding_data(brand_color="url(x)"),
        action="/admin/settings/branding/preview",
    )
    assert bad.status_code == 422


def test_clients_cannot_open_the_branding_settings(portal):
    assert portal.get(BRANDING_PAGE).status_code == 302  # to the staff sign-in
