"""Job entry points for CSV imports of client accounts and contacts, with progress.

Phase one checks every row and commits only the progress counter (the page polls it). Phase
two checks again (the database may have changed meanwhile) and writes every row in one
transaction with the final counts: a crash rolls it back and leaves nothing half-imported; the
run then shows as failed and can be started again from its preview.
"""

from __future__ import annotations

import json
from dataclasses import replace

from jobs.context import job
from jobs.queue import enqueue
from portal.audit.service import Outcome, record
from portal.clients.imports import (
    Checker,
    Result,
    Row,
    apply_rows,
    load_file,
    mapping_of,
    parse_file,
    resolve_rows,
    summarize,
)
from portal.clients.models import BulkInvite, ClientImport, ImportStatus
from portal.core.database import utcnow
from portal.core.errors import UserError
from portal.core.extensions import db
from portal.core.storage import storage
from tenants.scoping import get_owned

FINISHED = (ImportStatus.DONE, ImportStatus.FAILED, ImportStatus.DRAFT)


@job
def run_client_import(tenant_id: int, import_id: int) -> str:
    run = get_owned(ClientImport, tenant_id, import_id)
    if run is None or run.status in FINISHED:
        return "nothing to do"
    run.processed, run.started_at = 0, utcnow()
    db.session.commit()
    try:
        _headers, cells = load_file(run)
    except UserError as exc:
        return _fail(run, Result(), exc.message)
    update_existing = run.update_existing
    parsed: list[Row] = []
    checked: list[Row] = []
    checker = Checker(tenant_id, {}, update_existing)
    for chunk in parse_file(cells, mapping_of(run)):
        parsed.extend(chunk)
        checked += checker.resolve([replace(row, errors=list(row.errors)) for row in chunk])
        run.processed = len(parsed)
        db.session.commit()
    summary = summarize(checked)
    if summary.failed and not run.valid_only:
        return _fail(run, summary, "Some rows have problems: nothing was imported.")
    run.status = ImportStatus.SAVING
    db.session.commit()
    try:
        rows = resolve_rows(tenant_id, parsed, update_existing)
        result = apply_rows(
            tenant_id,
            rows,
            valid_only=run.valid_only,
            update_existing=update_existing,
            login_all=run.invite,
        )
        if result.failed and not run.valid_only:
            db.session.rollback()
            return _fail(run, result, "Some rows changed meanwhile: nothing was imported.")
        bulk = _invite(run, result) if run.invite else None
        _finish(run, result, ImportStatus.DONE, "")
        db.session.commit()
    except Exception:
        db.session.rollback()
        _fail(run, Result(), "The import stopped on an error: nothing was imported.")
        raise
    storage().delete(run.storage_key)  # imported: the file is not needed any more
    if bulk is not None:
        enqueue("run_bulk_invite", tenant_id, bulk.id)
    _audit(run, Outcome.SUCCESS)
    return ImportStatus.DONE.value


def _invite(run: ClientImport, result: Result) -> BulkInvite | None:
    """Invite the contacts of the accounts this import created (their access is already on),
    through the bulk-invitation run staff know from the clients list."""
    if not result.accounts_created:
        return None
    bulk = BulkInvite(
        tenant_id=run.tenant_id,
        account_ids=json.dumps(result.accounts_created),
        send_invitations=True,
        staff_id=run.staff_id,
        invited_by_label="Client import (team)",
        total=len(result.accounts_created),
    )
    db.session.add(bulk)
    db.session.flush()
    run.bulk_invite_id = bulk.id
    return bulk


def _finish(run: ClientImport, result: Result, status: ImportStatus, message: str) -> None:
    run.status = status
    run.created, run.updated = result.created, result.updated
    run.skipped, run.failed = result.skipped, result.failed
    run.finished_at = utcnow()
    run.report = json.dumps(
        {
            "message": message,
            "accounts_created": len(result.accounts_created),
            "contacts_created": result.contacts_created,
            "problems": result.problems,
        }
    )


def _fail(run: ClientImport, result: Result, message: str) -> str:
    run = db.session.get(ClientImport, run.id) or run  # reloaded after a rollback
    _finish(run, result, ImportStatus.FAILED, message)
    db.session.commit()
    _audit(run, Outcome.FAILURE)
    return ImportStatus.FAILED.value


def _audit(run: ClientImport, outcome: Outcome) -> None:
    record(
        "clients.import",
        tenant=run.tenant_id,
        principal_kind="staff",
        principal_id=run.staff_id,
        ip="",
        outcome=outcome,
        detail=(
            f"import {run.id}: created {run.created}, updated {run.updated}, "
            f"skipped {run.skipped}, failed {run.failed}"
        ),
    )
