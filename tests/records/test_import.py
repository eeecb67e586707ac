"""CSV import: upload, mapping, preview with per-row problems, all-or-nothing or valid rows
only, skip or update existing records, invitations at the end, and a 10,000-row file."""

from __future__ import annotations

import io
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

import jobs.imports
import portal.clients.imports
from portal.audit.models import AuditEvent
from portal.clients.models import AccountContact, AccountTag, ClientAccount, ClientImport, Contact
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.core.storage import storage
from tests.fixtures.smtp import text_of
from tests.fixtures.tenants import csrf_from

HEADER = "Company,Full name,E-mail,Phone,Tags,Client number\n"


def _upload(firm, content: str, name: str = "clients.csv"):  # type: ignore[no-untyped-def]
    csrf = csrf_from(firm.get("/admin/clients/import").get_data(as_text=True))
    return firm.post(
        "/admin/clients/import",
        data={"csrf_token": csrf, "file": (io.BytesIO(content.encode()), name)},
        content_type="multipart/form-data",
    )


def _mapped(firm, content: str) -> int:  # type: ignore[no-untyped-def]
    """Upload, accept the guessed mapping; returns the import id."""
    response = _upload(firm, content)
    assert response.status_code == 302, response.get_data(as_text=True)
    mapping_url = response.headers["Location"]
    page = firm.get(mapping_url).get_data(as_text=True)
    columns = {}
    for index in range(content.splitlines()[0].count(",") + 1):
        marker = f'name="column_{index}"'
        chunk = page[page.index(marker) :].split("</select>")[0]
        selected = [part for part in chunk.split("<option") if "selected" in part]
        columns[f"column_{index}"] = (
            selected[0].split('value="')[1].split('"')[0] if selected else ""
        )
    mapped = firm.post(mapping_url, data={"csrf_token": csrf_from(page), **columns})
    assert mapped.status_code == 302, mapped.get_data(as_text=True)
    return int(mapping_url.rstrip("/").split("/")[-2])


def _run(firm, import_id: int, *, mode: str = "all", existing: str = "skip", invite: bool = False):  # type: ignore[no-untyped-def]
    preview = f"/admin/clients/import/{import_id}/preview?existing={existing}"
    data = {"mode": mode, "existing": existing}
    if invite:
        data["invite"] = "y"
    response = firm.submit(preview, data, action=f"/admin/clients/import/{import_id}/run")
    assert response.status_code == 302
    # Requests here share the `app` fixture's session; the job committed from its own context,
    # so forget what the shared session loaded before it ran (a real request starts afresh).
    db.session.expire_all()
    return firm.get(f"/admin/clients/import/{import_id}").get_data(as_text=True)


def _count(model) -> int:  # type: ignore[no-untyped-def]
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


MIXED = HEADER + (
    'Acme Ltd,Ann Acme,ann@acme.example,+1 555 0100,"VIP, tax",C-1\n'
    "Acme Ltd,Bob Acme,bob@acme.example,,,C-1\n"
    "Broken Co,Carl,not-an-email,,,\n"
    "Dup Co,Dee,dee@dup.example,,,\n"
    "Dup Co,Dee,dee@dup.example,,,\n"
    ",,,,,\n"
    ",,eve@nameless.example,,,\n"
    "Known Co,Kim,kim@known.example,,,\n"
)


def test_guessed_mapping_and_preview_show_each_rows_problem(firm, create_client):
    create_client("kim@known.example", "Known Co", invite=False)
    import_id = _mapped(firm, MIXED)
    page = firm.get(f"/admin/clients/import/{import_id}/preview").get_data(as_text=True)
    assert "Nothing has been imported yet" in page
    assert "Bad email address: not-an-email" in page
    assert "Duplicate email dee@dup.example: also on line 5." in page
    assert "Missing name: give an account name or a contact name." in page
    assert "kim@known.example is already a contact: skipped." in page
    assert "<strong>3</strong> row(s) create" in page  # Ann (new account), Bob, Dee
    assert "<strong>3</strong> row(s) with problems" in page
    assert _count(ClientAccount) == 1  # the preview wrote nothing


def test_all_or_nothing_imports_nothing_then_valid_rows_only_imports_the_rest(
    firm, tenant, create_client
):
    create_client("kim@known.example", "Known Co", invite=False)
    import_id = _mapped(firm, MIXED)
    page = _run(firm, import_id, mode="all")
    assert "Not imported: Some rows have problems: nothing was imported. 3 row(s)" in page
    assert "Bad email address: not-an-email" in page
    assert (_count(ClientAccount), _count(Contact)) == (1, 1)

    again = firm.submit(
        f"/admin/clients/import/{import_id}",
        {"mode": "valid", "existing": "skip"},
        action=f"/admin/clients/import/{import_id}/run",
    )
    assert again.status_code == 302
    page = firm.get(f"/admin/clients/import/{import_id}").get_data(as_text=True)
    assert "Done: 3 created, 0 updated, 1 skipped, 3 failed." in page
    assert "2 new account(s), 3 new contact(s)." in page
    assert (_count(ClientAccount), _count(Contact)) == (3, 4)
    acme = db.session.scalars(select(ClientAccount).where(ClientAccount.name == "Acme Ltd")).one()
    assert acme.reference_id == "C-1"
    tags = db.session.scalars(select(AccountTag.tag).where(AccountTag.account_id == acme.id))
    assert sorted(tags) == ["tax", "vip"]
    ann = db.session.scalars(select(Contact).where(Contact.email == "ann@acme.example")).one()
    assert (ann.name, ann.phone) == ("Ann Acme", "+1 555 0100")
    assert _count(AccountContact) == 4
    run = db.session.get(ClientImport, import_id)
    assert (run.created, run.updated, run.skipped, run.failed) == (3, 0, 1, 3)
    details = db.session.scalars(
        select(AuditEvent.detail).where(AuditEvent.event == "clients.import")
    ).all()
    assert details[-1] == f"import {import_id}: created 3, updated 0, skipped 1, failed 3"


def test_update_mode_updates_the_existing_contact_and_account(firm, create_client):
    create_client("kim@known.example", "Known Co", invite=False, name="K")
    import_id = _mapped(firm, HEADER + "Known Co,Kim Known,kim@known.example,+1 555,new,\n")
    page = _run(firm, import_id, existing="update")
    assert "Done: 0 created, 1 updated, 0 skipped, 0 failed." in page
    kim = db.session.scalars(select(Contact)).one()
    assert (kim.name, kim.phone) == ("Kim Known", "+1 555")
    assert list(db.session.scalars(select(AccountTag.tag))) == ["new"]
    assert _count(ClientAccount) == 1


def test_upload_refuses_a_file_that_is_not_usable(firm, monkeypatch):
    empty = _upload(firm, "")
    assert empty.status_code == 422 and "The file is empty." in empty.get_data(as_text=True)
    header_only = _upload(firm, HEADER)
    assert "header row but no clients" in header_only.get_data(as_text=True)
    binary = _upload(firm, "PK\x00\x03 zip")
    assert "This is not a CSV text file." in binary.get_data(as_text=True)
    # (Small sizes: the test client leaves bodies over 500 KB in an unclosed temporary file.)
    monkeypatch.setattr(portal.clients.imports, "MAX_BYTES", 100 * 1024)
    big = _upload(firm, HEADER + ("x," * 100 + "\n") * 1000)
    assert big.status_code == 422 and "too large: at most 100 KB" in big.get_data(as_text=True)
    monkeypatch.setattr(portal.clients.imports, "MAX_ROWS", 10)
    many = _upload(firm, HEADER + "A,B,a@b.example,,,\n" * 11)
    assert "import at most 10 at a time" in many.get_data(as_text=True)
    assert _count(ClientImport) == 0


def test_grant_access_and_invite_at_the_end(firm, smtp):
    import_id = _mapped(
        firm, HEADER + "Acme Ltd,Ann,ann@acme.example,,,\nBeta,Bo,bo@beta.example,,,\n"
    )
    page = _run(firm, import_id, invite=True)
    assert "Done: 2 created" in page and "Invitations: see their progress" in page
    assert db.session.scalars(select(AccountContact.login_enabled)).all() == [True, True]
    mails = smtp.wait_for(2)
    assert sorted(m["To"] for m in mails) == ["ann@acme.example", "bo@beta.example"]
    assert "/invite/" in text_of(mails[0])


def test_own_export_maps_itself_and_reimports_without_duplicates(firm, create_client):
    create_client("ann@client.example", "Jones Household", invite=False, name="Ann")
    exported = firm.get("/admin/clients/export.csv").get_data(as_text=True).lstrip("\ufeff")
    import_id = _mapped(firm, exported)
    mapping = db.session.get(ClientImport, import_id).mapping
    assert '"account_name"' in mapping and '"contact_email"' in mapping and '"login"' in mapping
    page = _run(firm, import_id)
    assert "Done: 0 created, 0 updated, 1 skipped, 0 failed." in page
    assert (_count(ClientAccount), _count(Contact)) == (1, 1)


@pytest.mark.slow
def test_ten_thousand_rows_run_as_a_job_with_progress(firm, tenant, monkeypatch):
    rows = "".join(f"Client {n:05d},Person {n},p{n}@bulk.example,,,R{n}\n" for n in range(10_000))
    # Stored as the upload view does (the test client would leave a 500 KB body in an unclosed
    # temporary file); the mapping, run and progress go through the pages.
    run = portal.clients.imports.store_upload(tenant.id, "big.csv", (HEADER + rows).encode(), None)
    db.session.commit()
    import_id = run.id
    seen: list[tuple[str, int]] = []
    real = jobs.imports.parse_file

    def watched(*args, **kwargs):  # type: ignore[no-untyped-def]
        for chunk in real(*args, **kwargs):
            yield chunk
            with db.engine.connect() as connection:  # what the progress page reads
                seen.append(
                    tuple(
                        connection.execute(
                            text("SELECT status, processed FROM client_imports WHERE id = :i"),
                            {"i": import_id},
                        ).one()
                    )
                )

    monkeypatch.setattr(jobs.imports, "parse_file", watched)
    started = time.monotonic()
    page = _run(firm, import_id)
    elapsed = time.monotonic() - started
    assert "Done: 10000 created, 0 updated, 0 skipped, 0 failed." in page
    progress = [processed for status, processed in seen if status == "checking"]
    assert progress[:3] == [500, 1000, 1500] and progress[-1] == 10_000
    assert (_count(ClientAccount), _count(Contact), _count(AccountContact)) == (
        10_000,
        10_000,
        10_000,
    )
    assert elapsed < 120


def test_a_stalled_run_starts_again_and_a_double_click_starts_one_job(firm, tenant):
    import_id = _mapped(firm, HEADER + "Acme Ltd,Ann,ann@acme.example,,,\n")
    run = db.session.get(ClientImport, import_id)
    key = run.storage_key
    claim = {"update_existing": False, "valid_only": False, "invite": False}
    assert portal.clients.imports.claim_run(tenant.id, import_id, **claim)
    assert not portal.clients.imports.claim_run(tenant.id, import_id, **claim)
    # Its worker died while saving: the transaction was rolled back, the row says "saving".
    run = db.session.get(ClientImport, import_id)
    run.status, run.started_at = "saving", utcnow() - timedelta(minutes=20)
    db.session.commit()
    page = firm.get(f"/admin/clients/import/{import_id}").get_data(as_text=True)
    assert "This import stopped before it finished: nothing was imported." in page
    assert 'http-equiv="refresh"' not in page
    again = firm.submit(
        f"/admin/clients/import/{import_id}",
        {"mode": "all", "existing": "skip"},
        action=f"/admin/clients/import/{import_id}/run",
    )
    assert again.status_code == 302
    db.session.expire_all()
    page = firm.get(f"/admin/clients/import/{import_id}").get_data(as_text=True)
    assert "Done: 1 created, 0 updated, 0 skipped, 0 failed." in page
    assert storage().get(key) is None  # imported: the uploaded file is gone
