"""CSV in and out for client records: the columns, reading an uploaded file, safe cells.

Export and import share one set of column labels, so a file Foyer exported maps itself
completely when it comes back (Invoice Ninja's own export did not).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from portal.core.errors import UserError

IGNORE = ""


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column(
        "account_name",
        "Account name",
        (
            "account",
            "company",
            "client",
            "client name",
            "company name",
            "household",
            "organization",
            "organisation",
            "business",
            "business name",
        ),
    ),
    Column("kind", "Account type", ("type", "kind", "account kind", "client type")),
    Column("tags", "Tags", ("tag", "labels", "groups", "categories")),
    Column("account_phone", "Account phone", ("company phone", "business phone", "office phone")),
    Column(
        "address", "Address", ("street", "mailing address", "postal address", "billing address")
    ),
    Column(
        "reference_id",
        "Reference id",
        (
            "reference",
            "ref",
            "tax id",
            "client number",
            "client id",
            "customer number",
            "customer id",
            "account number",
            "vat",
            "vat number",
            "ein",
            "tin",
            "id number",
            "reference number",
        ),
    ),
    Column("notes", "Notes", ("note", "comments", "comment", "description")),
    Column("contact_name", "Contact name", ("name", "full name", "contact", "person")),
    Column("first_name", "Contact first name", ("first name", "given name", "firstname")),
    Column("last_name", "Contact last name", ("last name", "surname", "family name", "lastname")),
    Column(
        "contact_email",
        "Contact email",
        ("email", "e-mail", "email address", "mail", "e-mail address"),
    ),
    Column(
        "contact_phone",
        "Contact phone",
        ("phone", "mobile", "telephone", "cell", "phone number", "mobile phone"),
    ),
    Column("login", "Portal access", ("login", "portal", "access")),
)
BY_KEY = {column.key: column for column in COLUMNS}
_NON_WORD = re.compile(r"[^a-z0-9]+")
# Cells starting with these are formulas to a spreadsheet (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _norm(header: str) -> str:
    return _NON_WORD.sub(" ", header.lower()).strip()


def guess_mapping(headers: list[str]) -> dict[int, str]:
    """Column index → field key from the headers: exact labels first, then aliases; each field
    is used once; unknown headers are ignored."""
    names = {_norm(column.label): column.key for column in COLUMNS}
    aliases = {_norm(alias): column.key for column in COLUMNS for alias in column.aliases}
    mapping: dict[int, str] = {}
    for table in (names, aliases):
        for index, header in enumerate(headers):
            key = table.get(_norm(header))
            if index not in mapping and key and key not in mapping.values():
                mapping[index] = key
    return mapping


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 (what older spreadsheets save)."""
    if b"\x00" in data:
        raise UserError("This is not a CSV text file.", field="file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_rows(data: bytes) -> tuple[list[str], list[list[str]]]:
    """The header row and the data rows (blank rows dropped), cells trimmed."""
    text = decode(data)
    # The header line's most frequent separator; quotes are always '"' (csv.Sniffer guesses
    # the quote character too, and a cell like '+1 555 made it pick the apostrophe).
    header = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=header.count)
    reader = csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=delimiter)
    try:
        rows = [[_unquote(cell.strip()) for cell in row] for row in reader]
    except csv.Error as exc:
        raise UserError(f"The file is not valid CSV: {exc}.", field="file") from None
    rows = [row for row in rows if any(row)]
    if not rows:
        raise UserError("The file is empty.", field="file")
    return rows[0], rows[1:]


def _unquote(cell: str) -> str:
    """Undo `safe_cell`, so Foyer's own export imports unchanged ('+1 555 → +1 555)."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(_FORMULA_START) else cell


def safe_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: a leading =, +, -, @ (or tab, CR) gets a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_lines(rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """Each row as one CSV line of safe cells (for a streamed response)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
