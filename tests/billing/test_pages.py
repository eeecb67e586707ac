"""Staff and client billing pages: create an invoice with rows added without JavaScript, send
it, the client sees only the current account's invoices (overdue highlighted, outstanding
total, PDF), matters with semicolon email lists, settings, query counts at 10 and 100."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from pypdf import PdfReader
from sqlalchemy import select

from portal.billing import history
from portal.billing.history import PaymentRow, set_history_source
from portal.billing.models import Invoice, InvoiceStatus, Matter
from portal.clients.models import AccountContact, Contact
from portal.core.extensions import db
from tests.billing.conftest import line
from tests.fixtures.queries import counting
from tests.fixtures.tenants import csrf_from


def _form(
    account_id: int, rows: list[tuple[str, str, str, str, str]], **extra: str
) -> dict[str, str]:
    data = {
        "account_id": str(account_id),
        "matter_id": "",
        "issue_date": date.today().isoformat(),
        "due_date": (date.today() + timedelta(days=14)).isoformat(),
        "notes": "Thank you",
        **extra,
    }
    for index, (description, quantity, price, discount, tax) in enumerate(rows):
        data |= {
            f"lines-{index}-description": description,
            f"lines-{index}-quantity": quantity,
            f"lines-{index}-unit_price": price,
            f"lines-{index}-discount": discount,
            f"lines-{index}-tax": tax,
        }
    return data


def test_staff_create_add_row_send_and_void(firm: Any, account: Any) -> None:
    page = f"/admin/invoices/new?account_id={account.id}"
    assert account.name in firm.get(page).get_data(as_text=True)
    more = firm.submit(page, _form(account.id, [("Advice", "1", "100", "0", "0")], add_line="1"))
    assert more.status_code == 200
    assert 'name="lines-1-description"' in more.get_data(as_text=True)
    token = csrf_from(more.get_data(as_text=True))
    rows = [("Advice", "2", "150.00", "10", "20"), ("Ignored", "1", "5", "0", "0")]
    data = _form(account.id, rows, csrf_token=token) | {"lines-1-remove": "y"}
    saved = firm.post(page, data=data)
    assert saved.status_code == 302, saved.get_data(as_text=True)
    invoice = db.session.scalar(select(Invoice))
    assert invoice is not None and invoice.total_minor == 32400  # 300 − 30 + 54 tax
    shown = firm.get(f"/admin/invoices/{invoice.id}").get_data(as_text=True)
    assert f"Draft {invoice.id}" in shown and "USD 324.00" in shown
    refused = firm.submit(
        f"/admin/invoices/{invoice.id}", {}, action=f"/admin/invoices/{invoice.id}/send"
    )
    assert refused.status_code == 302 and db.session.get(Invoice, invoice.id).status == "draft"
    sent = firm.submit(
        f"/admin/invoices/{invoice.id}",
        {"confirm": "1"},
        action=f"/admin/invoices/{invoice.id}/send",
    )
    assert sent.status_code == 302
    db.session.expire_all()
    assert db.session.get(Invoice, invoice.id).status == InvoiceStatus.SENT
    pdf = firm.get(f"/admin/invoices/{invoice.id}/pdf")
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert "INV-0001" in PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    unconfirmed = firm.submit(f"/admin/invoices/{invoice.id}/void", {"reason": "x"})
    assert unconfirmed.status_code == 422
    voided = firm.submit(f"/admin/invoices/{invoice.id}/void", {"reason": "twice", "confirm": "y"})
    assert voided.status_code == 302
    db.session.expire_all()
    assert db.session.get(Invoice, invoice.id).status == InvoiceStatus.VOID


def test_bad_line_is_named_and_nothing_saved(firm: Any, account: Any) -> None:
    page = f"/admin/invoices/new?account_id={account.id}"
    rows = [("Advice", "1", "100", "0", "0"), ("Filing", "two", "5", "0", "0")]
    response = firm.submit(page, _form(account.id, rows))
    assert response.status_code == 422
    assert "Line 2: &#39;two&#39; is not a number." in response.get_data(as_text=True)
    assert db.session.scalar(select(Invoice.id)) is None


def test_matters_and_billing_emails_name_the_bad_entry(firm: Any, account: Any) -> None:
    page = f"/admin/invoices/accounts/{account.id}/matters"
    bad = firm.submit(page, {"matter-name": "Estate", "matter-status": "open",
                             "matter-email": "a@x.example; nope"})  # fmt: skip
    assert bad.status_code == 422
    assert "&#39;nope&#39; is not a valid email address." in bad.get_data(as_text=True)
    good = firm.submit(page, {"matter-name": "Estate", "matter-number": "M-7",
                              "matter-status": "open",
                              "matter-email": "a@x.example; B@y.example"})  # fmt: skip
    assert good.status_code == 302
    matter = db.session.scalar(select(Matter))
    assert matter is not None and matter.email == "a@x.example; b@y.example"
    billing = firm.submit(page, {"billing-billing_email": "c@z.example;d@z.example"})
    assert billing.status_code == 302
    db.session.refresh(account)
    assert account.billing_email == "c@z.example; d@z.example"
    bad_billing = firm.submit(page, {"billing-billing_email": "c@z.example; @@"})
    assert bad_billing.status_code == 422 and "&#39;@@&#39;" in bad_billing.get_data(as_text=True)


def test_billing_settings_currency(firm: Any, tenant: Any, make_invoice: Callable[..., Invoice],
                                   account: Any) -> None:  # fmt: skip
    assert firm.submit("/admin/invoices/settings", {"currency": "XYZ"}).status_code == 422
    saved = firm.submit("/admin/invoices/settings", {"currency": "jpy", "firm_address": "Tokyo"})
    assert saved.status_code == 302
    invoice = make_invoice(tenant, account, line(price=1500))
    assert invoice.currency == "JPY"
    assert "JPY 1,500" in firm.get(f"/admin/invoices/{invoice.id}").get_data(as_text=True)


def test_client_sees_own_account_only_overdue_and_history(
    client: Any, account: Any, make_account: Any, make_invoice: Callable[..., Invoice],
    tenant: Any,
) -> None:  # fmt: skip
    overdue = make_invoice(tenant, account, line(price=5000), send=True, due_in=-3)
    current = make_invoice(tenant, account, line(price=7000), send=True)
    draft = make_invoice(tenant, account, line(price=9000))
    second = make_account(tenant, "Birch Trust")
    contact = db.session.scalar(select(Contact))
    db.session.add(AccountContact(tenant_id=tenant.id, account_id=second.id,
                                  contact_id=contact.id, login_enabled=True))  # fmt: skip
    db.session.commit()
    other = make_invoice(tenant, second, line(price=1111), send=True)
    saved = list(history._source)  # payments' own reader, put back afterwards
    set_history_source(
        lambda _t, account_id, _limit, _offset: (
            [
                PaymentRow(
                    date(2026, 11, 2), 2500, "USD", "Bank transfer", "REF-42", (current.number,)
                )
            ]
            if account_id == account.id
            else []
        )
    )
    try:
        page = client.get("/invoices/").get_data(as_text=True)
    finally:
        history._source[:] = saved
    assert overdue.number in page and current.number in page
    assert "USD 90.00" not in page and other.number not in page
    assert '<tr class="overdue">' in page and "Overdue" in page
    assert "USD 120.00" in page  # outstanding 50 + 70
    assert "REF-42" in page and "Bank transfer" in page
    pdf = client.get(f"/invoices/{current.id}/pdf")
    assert (
        pdf.status_code == 200
        and current.number in PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    )
    for hidden in (draft, other):
        assert client.get(f"/invoices/{hidden.id}").status_code == 404
        assert client.get(f"/invoices/{hidden.id}/pdf").status_code == 404
    home = client.get("/").get_data(as_text=True)
    assert f"Invoice {overdue.number}" in home
    # switch to the other account: only its invoice
    switched = client.submit("/", {"account_id": str(second.id)}, action="/switch-account")
    assert switched.status_code == 302
    page = client.get("/invoices/").get_data(as_text=True)
    assert other.number in page and current.number not in page
    assert client.get(f"/invoices/{current.id}").status_code == 404


def test_list_queries_constant(
    firm: Any, client: Any, account: Any, tenant: Any, make_invoice: Callable[..., Invoice]
) -> None:
    counts = {}
    made = 0
    for size in (10, 100):
        while made < size:
            make_invoice(tenant, account, line(price=100 + made), send=made % 2 == 0)
            made += 1
        for who, page in ((firm, "/admin/invoices/"), (firm, "/admin/invoices/?sort=account"),
                          (client, "/invoices/"), (client, "/")):  # fmt: skip
            assert who.get(page).status_code == 200
            with counting() as statements:
                assert who.get(page).status_code == 200
            counts[(page, who is firm, size)] = len(statements)
    for (page, is_firm, size), value in counts.items():
        if size == 100:
            assert value == counts[(page, is_firm, 10)], page


def test_staff_list_filters_and_account_page_links(
    firm: Any, account: Any, make_account: Any, tenant: Any,
    make_invoice: Callable[..., Invoice],
) -> None:  # fmt: skip
    late = make_invoice(tenant, account, line(price=5000), send=True, due_in=-2)
    draft = make_invoice(tenant, account, line(price=6000))
    other = make_invoice(tenant, make_account(tenant, "Oak Ltd"), line(price=7000), send=True)
    overdue_only = firm.get("/admin/invoices/?overdue=1").get_data(as_text=True)
    assert late.number in overdue_only and draft.label not in overdue_only
    assert other.number not in overdue_only and "Overdue" in overdue_only
    drafts = firm.get("/admin/invoices/?status=draft").get_data(as_text=True)
    assert draft.label in drafts and late.number not in drafts
    mine = firm.get(f"/admin/invoices/?account_id={account.id}").get_data(as_text=True)
    assert other.number not in mine and late.number in mine
    assert firm.get("/admin/invoices/new").status_code == 200
    account_page = firm.get(f"/admin/clients/{account.id}").get_data(as_text=True)
    assert f"/admin/invoices/accounts/{account.id}/matters" in account_page


def test_settings_prove_numbers_have_no_gaps(
    firm: Any, tenant: Any, account: Any, make_invoice: Callable[..., Invoice]
) -> None:
    for _ in range(3):
        make_invoice(tenant, account, send=True)
    make_invoice(tenant, account)  # a draft uses no number
    page = firm.get("/admin/invoices/settings").get_data(as_text=True)
    assert "3 invoice numbers used, from 1 to 3: no gaps and no duplicates." in page
    second = db.session.scalar(select(Invoice).where(Invoice.sequence == 2))
    assert second is not None
    second.sequence = 7  # what the check exists to catch
    db.session.commit()
    page = firm.get("/admin/invoices/settings").get_data(as_text=True)
    assert "Numbering problem: missing 2, 4, 5, 6" in page
