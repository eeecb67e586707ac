"""Both themes with two brandings, as a client sees them; the screenshots go into the README."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from portal.branding import image_key, image_name
from portal.branding.images import clean_image
from portal.core.storage import storage
from tests.fixtures.people import CLIENT_PASSWORD, sign_in_staff
from tests.fixtures.smtp import text_of
from tests.themes.helpers import update_tenant

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
LINK = re.compile(r"https?://\S+/invite/[A-Za-z0-9_-]+")
VIEWPORT = {"width": 1200, "height": 800}


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _logo(initials: str, color: str, words: str) -> bytes:
    image = Image.new("RGBA", (360, 96), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((4, 8, 84, 88), radius=18, fill=color)
    draw.text((26, 30), initials, fill="white", font_size=34)
    draw.text((100, 30), words, fill=color, font_size=30)
    return _png(image)


def _art(top: str, bottom: str) -> bytes:
    """A soft two-colour gradient with a few circles: a stand-in for a firm's photo."""
    width, height = 900, 700
    image = Image.linear_gradient("L").resize((width, height)).rotate(30, expand=False)
    image = Image.composite(
        Image.new("RGB", image.size, bottom), Image.new("RGB", image.size, top), image
    )
    draw = ImageDraw.Draw(image, "RGBA")
    for x, y, r in ((700, 140, 180), (180, 560, 240), (520, 480, 90)):
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 255, 38))
    return _png(image)


def _store(tenant_id: int, kind: str, raw: bytes) -> str:
    image = clean_image(raw, kind)
    name = image_name(kind, image.digest)
    storage().put(image_key(tenant_id, name), image.data)
    return name


BRANDINGS = [
    {
        "slug": "maple",
        "name": "Maple Tax & Advisory",
        "theme": "default",
        "brand_color": "#0f5132",
        "accent_color": "#d1e7dd",
        "portal_name": "Maple Client Portal",
        "support_email": "help@maple.example",
        "logo": ("MT", "#0f5132", "Maple Tax"),
        "art": None,
        "welcome": "Welcome! Your 2025 documents checklist is waiting under Requests.",
    },
    {
        "slug": "harbor",
        "name": "Harbor Wealth Partners",
        "theme": "harbor",
        "brand_color": "#5b21b6",
        "accent_color": "#f3e8ff",
        "portal_name": "Harbor Client Hub",
        "support_email": "care@harbor.example",
        "logo": ("HW", "#5b21b6", "Harbor Wealth"),
        "art": ("#5b21b6", "#0e7490"),
        "welcome": "Good to have you aboard. Your quarterly review is ready.",
    },
]


@pytest.mark.slow
def test_screenshots_of_both_themes_with_two_brandings(
    live_server, make_tenant, make_staff, client_for, smtp, browser
):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for brand in BRANDINGS:
        tenant = make_tenant(slug=brand["slug"], name=brand["name"])
        values = {
            key: brand[key]
            for key in ("theme", "brand_color", "accent_color", "portal_name", "support_email")
        }
        values["logo_key"] = _store(tenant.id, "logo", _logo(*brand["logo"]))
        if brand["art"]:
            values["login_image_key"] = _store(tenant.id, "login", _art(*brand["art"]))
        update_tenant(tenant.id, welcome_message=brand["welcome"], **values)

        staff = make_staff(tenant, f"owner@{brand['slug']}.example")
        firm = client_for(f"{brand['slug']}.foyer.example")
        sign_in_staff(firm, staff.email)
        email = f"client@{brand['slug']}.example"
        created = firm.submit(
            "/admin/clients/new",
            {
                "account_name": "Rivera Family",
                "kind": "household",
                "contact_name": "Luz Rivera",
                "email": email,
                "login": "y",
                "send_invite": "y",
            },
        )
        assert created.status_code == 302
        [mail] = smtp.wait_for(1, to=email)
        link = LINK.search(text_of(mail)).group(0)

        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        try:
            page.goto(live_server.url(brand["slug"], "/sign-in"))
            brand_var = page.evaluate(
                "getComputedStyle(document.documentElement).getPropertyValue('--brand')"
            )
            assert brand_var.strip() == brand["brand_color"]
            assert page.locator(".logo").first.evaluate("img => img.naturalWidth") > 0
            page.screenshot(path=SCREENSHOTS / f"{brand['theme']}-sign-in.png")

            page.goto(link)
            page.get_by_label("New password").fill(CLIENT_PASSWORD)
            page.get_by_label("Confirm password").fill(CLIENT_PASSWORD)
            page.get_by_role("button", name="Set password and sign in").click()
            page.wait_for_url(live_server.url(brand["slug"], "/"))
            nav = page.get_by_role("navigation", name="Portal")
            assert nav.get_by_role("link", name="Files").is_visible()
            # Messages is on: the firm's welcome is the first message of a Welcome thread.
            page.goto(live_server.url(brand["slug"], "/messages/"))
            page.get_by_role("link", name="Welcome").first.click()
            assert page.get_by_text(brand["welcome"]).is_visible()
            page.goto(live_server.url(brand["slug"], "/"))
            page.screenshot(path=SCREENSHOTS / f"{brand['theme']}-home.png")
        finally:
            context.close()
    for theme in ("default", "harbor"):
        for view in ("sign-in", "home"):
            assert (SCREENSHOTS / f"{theme}-{view}.png").stat().st_size < 400_000
