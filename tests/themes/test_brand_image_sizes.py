"""Brand images on a phone: pages link the logo and login image at the size they are shown,
resized once and kept in storage, with long-lived caching; brand-coloured text stays readable."""

from __future__ import annotations

import io
import re

from PIL import Image

from portal.branding import image_key, image_name, sized_image_key
from portal.branding.colors import PAGE_BACKGROUNDS, contrast_ratio, readable_on
from portal.branding.images import clean_image
from portal.core.storage import storage
from tests.themes.helpers import png_bytes, update_tenant

LOGO = re.compile(r'src="(/_brand/logo-[0-9a-f]{64}\.png\?w=(\d+))"')
LOGIN = re.compile(r"url\('(/_brand/login-[0-9a-f]{64}\.png\?w=(\d+))'\)")


def _store(tenant_id: int, kind: str, size: tuple[int, int]) -> tuple[str, int]:
    image = clean_image(png_bytes(size, color="#0f5132"), kind)
    name = image_name(kind, image.digest)
    storage().put(image_key(tenant_id, name), image.data)
    return name, len(image.data)


def _size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        return image.size


def test_logo_and_login_image_are_served_at_the_size_shown(portal, tenant):  # type: ignore[no-untyped-def]
    logo, _ = _store(tenant.id, "logo", (1200, 400))
    login, original_bytes = _store(tenant.id, "login", (2400, 1600))
    update_tenant(tenant.id, theme="harbor", logo_key=logo, login_image_key=login)

    page = portal.get("/sign-in").get_data(as_text=True)
    logo_url, logo_width = LOGO.search(page).groups()  # type: ignore[union-attr]
    assert logo_width == "384"
    found = portal.get(logo_url)
    assert found.status_code == 200 and found.mimetype == "image/png"
    assert _size(found.data) == (288, 96)  # 3rem high at 2x, proportions kept
    assert found.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    etag = found.headers["ETag"]
    assert etag
    # The resized copy is kept in storage under a key derived from the original's.
    assert storage().get(sized_image_key(tenant.id, logo, 384)) == found.data

    again = portal.get(logo_url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.data

    # Harbor: a phone-sized login image, a large one from 48rem.
    sizes = {int(width): url for url, width in LOGIN.findall(page)}
    assert sorted(sizes) == [800, 1600]
    small = portal.get(sizes[800])
    assert _size(small.data) == (800, 533) and len(small.data) < original_bytes
    assert _size(portal.get(sizes[1600]).data) == (1600, 1067)


def test_only_offered_sizes_are_made(portal, tenant):  # type: ignore[no-untyped-def]
    logo, _ = _store(tenant.id, "logo", (600, 200))
    for width in ("5000", "383", "0", "-1", "abc"):
        assert portal.get(f"/_brand/{logo}?w={width}").status_code == 404, width
    assert storage().get(sized_image_key(tenant.id, logo, 5000)) is None
    assert portal.get(f"/_brand/{logo}").status_code == 200  # the original stays reachable


def test_a_light_brand_colour_turns_darker_for_links(portal, tenant):  # type: ignore[no-untyped-def]
    update_tenant(tenant.id, brand_color="#f4b400")
    page = portal.get("/sign-in").get_data(as_text=True)
    shade = readable_on("#f4b400")
    assert shade != "#f4b400" and f"--brand-text:{shade}" in page
    assert all(contrast_ratio(shade, background) >= 4.5 for background in PAGE_BACKGROUNDS)
    assert readable_on("#1f4e79") == "#1f4e79"  # a dark brand is used as it is
