"""Reading uploaded CSV files and writing safe cells (no database)."""

from __future__ import annotations

import pytest

from portal.clients.csv_io import csv_lines, guess_mapping, read_rows, safe_cell
from portal.clients.imports import parse_row
from portal.core.errors import UserError


def test_headers_map_by_label_then_alias_each_field_once():
    headers = ["Client", "First Name", "Surname", "E-mail", "Mobile", "Tax ID", "Whatever", "Email"]
    assert guess_mapping(headers) == {
        0: "account_name",
        1: "first_name",
        2: "last_name",
        3: "contact_email",
        4: "contact_phone",
        5: "reference_id",
    }


def test_semicolons_windows_1252_and_a_bom_are_read():
    data = "Company;Name;Email\r\nCafé Müller;Zoë;zoe@cafe.example\r\n;;\r\n".encode("cp1252")
    headers, rows = read_rows(data)
    assert headers == ["Company", "Name", "Email"]
    assert rows == [["Café Müller", "Zoë", "zoe@cafe.example"]]  # the blank row is dropped
    _, rows = read_rows("\ufeffName,Email\nAnn,ann@x.example\n".encode())
    assert rows == [["Ann", "ann@x.example"]]


def test_binary_and_empty_files_are_refused():
    with pytest.raises(UserError, match="not a CSV text file"):
        read_rows(b"PK\x03\x04\x00\x00")
    with pytest.raises(UserError, match="empty"):
        read_rows(b"\n\n")


def test_formula_cells_are_quoted_on_export_and_unquoted_on_import():
    assert [safe_cell(v) for v in ("=1+1", "+44", "-3", "@A1", "\tx", "plain", None, 5)] == [
        "'=1+1",
        "'+44",
        "'-3",
        "'@A1",
        "'\tx",
        "plain",
        "",
        "5",
    ]
    line = "".join(csv_lines([["=cmd|' /C calc'!A0", "+1 555"]]))
    _, rows = read_rows(("A,B\r\n" + line).encode())
    assert rows == [["=cmd|' /C calc'!A0", "+1 555"]]


def test_first_and_last_name_make_the_contact_and_a_household_account():
    row = parse_row(
        2,
        ["", "Ann", "Jones", "ANN@Example.COM"],
        {0: "account_name", 1: "first_name", 2: "last_name", 3: "contact_email"},
    )
    assert (row.account_name, row.kind, row.contact_name, row.email) == (
        "Ann Jones",
        "household",
        "Ann Jones",
        "ann@example.com",
    )
    bad = parse_row(3, ["X", "maybe", "alien"], {0: "account_name", 1: "login", 2: "kind"})
    assert bad.errors == [
        "Unknown account type 'alien': use Company or Household.",
        "Portal access must be yes or no, not 'maybe'.",
    ]
