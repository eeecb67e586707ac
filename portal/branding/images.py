"""Uploaded brand images: size and pixel limits, a real decode, re-encoded to a clean PNG."""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from portal.core.errors import UserError

MAX_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 20_000_000
ACCEPTED_FORMATS = frozenset({"PNG", "JPEG", "GIF", "WEBP", "ICO"})
MAX_SIDE = {"logo": 1200, "login": 2400, "favicon": 256}


@dataclass(frozen=True, slots=True)
class CleanImage:
    data: bytes
    digest: str
    width: int
    height: int


def clean_image(raw: bytes, kind: str) -> CleanImage:
    """Decode, check and re-encode an upload; metadata and any trailing payload are dropped.

    Raises `UserError` with a message safe to show to the firm."""
    if not raw:
        raise UserError("The file is empty.")
    if len(raw) > MAX_BYTES:
        raise UserError("The image is larger than 2 MB; please upload a smaller file.")
    head = raw[:512].lstrip().lower()
    if head.startswith((b"<", b"\xef\xbb\xbf<")) or b"<svg" in head:
        raise UserError("SVG and HTML files are not accepted; upload a PNG, JPEG or WebP.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw)) as probe:
                _check_header(probe)
                probe.verify()
            with Image.open(io.BytesIO(raw)) as image:
                _check_header(image)
                image.load()
                picture = image.convert("RGBA")
    except UserError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise UserError("The image has too many pixels (over 20 megapixels).") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, IndexError) as exc:
        raise UserError("The file is not a valid image (PNG, JPEG, GIF or WebP).") from exc
    side = MAX_SIDE.get(kind, 1200)
    picture.thumbnail((side, side))
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    data = out.getvalue()
    return CleanImage(data, hashlib.sha256(data).hexdigest(), picture.width, picture.height)


def fit_image(data: bytes, box: tuple[int, int]) -> bytes:
    """A stored (already cleaned) PNG shrunk to fit `box`, never enlarged: the size a page shows
    it at on a high-density screen, so a phone does not download a 2400 px login photo."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        picture = image.copy()
    picture.thumbnail(box, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _check_header(image: Image.Image) -> None:
    """Runs on the header only, before any pixel is decoded (decompression bombs)."""
    if image.format not in ACCEPTED_FORMATS:
        raise UserError("Only PNG, JPEG, GIF, WebP or ICO images are accepted.")
    width, height = image.size
    if width < 1 or height < 1 or width * height > MAX_PIXELS:
        raise UserError("The image has too many pixels (over 20 megapixels).")
