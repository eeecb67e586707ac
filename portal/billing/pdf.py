"""The invoice PDF (fpdf2) in the firm's branding: logo, brand colour, name and address.

Deterministic: the same invoice gives the same bytes (fixed creation date, no random ids), so
a stored copy and a fresh one match. The core Helvetica font covers Latin-1; other characters
print as '?' rather than failing the PDF.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

from fpdf import FPDF

from portal.billing.models import Invoice, InvoiceLine
from portal.billing.money import format_minor
from portal.branding import image_key
from portal.branding.colors import is_hex_color
from portal.core.storage import storage

Brand = tuple[int, int, int]


def _latin(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


def _rgb(color: str) -> Brand:
    color = color if is_hex_color(color) else "#1f4e79"
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def _quantity(line: InvoiceLine) -> str:
    return f"{line.quantity.normalize():f}"


def _percent(value: object) -> str:
    return f"{value:f}".rstrip("0").rstrip(".") + "%"


def pdf_key(invoice: Invoice) -> str:
    return f"tenants/{invoice.tenant_id}/invoices/{invoice.id}-{invoice.sequence}.pdf"


def render_pdf(
    invoice: Invoice,
    lines: list[InvoiceLine],
    *,
    firm_name: str,
    firm_address: str,
    brand_color: str,
    logo_key: str,
    account_name: str,
    account_address: str,
    matter_label: str = "",
) -> bytes:
    """The PDF's bytes; raises before anything is stored if it cannot be drawn."""
    pdf = FPDF(format="A4")
    pdf.set_creation_date(datetime.combine(invoice.issue_date, datetime.min.time(), tzinfo=UTC))
    pdf.set_title(_latin(f"Invoice {invoice.label}"))
    pdf.set_author(_latin(firm_name))
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    brand = _rgb(brand_color)
    logo = storage().get(image_key(invoice.tenant_id, logo_key)) if logo_key else None
    if logo:
        pdf.image(io.BytesIO(logo), x=15, y=12, h=16)
        pdf.set_y(32)
    pdf.set_font("Helvetica", "B", 16)
    pdf.set_text_color(*brand)
    pdf.cell(0, 8, _latin(firm_name), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.set_text_color(60, 60, 60)
    if firm_address:
        pdf.multi_cell(90, 4.5, _latin(firm_address), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    pdf.set_font("Helvetica", "B", 20)
    pdf.set_text_color(*brand)
    pdf.cell(0, 10, _latin(f"Invoice {invoice.label}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.set_text_color(0, 0, 0)
    facts = [
        ("Issued", invoice.issue_date.isoformat()),
        ("Due", invoice.due_date.isoformat()),
    ]
    if matter_label:
        facts.append(("Matter", matter_label))
    for label, value in facts:
        pdf.cell(25, 5.5, label)
        pdf.cell(0, 5.5, _latin(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 5.5, "Bill to", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(
        90, 5, _latin("\n".join(filter(None, [account_name, account_address]))),
        new_x="LMARGIN", new_y="NEXT",
    )  # fmt: skip
    pdf.ln(5)

    currency = invoice.currency
    widths = (80, 20, 30, 20, 30)
    pdf.set_fill_color(*brand)
    pdf.set_text_color(255, 255, 255)
    pdf.set_font("Helvetica", "B", 9)
    for width, title in zip(
        widths, ("Description", "Qty", "Unit price", "Tax", "Amount"), strict=True
    ):
        pdf.cell(width, 7, title, fill=True, align="L" if title == "Description" else "R")
    pdf.ln()
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("Helvetica", "", 9)
    for line in lines:
        description = line.description
        if line.discount_minor:
            description += f" (discount {_percent(line.discount_percent)})"
        cells = (
            _latin(description)[:60],
            _quantity(line),
            format_minor(line.unit_price_minor, currency),
            _percent(line.tax_percent),
            format_minor(line.net_minor, currency),
        )
        for width, text in zip(widths, cells, strict=True):
            pdf.cell(width, 6, text, border="B", align="L" if width == 80 else "R")
        pdf.ln()
    pdf.ln(3)
    summary = [
        ("Subtotal", invoice.subtotal_minor),
        ("Discount", -invoice.discount_minor),
        ("Tax", invoice.tax_minor),
        ("Total", invoice.total_minor),
    ]
    for label, amount in summary:
        if label == "Discount" and not amount:
            continue
        pdf.set_font("Helvetica", "B" if label == "Total" else "", 10)
        pdf.cell(150, 6, label, align="R")
        pdf.cell(30, 6, format_minor(amount, currency), align="R", new_x="LMARGIN", new_y="NEXT")
    if invoice.notes:
        pdf.ln(6)
        pdf.set_font("Helvetica", "", 9)
        pdf.multi_cell(0, 4.5, _latin(invoice.notes), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
