"""History: the client's timeline of the current account (every kind, filters, pages, nothing
internal, nothing of another account) and the staff's fuller view from the client record."""

from __future__ import annotations

from portal.core.extensions import db
from portal.messaging.models import Message, Thread


def test_client_sees_every_kind_of_event_and_nothing_internal(world):
    page = world["pat"].get("/history/").get_data(as_text=True)
    for sentence in (
        "Pat Doe accepted the invitation to the portal.",
        "wrote in “Conversation of Pat”.",
        "Request “Request of Pat” was opened.",
        "File “Pat ledger.txt” was shared.",
        "Document “Pat W-2” was requested.",
        "was sent.",
        "A payment was received.",
        "completed the lesson “Pat history lesson” of “Pat history course”.",
        "Pat author posted in Pat history circle",
    ):
        assert sentence.replace("Pat history circle", "Pat circle") in page, sentence
    assert "EUR 23.00" in page or "23.00" in page
    assert "internal memo" not in page and "drafted" not in page
    assert "Olafsson" not in page  # another account of the same firm


def test_filter_by_kind(world):
    pat = world["pat"]
    files = pat.get("/history/?kind=file").get_data(as_text=True)
    assert "Pat ledger.txt" in files and "accepted the invitation" not in files
    assert '<option value="file" selected>' in files
    payments = pat.get("/history/?kind=payment").get_data(as_text=True)
    assert "A payment was received." in payments and "ledger" not in payments
    anything = pat.get("/history/?kind=<script>").get_data(as_text=True)
    assert "Pat ledger.txt" in anything and "<script>" not in anything


def test_pages_of_thirty(world):
    thread = db.session.query(Thread).filter_by(account_id=world["account_id"]).first()
    for number in range(40):
        db.session.add(
            Message(
                tenant_id=thread.tenant_id,
                thread_id=thread.id,
                author_kind="client",
                author_name="Pat Doe",
                body=f"note number {number:02d}",
            )
        )
    db.session.commit()
    first = world["pat"].get("/history/?kind=message").get_data(as_text=True)
    assert first.count('<li class="timeline-message">') == 30 and 'rel="next"' in first
    second = world["pat"].get("/history/?kind=message&page=2").get_data(as_text=True)
    assert second.count('<li class="timeline-message">') == 11 and 'rel="next"' not in second
    shown = {n for n in range(40) if f"note number {n:02d}" in first + second}
    assert shown == set(range(40))  # every message once across the pages


def test_staff_view_is_fuller_and_scoped(world, firm):
    account_id = world["account_id"]
    record = firm.get(f"/admin/clients/{account_id}").get_data(as_text=True)
    assert f"/admin/clients/{account_id}/history" in record
    page = firm.get(f"/admin/clients/{account_id}/history").get_data(as_text=True)
    assert "Pat internal memo.txt" in page and "was drafted (not sent)" in page
    assert "Olafsson" not in page
    assert firm.get("/admin/clients/999999/history").status_code == 404
    only_files = firm.get(f"/admin/clients/{account_id}/history?kind=file").get_data(as_text=True)
    assert "internal memo" in only_files and "A payment was received." not in only_files


def test_a_module_switched_off_leaves_the_client_history(world, tenant):
    from portal.modules.models import TenantModule

    db.session.add(TenantModule(tenant_id=tenant.id, key="invoices", enabled=False))
    db.session.commit()
    page = world["pat"].get("/history/").get_data(as_text=True)
    assert "A payment was received." not in page and "was sent." not in page
    assert '<option value="invoice"' not in page and '<option value="file"' in page
    assert "File “Pat ledger.txt” was shared." in page
    asked = world["pat"].get("/history/?kind=payment").get_data(as_text=True)
    assert "A payment was received." not in asked  # the filter cannot reach it either
