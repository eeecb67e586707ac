"""CSV import of client accounts and contacts: check every row, then write them all at once.

Staff upload a file (stored through `portal.core.storage`, never in Redis), map its columns
(guessed from the headers), see a preview with each row's problems, and choose:

- all-or-nothing: one bad row and nothing is imported, or valid rows only;
- for an email that is already a contact (and an account that already exists): skip the row,
  or update the existing record from the row's non-empty cells.

The job (`jobs/imports.py`) first checks every row, committing only its progress counter, then
checks again and writes every row in ONE transaction that also stores the final counts. A
failure or a crashed worker rolls that transaction back: nothing is half-imported, and the run
can simply be started again. The counts in the report are what the transaction wrote.

One row is one account with at most one contact. Rows that name the same account (same
reference id, else same name) add contacts to it; an email that comes back for another
account links the same person to it (Foyer's own export has one row per account and contact).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import timedelta

from sqlalchemy import and_, func, or_, select, update

from portal.clients.csv_io import BY_KEY, guess_mapping, read_rows
from portal.clients.directory import clean_text
from portal.clients.models import (
    AccountContact,
    AccountKind,
    AccountTag,
    ClientAccount,
    ClientImport,
    Contact,
    ImportStatus,
)
from portal.clients.records import clean_account_fields, tags_by_account
from portal.core.database import utcnow
from portal.core.emails import normalize_email
from portal.core.errors import UserError
from portal.core.extensions import db
from portal.core.storage import storage

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
CHUNK = 500  # rows per lookup (stays under SQLite's bound-parameter limit)
REPORTED_PROBLEMS = 1_000
STALLED_AFTER = timedelta(minutes=15)  # the queue stops a job after 3 minutes

_KINDS = {
    "company": AccountKind.COMPANY,
    "business": AccountKind.COMPANY,
    "organization": AccountKind.COMPANY,
    "organisation": AccountKind.COMPANY,
    "household": AccountKind.HOUSEHOLD,
    "household / individual": AccountKind.HOUSEHOLD,
    "individual": AccountKind.HOUSEHOLD,
    "person": AccountKind.HOUSEHOLD,
    "family": AccountKind.HOUSEHOLD,
}
_YES = {"yes", "y", "true", "1", "x", "on", "enabled"}
_NO = {"no", "n", "false", "0", "off", "disabled", ""}


class Action:
    CREATE = "create"
    UPDATE = "update"
    SKIP = "skip"
    ERROR = "error"


@dataclass
class Row:
    line: int
    account_name: str = ""
    kind: str = AccountKind.COMPANY
    tags: tuple[str, ...] = ()
    account_phone: str = ""
    address: str = ""
    reference_id: str = ""
    notes: str = ""
    contact_name: str = ""
    email: str = ""
    contact_phone: str = ""
    login: bool = False
    errors: list[str] = field(default_factory=list)
    action: str = Action.CREATE
    note: str = ""
    account_id: int | None = None  # an existing account
    contact_id: int | None = None  # an existing contact

    @property
    def account_key(self) -> tuple[str, str]:
        if self.reference_id:
            return ("ref", self.reference_id.lower())
        return ("name", self.account_name.lower())


@dataclass
class Result:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    failed: int = 0
    accounts_created: list[int] = field(default_factory=list)
    contacts_created: int = 0
    problems: list[dict[str, object]] = field(default_factory=list)

    def count(self, row: Row) -> None:
        if row.action == Action.ERROR:
            self.failed += 1
            if len(self.problems) < REPORTED_PROBLEMS:
                self.problems.append({"line": row.line, "errors": row.errors})
        else:
            setattr(self, _COUNTERS[row.action], getattr(self, _COUNTERS[row.action]) + 1)


_COUNTERS = {Action.CREATE: "created", Action.UPDATE: "updated", Action.SKIP: "skipped"}


# --- the stored file -------------------------------------------------------------------------


def upload_key(tenant_id: int, import_id: int) -> str:
    return f"tenants/{tenant_id}/imports/clients-{import_id}.csv"


def store_upload(tenant_id: int, filename: str, data: bytes, staff_id: int | None) -> ClientImport:
    """Check the file can be read, store it and record the run (mapping guessed)."""
    if len(data) > MAX_BYTES:
        raise UserError(f"The file is too large: at most {_size(MAX_BYTES)}.", "file")
    headers, rows = read_rows(data)
    if not rows:
        raise UserError("The file has a header row but no clients.", field="file")
    if len(rows) > MAX_ROWS:
        raise UserError(
            f"The file has {len(rows):,} rows: import at most {MAX_ROWS:,} at a time.", "file"
        )
    run = ClientImport(
        tenant_id=tenant_id,
        filename=clean_text(filename, label="file name", max_length=200) or "clients.csv",
        storage_key="pending",
        mapping=json.dumps({str(k): v for k, v in guess_mapping(headers).items()}),
        staff_id=staff_id,
        status=ImportStatus.DRAFT,
        total=len(rows),
    )
    db.session.add(run)
    db.session.flush()
    run.storage_key = upload_key(tenant_id, run.id)
    storage().put(run.storage_key, data)
    return run


def _size(count: int) -> str:
    return f"{count // 1024 // 1024} MB" if count >= 1024 * 1024 else f"{count // 1024} KB"


def load_file(run: ClientImport) -> tuple[list[str], list[list[str]]]:
    data = storage().get(run.storage_key)
    if data is None:
        raise UserError("The uploaded file is no longer available: upload it again.")
    return read_rows(data)


def mapping_of(run: ClientImport) -> dict[int, str]:
    return {int(index): key for index, key in json.loads(run.mapping or "{}").items()}


def set_mapping(run: ClientImport, headers: list[str], chosen: dict[int, str]) -> None:
    mapping = {i: key for i, key in chosen.items() if key in BY_KEY and 0 <= i < len(headers)}
    used = list(mapping.values())
    twice = sorted({BY_KEY[key].label for key in used if used.count(key) > 1})
    if twice:
        raise UserError(f"Each field can come from one column only: {', '.join(twice)}.")
    names = {"account_name", "contact_name", "first_name", "last_name"}
    if not names & set(used):
        raise UserError("Choose the column with the account name or the contact name.")
    run.mapping = json.dumps({str(k): v for k, v in sorted(mapping.items())})


def claim_run(
    tenant_id: int, import_id: int, *, update_existing: bool, valid_only: bool, invite: bool
) -> bool:
    """Start a run that is a draft, failed or stalled, with the staff's choices; one
    statement, so a double click starts one job."""
    restartable = [ImportStatus.DRAFT, ImportStatus.FAILED]
    result = db.session.execute(
        update(ClientImport)
        .where(
            ClientImport.tenant_id == tenant_id,
            ClientImport.id == import_id,
            or_(
                ClientImport.status.in_(restartable),
                and_(
                    ClientImport.status.in_([ImportStatus.CHECKING, ImportStatus.SAVING]),
                    ClientImport.started_at < utcnow() - STALLED_AFTER,
                ),
            ),
        )
        .values(
            status=ImportStatus.CHECKING,
            processed=0,
            started_at=utcnow(),
            update_existing=update_existing,
            valid_only=valid_only,
            invite=invite,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.expire_all()
    return bool(getattr(result, "rowcount", 0))


def stalled(run: ClientImport) -> bool:
    """A run whose worker died (or was stopped by the queue's time limit): its writing
    transaction was rolled back, so nothing was imported and it can be started again."""
    return (
        run.status in (ImportStatus.CHECKING, ImportStatus.SAVING)
        and run.started_at is not None
        and run.started_at < utcnow() - STALLED_AFTER
    )


# --- checking --------------------------------------------------------------------------------


def parse_row(line: int, cells: list[str], mapping: dict[int, str]) -> Row:
    values = {key: cells[index] for index, key in mapping.items() if index < len(cells)}
    row = Row(line)
    get = values.get
    try:
        row.contact_name = clean_text(
            get("contact_name") or " ".join(filter(None, (get("first_name"), get("last_name")))),
            label="contact name",
            max_length=200,
        )
        row.contact_phone = clean_text(get("contact_phone"), label="contact phone", max_length=40)
    except UserError as exc:
        row.errors.append(exc.message)
    if get("contact_email"):
        try:
            row.email = normalize_email(get("contact_email") or "")
        except UserError:
            row.errors.append(f"Bad email address: {get('contact_email', '')[:80]}")
    raw_kind = (get("kind") or "").strip().lower()
    kind = _KINDS.get(raw_kind)
    if raw_kind and kind is None:
        row.errors.append(f"Unknown account type {raw_kind[:40]!r}: use Company or Household.")
    name = get("account_name") or ""
    if not name and row.contact_name:
        name, kind = row.contact_name, kind or AccountKind.HOUSEHOLD
    if not name:
        row.errors.append("Missing name: give an account name or a contact name.")
    else:
        try:
            fields = clean_account_fields(
                name=name,
                kind=kind or AccountKind.COMPANY,
                tags=get("tags") or "",
                notes=get("notes") or "",
                phone=get("account_phone") or "",
                address=get("address") or "",
                reference_id=get("reference_id") or "",
            )
        except UserError as exc:
            row.errors.append(exc.message)
        else:
            row.account_name, row.kind, row.tags = fields.name, fields.kind, fields.tags
            row.notes, row.account_phone, row.address = fields.notes, fields.phone, fields.address
            row.reference_id = fields.reference_id
    login = (get("login") or "").strip().lower()
    if login not in _YES | _NO:
        row.errors.append(f"Portal access must be yes or no, not {login[:20]!r}.")
    row.login = login in _YES
    return row


class Checker:
    """Checks rows chunk by chunk, remembering the file so far (duplicates across chunks)."""

    def __init__(self, tenant_id: int, mapping: dict[int, str], update_existing: bool) -> None:
        self.tenant_id = tenant_id
        self.mapping = mapping
        self.update_existing = update_existing
        self.emails: dict[str, Row] = {}
        self.accounts: dict[tuple[str, str], int | None | str] = {}
        self.new_accounts: set[tuple[str, str]] = set()

    def check(self, cells: list[list[str]], first_line: int) -> list[Row]:
        return self.resolve(
            [parse_row(first_line + n, row, self.mapping) for n, row in enumerate(cells)]
        )

    def resolve(self, rows: list[Row]) -> list[Row]:
        """Decide each parsed row against the database and the rows before it (in place)."""
        valid = [row for row in rows if not row.errors]
        contacts = self._existing_contacts({row.email for row in valid if row.email})
        self._look_up_accounts(valid)
        for row in rows:
            self._decide(row, contacts)
        return rows

    def _decide(self, row: Row, contacts: dict[str, int]) -> None:
        if not row.errors:
            found = self.accounts.get(row.account_key)
            if found == "ambiguous":
                row.errors.append(
                    f"Several accounts are named {row.account_name!r}: add their reference ids."
                )
            else:
                row.account_id = found if isinstance(found, int) else None
        if row.email and not row.errors:
            earlier = self.emails.get(row.email)
            if earlier is not None and earlier.account_key == row.account_key:
                row.errors.append(f"Duplicate email {row.email}: also on line {earlier.line}.")
            elif earlier is not None and row.contact_name not in ("", earlier.contact_name):
                row.errors.append(
                    f"Line {earlier.line} has {row.email} with another name "
                    f"({earlier.contact_name or 'none'})."
                )
            else:
                self.emails.setdefault(row.email, row)
            row.contact_id = contacts.get(row.email)
        if row.errors:
            row.action = Action.ERROR
        elif row.contact_id is not None and not self.update_existing:
            row.action, row.note = Action.SKIP, f"{row.email} is already a contact: skipped."
        elif row.account_id is None and row.account_key not in self.new_accounts:
            row.action = Action.CREATE
        elif row.email and row.contact_id is None:
            row.action = Action.CREATE  # a new person, or a new link for one
        elif self.update_existing:
            row.action = Action.UPDATE
        else:
            row.action, row.note = Action.SKIP, "This account already exists: skipped."
        if row.action in (Action.CREATE, Action.UPDATE) and row.account_id is None:
            self.new_accounts.add(row.account_key)

    def _existing_contacts(self, emails: set[str]) -> dict[str, int]:
        if not emails:
            return {}
        found: dict[str, int] = {}
        for email, contact_id in db.session.execute(
            select(Contact.email, func.min(Contact.id))
            .where(Contact.tenant_id == self.tenant_id, Contact.email.in_(emails))
            .group_by(Contact.email)
        ):
            found[email] = contact_id
        return found

    def _look_up_accounts(self, rows: list[Row]) -> None:
        refs = {r.reference_id.lower() for r in rows if r.reference_id}
        names = {r.account_name.lower() for r in rows if not r.reference_id}
        refs -= {key for kind, key in self.accounts if kind == "ref"}
        names -= {key for kind, key in self.accounts if kind == "name"}
        real = (ClientAccount.tenant_id == self.tenant_id, ClientAccount.is_test.is_(False))
        for column, wanted, kind in (
            (ClientAccount.reference_id, refs, "ref"),
            (ClientAccount.name, names, "name"),
        ):
            if not wanted:
                continue
            ids: dict[str, list[int]] = {}
            for value, account_id in db.session.execute(
                select(func.lower(column), ClientAccount.id).where(
                    *real, func.lower(column).in_(wanted)
                )
            ):
                ids.setdefault(value, []).append(account_id)
            for value in wanted:
                matches = ids.get(value, [])
                self.accounts[(kind, value)] = (
                    matches[0] if len(matches) == 1 else ("ambiguous" if matches else None)
                )


def check_file(
    tenant_id: int, cells: list[list[str]], mapping: dict[int, str], update_existing: bool
) -> Iterator[list[Row]]:
    """The rows, checked, one chunk at a time (line numbers count the header as line 1)."""
    checker = Checker(tenant_id, mapping, update_existing)
    for start in range(0, len(cells), CHUNK):
        yield checker.check(cells[start : start + CHUNK], start + 2)


def parse_file(cells: list[list[str]], mapping: dict[int, str]) -> Iterator[list[Row]]:
    """The rows parsed (cell checks only, no database), one chunk at a time."""
    for start in range(0, len(cells), CHUNK):
        chunk = cells[start : start + CHUNK]
        yield [parse_row(start + 2 + n, row, mapping) for n, row in enumerate(chunk)]


def resolve_rows(tenant_id: int, parsed: list[Row], update_existing: bool) -> list[Row]:
    """Copies of parsed rows decided against the database as it is now (the job's second
    pass, inside the writing transaction: cell checks are not repeated)."""
    checker = Checker(tenant_id, {}, update_existing)
    rows = [replace(row, errors=list(row.errors)) for row in parsed]
    for start in range(0, len(rows), CHUNK):
        checker.resolve(rows[start : start + CHUNK])
    return rows


def summarize(rows: list[Row]) -> Result:
    result = Result()
    for row in rows:
        result.count(row)
    return result


# --- writing ---------------------------------------------------------------------------------


def apply_rows(
    tenant_id: int, rows: list[Row], *, valid_only: bool, update_existing: bool, login_all: bool
) -> Result:
    """Write the checked rows in the caller's transaction. With any bad row and not
    `valid_only`, nothing is written and the result only counts the failures."""
    result = summarize(rows)
    if result.failed and not valid_only:
        result.created = result.updated = result.skipped = 0
        return result
    todo = [row for row in rows if row.action in (Action.CREATE, Action.UPDATE)]
    accounts = _accounts_for(tenant_id, todo, update_existing, result)
    contacts = _contacts_for(tenant_id, todo, update_existing, result)
    _link(tenant_id, todo, accounts, contacts, login_all)
    db.session.flush()
    return result


def _accounts_for(
    tenant_id: int, rows: list[Row], update_existing: bool, result: Result
) -> dict[tuple[str, str], ClientAccount]:
    existing_ids = sorted({row.account_id for row in rows if row.account_id is not None})
    loaded: dict[int, ClientAccount] = {}
    for start in range(0, len(existing_ids), CHUNK):
        for account in db.session.scalars(
            select(ClientAccount).where(
                ClientAccount.tenant_id == tenant_id,
                ClientAccount.id.in_(existing_ids[start : start + CHUNK]),
            )
        ):
            loaded[account.id] = account
    accounts: dict[tuple[str, str], ClientAccount] = {}
    tags: dict[tuple[str, str], set[str]] = {}
    created: list[ClientAccount] = []
    for row in rows:
        key = row.account_key
        tags.setdefault(key, set()).update(row.tags)
        if key in accounts:
            continue
        if row.account_id is not None:
            account = loaded[row.account_id]
            if update_existing:
                _update_account(account, row)
        else:
            account = ClientAccount(
                tenant_id=tenant_id,
                name=row.account_name,
                kind=row.kind,
                notes=row.notes,
                phone=row.account_phone,
                address=row.address,
                reference_id=row.reference_id,
            )
            created.append(account)
        accounts[key] = account
    db.session.add_all(created)
    db.session.flush()
    result.accounts_created = [account.id for account in created]
    new_ids = set(result.accounts_created)
    have = tags_by_account(tenant_id, [a.id for a in accounts.values() if a.id not in new_ids])
    db.session.add_all(
        AccountTag(tenant_id=tenant_id, account_id=account.id, tag=tag)
        for key, account in accounts.items()
        if account.id in new_ids or update_existing
        for tag in sorted(tags[key] - set(have.get(account.id, [])))
    )
    return accounts


def _update_account(account: ClientAccount, row: Row) -> None:
    """Non-empty cells replace what the account has; the name only when matched by reference."""
    if row.reference_id and row.account_name:
        account.name = row.account_name
    for attribute, value in (
        ("notes", row.notes),
        ("phone", row.account_phone),
        ("address", row.address),
    ):
        if value:
            setattr(account, attribute, value)


def _contacts_for(
    tenant_id: int, rows: list[Row], update_existing: bool, result: Result
) -> dict[str, Contact]:
    ids = sorted({row.contact_id for row in rows if row.contact_id is not None})
    contacts: dict[str, Contact] = {}
    for start in range(0, len(ids), CHUNK):
        for contact in db.session.scalars(
            select(Contact).where(
                Contact.tenant_id == tenant_id, Contact.id.in_(ids[start : start + CHUNK])
            )
        ):
            contacts[contact.email] = contact
    created: list[Contact] = []
    for row in rows:
        if not row.email:
            continue
        known = contacts.get(row.email)
        if known is None:
            contact = Contact(
                tenant_id=tenant_id, email=row.email, name=row.contact_name, phone=row.contact_phone
            )
            contacts[row.email] = contact
            created.append(contact)
        elif row.contact_id is not None and update_existing:
            known.name = row.contact_name or known.name
            known.phone = row.contact_phone or known.phone
    db.session.add_all(created)
    db.session.flush()
    result.contacts_created = len(created)
    return contacts


def _link(
    tenant_id: int,
    rows: list[Row],
    accounts: dict[tuple[str, str], ClientAccount],
    contacts: dict[str, Contact],
    login_all: bool,
) -> None:
    pairs: dict[tuple[int, int], bool] = {}
    for row in rows:
        if row.email:
            pair = (accounts[row.account_key].id, contacts[row.email].id)
            pairs[pair] = pairs.get(pair, False) or row.login or login_all
    known_contacts = sorted({c for (_, c) in pairs})
    existing: dict[tuple[int, int], AccountContact] = {}
    for start in range(0, len(known_contacts), CHUNK):
        for link in db.session.scalars(
            select(AccountContact).where(
                AccountContact.tenant_id == tenant_id,
                AccountContact.contact_id.in_(known_contacts[start : start + CHUNK]),
            )
        ):
            existing[(link.account_id, link.contact_id)] = link
    for (account_id, contact_id), login in pairs.items():
        found = existing.get((account_id, contact_id))
        if found is None:
            db.session.add(
                AccountContact(
                    tenant_id=tenant_id,
                    account_id=account_id,
                    contact_id=contact_id,
                    login_enabled=login,
                )
            )
        elif login:
            found.login_enabled = True
