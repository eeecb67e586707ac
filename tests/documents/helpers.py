"""Shared steps of the document request tests: request through the dashboard, find links."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from tests.fixtures.tenants import HostClient, csrf_from

ACT_LINK = re.compile(r"https?://[^\s\"<>]+/act/[A-Za-z0-9_-]+")
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def request_documents(
    firm: HostClient, account_id: int, *items: tuple[str, str, date | None]
) -> Any:
    """Staff fill in the "Request documents" form: (title, notes, due date) per row."""
    data: dict[str, Any] = {"account_id": str(account_id)}
    for number, (title, notes, due) in enumerate(items):
        data[f"items-{number}-title"] = title
        data[f"items-{number}-notes"] = notes
        data[f"items-{number}-due_date"] = due.isoformat() if due else ""
    return firm.submit("/admin/documents/new", data)


def act_links_in(text: str) -> list[str]:
    return ACT_LINK.findall(text)


def path_of(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def upload_form(client: HostClient, page: str, name: str, content: bytes) -> Any:
    """GET the page (as a person would), then POST its upload form with one file.

    The body is built here: Werkzeug's test client spools a large multipart body to a
    temporary file it never closes."""
    csrf = csrf_from(client.get(page).get_data(as_text=True))
    boundary = "foyer-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{csrf}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return client.post(page, data=body, content_type=f"multipart/form-data; boundary={boundary}")
