"""Hostile uploads are refused with a clear message, and nothing is stored."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from portal.branding.images import clean_image
from portal.core.errors import UserError
from portal.core.extensions import db
from tenants.models import Tenant
from tests.fixtures.tenants import csrf_from
from tests.themes.helpers import BRANDING_PAGE, branding_data, png_bytes

SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(document.cookie)</script></svg>"
)
HTML_AS_PNG = b"<html><body><script>alert(1)</script></body></html>"


def _bomb() -> bytes:
    """A valid PNG header declaring 30000x30000 1-bit pixels (900 megapixels) in a few bytes.

    Saving a real image of that size with Pillow takes seconds; the header is all a decoder
    reads before allocating, and the check must fire there, before any pixel is decoded.
    """

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 30000, 30000, 1, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 3751 * 16)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def _submit(firm, field: str, payload: bytes, filename: str, mimetype: str):  # type: ignore[no-untyped-def]
    files = {field: (io.BytesIO(payload), filename, mimetype)}
    return firm.submit(BRANDING_PAGE, branding_data(**files))


@pytest.mark.parametrize(
    ("payload", "filename", "mimetype", "message"),
    [
        (SVG, "logo.svg", "image/svg+xml", "SVG and HTML files are not accepted"),
        (HTML_AS_PNG, "logo.png", "image/png", "SVG and HTML files are not accepted"),
        (b"\x89PNG\r\n\x1a\n" + b"<html>" * 50, "logo.png", "image/png", "not a valid image"),
        (b"GIF89a" + b"\x00" * 40, "logo.gif", "image/gif", "not a valid image"),
    ],
    ids=["svg-with-script", "html-named-png", "truncated-png", "broken-gif"],
)
def test_hostile_images_are_refused(firm, tenant, app, payload, filename, mimetype, message):  # type: ignore[no-untyped-def]
    response = _submit(firm, "logo", payload, filename, mimetype)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.get(Tenant, tenant.id).logo_key == ""
    assert not list(Path(app.config["UPLOAD_FOLDER"]).rglob("*.png"))


def test_decompression_bomb_is_refused_before_decoding(firm, tenant):
    bomb = _bomb()
    assert len(bomb) < 1_000
    with pytest.raises(Image.DecompressionBombError):  # what Pillow itself thinks of it
        Image.open(io.BytesIO(bomb))
    response = _submit(firm, "login_image", bomb, "big.png", "image/png")
    assert response.status_code == 422
    assert "too many pixels" in response.get_data(as_text=True)
    assert db.session.get(Tenant, tenant.id).login_image_key == ""


def test_a_50_mb_upload_is_refused(firm, tenant):
    # The multipart body is built by hand: the test client would spool it to a temporary file.
    token = csrf_from(firm.get(BRANDING_PAGE).get_data(as_text=True))
    boundary = "foyerboundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="favicon"; filename="huge.png"'
            "\r\nContent-Type: image/png\r\n\r\n"
        ).encode()
        + b"\x00" * (50 * 1024 * 1024)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = firm.post(
        BRANDING_PAGE, data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 303  # back to the form, which shows why
    assert response.headers["Location"] == BRANDING_PAGE
    page = firm.get(BRANDING_PAGE)
    assert page.status_code == 200
    assert "The file is too large: at most 8 MB." in page.get_data(as_text=True)


def test_a_3_mb_image_is_refused_with_a_message():
    with pytest.raises(UserError, match="larger than 2 MB"):
        clean_image(b"\x89PNG" + b"\x00" * (3 * 1024 * 1024), "logo")


def test_images_are_re_encoded_without_metadata():
    out = io.BytesIO()
    image = Image.new("RGB", (40, 20), "#336699")
    exif = Image.Exif()
    exif[0x010E] = "secret GPS notes"
    image.save(out, format="JPEG", exif=exif)
    cleaned = clean_image(out.getvalue() + b"<script>trailing</script>", "logo")
    assert cleaned.data.startswith(b"\x89PNG")
    assert b"secret GPS" not in cleaned.data and b"<script>" not in cleaned.data
    assert (cleaned.width, cleaned.height) == (40, 20)


def test_large_favicons_are_scaled_down():
    cleaned = clean_image(png_bytes((1000, 1000)), "favicon")
    assert max(cleaned.width, cleaned.height) <= 256
