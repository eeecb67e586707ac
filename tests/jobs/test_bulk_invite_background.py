"""Embedded mode: a long bulk invitation run works in its own thread; the staff member's request
answers at once, the progress page follows the run, failures show, stalled runs resume."""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

import jobs.invites
from jobs.invites import resume_bulk_invites
from portal.clients.models import BulkInvite, BulkStatus, ClientAccount, Invitation
from portal.core.database import utcnow
from portal.core.extensions import db
from tests.clients.test_bulk_and_pending import _seed_accounts

ACCOUNTS = 250  # two chunks: more than one, so the run gets a thread


@pytest.fixture(autouse=True)
def _join_runs():  # type: ignore[no-untyped-def]
    """A run's thread must not send into the next test's SMTP server."""
    yield
    for thread in threading.enumerate():
        if thread.name.startswith("foyer-job-"):
            thread.join(timeout=120)


def _post_bulk(firm):  # type: ignore[no-untyped-def]
    response = firm.submit(
        "/admin/clients/",
        {"select_all_matching": "1", "send_invitations": "y", "personal_message": "Hello"},
        action="/admin/clients/bulk",
    )
    assert response.status_code == 302
    return response.headers["Location"]


def _wait_for_page(firm, url: str, text: str, timeout: float = 120) -> str:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        db.session.rollback()  # the pages share the test's session: read the run anew
        page = firm.get(url).get_data(as_text=True)
        if text in page:
            return page
        assert time.monotonic() < deadline, f"{text!r} not on the progress page: {page}"
        time.sleep(0.2)


def _gate_chunks(monkeypatch, gate: threading.Event, fail_at: int | None = None) -> list[int]:  # type: ignore[no-untyped-def]
    """Every chunk of the run waits for `gate`; chunk number `fail_at` raises."""
    chunks: list[int] = []
    real = jobs.invites.enable_login_for_accounts

    def gated(tenant_id: int, account_ids: list[int]):  # type: ignore[no-untyped-def]
        chunks.append(len(account_ids))
        assert gate.wait(timeout=60), "the test never released the run"
        if fail_at is not None and len(chunks) == fail_at:
            raise RuntimeError("database went away")
        return real(tenant_id, account_ids)

    monkeypatch.setattr(jobs.invites, "enable_login_for_accounts", gated)
    return chunks


@pytest.mark.timeout(400)
def test_the_request_answers_while_the_run_works_and_every_email_arrives(
    firm, tenant, smtp, monkeypatch
):
    _seed_accounts(tenant.id, ACCOUNTS)
    gate = threading.Event()
    chunks = _gate_chunks(monkeypatch, gate)

    progress = _post_bulk(firm)  # answered although the run cannot have taken a step yet

    page = firm.get(progress).get_data(as_text=True)
    assert f"Working: 0 of {ACCOUNTS} accounts processed" in page
    assert '<meta http-equiv="refresh"' in page
    deadline = time.monotonic() + 30  # the thread starts after the response: give it time
    while not chunks and time.monotonic() < deadline:
        time.sleep(0.05)
    assert chunks == [200], "the run waits in its own thread on its first chunk"
    gate.set()
    page = _wait_for_page(firm, progress, f"Done: {ACCOUNTS} of {ACCOUNTS} accounts processed")
    assert f"{ACCOUNTS} invitation(s) sent" in page
    assert '<meta http-equiv="refresh"' not in page
    assert chunks == [200, 50]
    mails = smtp.wait_for(ACCOUNTS, timeout=120)
    assert len({str(mail["To"]) for mail in mails}) == ACCOUNTS, "one email per contact"
    assert all("Hello" in mail.get_body(preferencelist=("plain",)).get_content() for mail in mails)
    assert db.session.scalar(select(func.count(Invitation.id))) == ACCOUNTS


@pytest.mark.timeout(400)
def test_a_run_stopped_by_an_error_says_so_and_the_error_is_logged(
    firm, tenant, smtp, monkeypatch, caplog
):
    _seed_accounts(tenant.id, ACCOUNTS)
    gate = threading.Event()
    gate.set()
    _gate_chunks(monkeypatch, gate, fail_at=2)
    caplog.set_level(logging.ERROR, logger="jobs.queue")

    progress = _post_bulk(firm)

    page = _wait_for_page(firm, progress, "Stopped by an error")
    assert f"200 of {ACCOUNTS} accounts processed, 200 invitation(s) sent" in page
    assert '<meta http-equiv="refresh"' not in page
    assert any("run_bulk_invite failed" in r.getMessage() for r in caplog.records)
    assert len(smtp.wait_for(200)) == 200
    time.sleep(0.5)
    assert len(smtp.messages) == 200, "nothing of the failed chunk was sent"


@pytest.mark.timeout(400)
def test_a_stalled_run_resumes_where_its_count_stands(firm, tenant, smtp):
    _seed_accounts(tenant.id, 300)
    ids = db.session.scalars(select(ClientAccount.id).order_by(ClientAccount.id)).all()
    long_ago = utcnow() - timedelta(minutes=10)
    stalled, moving = (
        BulkInvite(
            tenant_id=tenant.id,
            account_ids=json.dumps(account_ids),
            send_invitations=True,
            invited_by_label="Owner",
            total=len(account_ids),
            processed=processed,
            status=BulkStatus.RUNNING,
            created_at=long_ago,
            finished_at=last_moved,
        )
        # A process died after the first 200 (whose emails went out); another run moves.
        for account_ids, processed, last_moved in (
            (ids, 200, long_ago),
            (ids[:10], 0, utcnow()),
        )
    )
    db.session.add_all([stalled, moving])
    db.session.commit()

    assert resume_bulk_invites() == 1

    progress = f"/admin/clients/bulk/{stalled.id}"
    _wait_for_page(firm, progress, "Done: 300 of 300 accounts processed, 100 invitation(s) sent")
    mails = smtp.wait_for(100, timeout=60)
    assert sorted(str(m["To"]) for m in mails) == sorted(
        f"c{n}@bulk.example" for n in range(200, 300)
    )
    db.session.expire_all()
    assert db.session.get(BulkInvite, moving.id).status == BulkStatus.RUNNING
    assert resume_bulk_invites() == 0
