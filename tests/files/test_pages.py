"""The client's and the staff's Files pages: upload, download the same bytes, Internal stays
internal, trash and restore, limits, and the headers of every download."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import select

from portal.core.extensions import db
from portal.files.models import ClientFile, Folder
from tests.files.conftest import PDF, PNG, post_files


def only_file(name: str) -> ClientFile:
    row = db.session.scalar(select(ClientFile).where(ClientFile.name == name))
    assert row is not None, f"{name} not stored"
    return row


def test_client_uploads_two_files_and_downloads_the_same_bytes(client: Any, account: Any) -> None:
    data = PDF + b"%" * 50_000
    response = post_files(
        client, "/files/", "/files/upload", [(data, "Return.pdf"), (b"a,b\n1,2\n", "numbers.csv")]
    )
    assert response.status_code == 303
    page = client.get("/files/").get_data(as_text=True)
    assert "Return.pdf" in page and "numbers.csv" in page and "Carol Birch" in page
    row = only_file("Return.pdf")
    download = client.get(f"/files/{row.id}/download")
    assert download.status_code == 200
    assert hashlib.sha256(download.data).hexdigest() == hashlib.sha256(data).hexdigest()
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Type"] == "application/pdf"


def test_staff_upload_lands_in_the_client_view_and_back(
    firm: Any, client: Any, account: Any
) -> None:
    page = f"/admin/files/{account.id}/"
    response = post_files(firm, page, f"/admin/files/{account.id}/upload", [(PNG, "scan.png")])
    assert response.status_code == 303
    row = only_file("scan.png")
    assert row.uploaded_by_kind == "staff"
    assert "scan.png" in client.get("/files/").get_data(as_text=True)
    assert client.get(f"/files/{row.id}/download").data == PNG
    assert firm.get(f"/admin/files/{account.id}/{row.id}/download").data == PNG
    # the client may not change a file the firm shared
    assert client.get(f"/files/{row.id}/delete").status_code == 403


def test_json_upload_answers_each_file(client: Any) -> None:
    response = post_files(
        client,
        "/files/",
        "/files/upload",
        [(b"hello", "note.txt")],
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200
    assert response.json == {"stored": ["note.txt"], "errors": []}
    response = post_files(
        client,
        "/files/",
        "/files/upload",
        [(b"hello", "note.txt")],
        headers={"Accept": "application/json"},
    )
    assert response.json["stored"] == ["note (2).txt"]  # never overwritten


def test_internal_folder_never_reaches_the_client(firm: Any, client: Any, account: Any) -> None:
    created = firm.submit(
        f"/admin/files/{account.id}/", {}, action=f"/admin/files/{account.id}/internal"
    )
    assert created.status_code == 303
    internal = db.session.scalar(select(Folder).where(Folder.internal.is_(True)))
    assert internal is not None
    post_files(
        firm,
        f"/admin/files/{account.id}/",
        f"/admin/files/{account.id}/upload",
        [(b"secret notes", "Partner notes.txt")],
        folder_id=str(internal.id),
    )
    row = only_file("Partner notes.txt")
    assert row.internal
    listing = client.get("/files/").get_data(as_text=True)
    assert "Internal" not in listing and "Partner notes" not in listing
    assert client.get(f"/files/folder/{internal.id}").status_code == 404
    assert client.get(f"/files/{row.id}/download").status_code == 404
    assert client.get(f"/files/{row.id}/view").status_code == 404
    # a client cannot upload into it either
    response = post_files(
        client, "/files/", "/files/upload", [(b"x", "x.txt")], folder_id=str(internal.id)
    )
    assert response.status_code == 404
    assert "Partner notes.txt" in firm.get(
        f"/admin/files/{account.id}/folder/{internal.id}"
    ).get_data(as_text=True)


def test_client_never_sees_another_accounts_files(
    firm: Any, make_account: Any, make_client: Any, tenant: Any, account: Any
) -> None:
    other = make_account(tenant, "Cedar Holdings")
    post_files(
        firm,
        f"/admin/files/{other.id}/",
        f"/admin/files/{other.id}/upload",
        [(b"cedar", "Cedar ledger.txt")],
    )
    row = only_file("Cedar ledger.txt")
    who = make_client(account)
    assert "Cedar ledger" not in who.get("/files/").get_data(as_text=True)
    assert who.get(f"/files/{row.id}/download").status_code == 404


def test_trash_and_restore(client: Any) -> None:
    post_files(client, "/files/", "/files/upload", [(b"draft", "draft.txt")])
    row = only_file("draft.txt")
    assert client.submit(f"/files/{row.id}/delete", {}).status_code == 303
    assert ">draft.txt</a>" not in client.get("/files/").get_data(as_text=True)
    trash = client.get("/files/trash").get_data(as_text=True)
    assert "draft.txt" in trash
    assert client.get(f"/files/{row.id}/download").status_code == 404
    response = client.submit("/files/trash", {}, action=f"/files/trash/{row.id}/restore")
    assert response.status_code == 303
    assert ">draft.txt</a>" in client.get("/files/").get_data(as_text=True)
    assert client.get(f"/files/{row.id}/download").data == b"draft"


def test_rename_and_move_into_a_folder(client: Any) -> None:
    post_files(client, "/files/", "/files/upload", [(b"one", "one.txt")])
    row = only_file("one.txt")
    assert (
        client.submit(f"/files/{row.id}/rename", {"name": "../../etc/renamed.txt"}).status_code
        == 303
    )
    db.session.refresh(row)
    assert row.name == "renamed.txt"
    response = client.submit("/files/", {"name": "Taxes 2025"}, action="/files/folders")
    assert response.status_code == 303
    folder = db.session.scalar(select(Folder).where(Folder.name == "Taxes 2025"))
    assert client.submit(f"/files/{row.id}/move", {"folder_id": str(folder.id)}).status_code == 303
    assert "renamed.txt" in client.get(f"/files/folder/{folder.id}").get_data(as_text=True)
    assert ">renamed.txt</a>" not in client.get("/files/").get_data(as_text=True)


def test_staff_files_page_shows_quota_usage_and_finds_accounts(firm: Any, account: Any) -> None:
    page = firm.get("/admin/files/?q=birch")
    assert page.status_code == 200
    assert "Storage used by the firm" in page.get_data(as_text=True)
    assert "Birch Household" in page.get_data(as_text=True)
    assert firm.get("/admin/files/accounts?q=bir").json == {
        "accounts": [{"id": account.id, "name": "Birch Household"}]
    }
    exact = firm.get("/admin/files/?q=Birch+Household")
    assert exact.status_code == 303 and exact.headers["Location"].endswith(
        f"/admin/files/{account.id}/"
    )


def test_firm_sets_its_upload_limit_within_the_platform_maximum(
    app: Any, firm: Any, client: Any, tenant: Any
) -> None:
    app.config["MAX_UPLOAD_BYTES"] = 20 * 1024 * 1024
    refused = firm.submit("/admin/settings/files", {"max_upload_mb": "21"})
    assert refused.status_code == 422
    assert "from 1 to 20 MB" in refused.get_data(as_text=True)
    assert firm.submit("/admin/settings/files", {"max_upload_mb": "1"}).status_code == 302
    assert "Largest file: 1 MB" in firm.get("/admin/files/").get_data(as_text=True)
    response = post_files(client, "/files/", "/files/upload", [(b"x" * (1024 * 1024 + 1), "a.txt")])
    assert response.status_code == 422
    assert "files can be at most 1 MB" in response.get_data(as_text=True)


def test_moving_into_internal_hides_a_file_and_clients_cannot(
    firm: Any, client: Any, account: Any
) -> None:
    firm.submit(f"/admin/files/{account.id}/", {}, action=f"/admin/files/{account.id}/internal")
    internal = db.session.scalar(select(Folder).where(Folder.internal.is_(True)))
    assert internal is not None
    post_files(client, "/files/", "/files/upload", [(b"mine", "mine.txt"), (b"more", "more.txt")])
    mine, more = only_file("mine.txt"), only_file("more.txt")
    refused = client.submit(f"/files/{mine.id}/move", {"folder_id": str(internal.id)})
    assert refused.status_code == 422
    assert "That folder no longer exists." in refused.get_data(as_text=True)
    moved = firm.submit(
        f"/admin/files/{account.id}/{more.id}/move", {"folder_id": str(internal.id)}
    )
    assert moved.status_code == 303
    db.session.refresh(more)
    assert more.internal
    assert ">more.txt</a>" not in client.get("/files/").get_data(as_text=True)
    assert client.get(f"/files/{more.id}/download").status_code == 404
