"""The file lists run the same number of SQL statements with 10 files as with 100."""

from __future__ import annotations

from typing import Any

import pytest

from portal.core.extensions import db
from portal.files.models import ClientFile, Folder
from tests.fixtures.queries import counting


def add_files(tenant_id: int, account_id: int, start: int, stop: int) -> None:
    for number in range(start, stop):
        db.session.add(
            ClientFile(
                tenant_id=tenant_id,
                account_id=account_id,
                name=f"File {number:04d}.txt",
                size=10,
                content_type="text/plain",
                storage_key=f"tenants/{tenant_id}/files/f{number}",
                sha256="0" * 64,
                uploaded_by_kind="client",
                uploaded_by_id=1,
                uploaded_by_name=f"Uploader {number}",
            )
        )
        if number % 10 == 0:
            db.session.add(
                Folder(tenant_id=tenant_id, account_id=account_id, name=f"Folder {number:04d}")
            )
    db.session.commit()


@pytest.mark.slow  # 100 files inserted, each page counted twice
@pytest.mark.parametrize("who", ["client", "staff"])
def test_file_list_query_count_does_not_grow_with_rows(
    tenant: Any, account: Any, client: Any, firm: Any, app: Any, who: str
) -> None:
    browser, page = (
        (client, "/files/") if who == "client" else (firm, f"/admin/files/{account.id}/")
    )
    counts: dict[int, int] = {}
    made = 0
    for size in (10, 100):
        add_files(tenant.id, account.id, made, size)
        made = size
        assert browser.get(page).status_code == 200  # warm the caches
        db.session.expire_all()
        with counting() as statements:
            response = browser.get(page)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert "File 0009.txt" in html and "Uploader 9" in html, "rows not listed"
        counts[size] = len(statements)
    assert len(set(counts.values())) == 1, f"{page}: statements per request by rows: {counts}"
    assert 'rel="next"' in html and "File 0099.txt" not in html, "100 files on one page"
