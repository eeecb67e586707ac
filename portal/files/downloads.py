"""Serving a stored file: streamed in chunks, as an attachment with a safe name, never sniffed,
and shown inline only for images and PDFs under a sandboxing CSP (no script, no origin)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from urllib.parse import quote

from flask import current_app
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from portal.core.storage import storage
from portal.files.checks import ACTIVE_TYPES, INLINE_TYPES
from tenants.snapshot import TenantSnapshot

SANDBOX_CSP = (
    "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
    "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)


class StoredFile(Protocol):
    """What a download needs of a row: client files and course attachments both have it."""

    @property
    def id(self) -> int: ...
    @property
    def tenant_id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def content_type(self) -> str: ...
    @property
    def storage_key(self) -> str: ...
    @property
    def deleted_at(self) -> datetime | None: ...


def content_disposition(kind: str, name: str) -> str:
    """`attachment; filename="ascii"; filename*=UTF-8''percent-encoded` (RFC 6266/5987): the
    ASCII fallback drops quotes, backslashes and anything outside printable ASCII."""
    fallback = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\;%' else "_" for ch in name)
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def can_preview(file: StoredFile) -> bool:
    return file.content_type in INLINE_TYPES


def download_response(
    tenant: TenantSnapshot, file: StoredFile, *, inline: bool = False
) -> Response:
    """The file's bytes as a streamed response; 404 when the file is another tenant's, in the
    trash, or missing from storage."""
    if file.tenant_id != tenant.id or file.deleted_at is not None:
        raise NotFound()
    chunks = storage().open(file.storage_key)
    if chunks is None:
        current_app.logger.error("file %s of tenant %s missing from storage", file.id, tenant.id)
        raise NotFound()
    show_inline = inline and can_preview(file)
    if file.content_type in ACTIVE_TYPES:
        mimetype = "application/octet-stream"  # HTML, SVG, XML: never rendered by a browser
    elif file.content_type.startswith("text/"):
        mimetype = f"{file.content_type}; charset=utf-8"
    else:
        mimetype = file.content_type
    response = Response(chunks, content_type=mimetype, direct_passthrough=True)
    response.content_length = file.size
    response.headers["Content-Disposition"] = content_disposition(
        "inline" if show_inline else "attachment", file.name
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = SANDBOX_CSP
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response
