"""CSV export of the clients list: the list's filters, one row per account and contact, cells
that a spreadsheet cannot run as formulas."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.clients.models import ClientAccount
from portal.core.database import utcnow
from portal.core.extensions import db


def _rows(firm, query: str = "") -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    response = firm.get(f"/admin/clients/export.csv{query}")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_export_follows_the_list_filters(firm, create_client, accept_invitation, smtp):
    create_client("bob@smith.example", "Smith Ltd", login=False, invite=False)
    create_client("ann@jones.example", "Jones Household", name="Ann", invite=False)
    archived = create_client("old@gone.example", "Gone Co", invite=False)
    db.session.get(ClientAccount, archived).archived_at = utcnow()
    db.session.commit()

    everything = _rows(firm)  # in name order, like the list
    assert [r["Account name"] for r in everything] == ["Jones Household", "Smith Ltd"]
    ann = everything[0]
    assert (ann["Contact email"], ann["Contact name"], ann["Portal access"]) == (
        "ann@jones.example",
        "Ann",
        "yes",
    )
    assert ann["Status"] == "Pending activation"
    assert [r["Account name"] for r in _rows(firm, "?q=smith")] == ["Smith Ltd"]
    assert [r["Account name"] for r in _rows(firm, "?status=offline")] == ["Smith Ltd"]
    assert [r["Account name"] for r in _rows(firm, "?archived=only")] == ["Gone Co"]
    assert db.session.scalars(
        select(AuditEvent.detail).where(AuditEvent.event == "clients.export")
    ).all() == ["2 account(s)", "1 account(s)", "1 account(s)", "1 account(s)"]


def test_export_cells_cannot_become_formulas(firm, create_client):
    account_id = create_client("ann@jones.example", '=HYPERLINK("http://evil")', invite=False)
    account = db.session.get(ClientAccount, account_id)
    account.phone, account.notes, account.address = "+1 555 0100", "@SUM(A1)", "-2+3"
    db.session.commit()
    body = firm.get("/admin/clients/export.csv").get_data(as_text=True)
    row = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))[0]
    assert row["Account name"] == '\'=HYPERLINK("http://evil")'
    assert (row["Account phone"], row["Notes"], row["Address"]) == (
        "'+1 555 0100",
        "'@SUM(A1)",
        "'-2+3",
    )


def test_an_account_without_contacts_is_one_row(firm, tenant):
    db.session.add(ClientAccount(tenant_id=tenant.id, name="Empty Co", reference_id="E-1"))
    db.session.commit()
    [row] = _rows(firm)
    assert (row["Account name"], row["Reference id"], row["Contact email"]) == (
        "Empty Co",
        "E-1",
        "",
    )


def test_the_list_and_the_export_filter_by_tag(firm, create_client):
    vip = create_client("ann@jones.example", "Jones Household", invite=False)
    create_client("bob@smith.example", "Smith Ltd", invite=False)
    firm.submit(
        f"/admin/clients/{vip}/edit",
        {"name": "Jones Household", "kind": "household", "tags": "VIP"},
    )
    firm.get(f"/admin/clients/{vip}")  # shows the "saved" message
    listing = firm.get("/admin/clients/?tag=vip").get_data(as_text=True)
    assert "Jones Household" in listing and "Smith Ltd" not in listing
    assert [r["Account name"] for r in _rows(firm, "?tag=VIP")] == ["Jones Household"]
    assert _rows(firm, "?tag=vip")[0]["Tags"] == "vip"
