"""Document requests end to end: staff ask, the client gets the email, uploads (by the no-login
link or in the portal), staff are notified, download the same bytes, accept or reopen."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import select

from portal.core.database import utcnow
from portal.core.extensions import db
from portal.documents.models import ActionLink, DocumentRequest, RequestUpload
from portal.notifications.models import Notification
from tests.documents.helpers import PDF, act_links_in, path_of, request_documents, upload_form
from tests.fixtures.people import invite_link_in, tenant_host
from tests.fixtures.smtp import html_of, text_of


def _only_request() -> DocumentRequest:
    db.session.expire_all()
    return db.session.scalars(select(DocumentRequest)).one()


def test_no_login_link_upload_reaches_staff_with_the_same_bytes(
    firm, tenant, staff, smtp, create_client, client_for
):
    account_id = create_client("walt@client.example", name="Walt", invite=False, login=False)
    due = utcnow().date() + timedelta(days=10)
    response = request_documents(firm, account_id, ("2025 W-2", "From your employer", due))
    assert response.status_code == 302, response.get_data(as_text=True)

    [mail] = smtp.wait_for(1, to="walt@client.example")
    assert "2025 W-2" in mail["Subject"]
    body = text_of(mail)
    assert "From your employer" in body
    [link] = act_links_in(body)
    assert link.startswith(f"https://{tenant_host(tenant)}/act/")
    assert link in html_of(mail)
    assert "sign in to the portal" not in body  # Walt has no portal access

    visitor = client_for(tenant_host(tenant))
    page = visitor.get(path_of(link))  # what a link scanner does: changes nothing
    assert page.status_code == 200
    assert "2025 W-2" in page.get_data(as_text=True)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "Set up portal access" in page.get_data(as_text=True)
    document = _only_request()
    assert document.status == "requested"
    assert db.session.scalars(select(ActionLink)).one().last_used_at is None

    uploaded = upload_form(visitor, path_of(link), "w2.pdf", PDF)
    assert uploaded.status_code == 302, uploaded.get_data(as_text=True)
    after = visitor.get(path_of(link)).get_data(as_text=True)
    assert "Received" in after and "w2.pdf" in after

    document = _only_request()
    assert document.status == "uploaded"
    [note] = db.session.scalars(
        select(Notification).where(Notification.kind == "document.uploaded")
    ).all()
    assert (note.recipient_kind, note.recipient_id) == ("staff", staff.id)
    assert "via link by walt@client.example" in note.title

    detail = firm.get(f"/admin/documents/{document.id}").get_data(as_text=True)
    assert "w2.pdf" in detail and "via link by walt@client.example" in detail
    upload = db.session.scalars(select(RequestUpload)).one()
    download = firm.get(f"/admin/documents/uploads/{upload.id}")
    assert download.status_code == 200
    assert hashlib.sha256(download.data).hexdigest() == hashlib.sha256(PDF).hexdigest()
    assert "attachment" in download.headers["Content-Disposition"]

    # Reopened: Walt, who has no portal, gets an email with a fresh link and uploads again.
    review = f"/admin/documents/{document.id}"
    firm.submit(review, {"decision": "reopen", "comment": "Wrong year"}, action=review + "/review")
    [again] = [m for m in smtp.wait_for(2, to="walt@client.example") if "again" in m["Subject"]]
    assert "Wrong year" in text_of(again)
    [fresh] = act_links_in(text_of(again))
    assert fresh != link
    assert "Wrong year" in visitor.get(path_of(fresh)).get_data(as_text=True)
    assert upload_form(visitor, path_of(fresh), "w2-2025.pdf", PDF).status_code == 302
    firm.submit(review, {"decision": "accept", "comment": ""}, action=review + "/review")
    assert _only_request().status == "accepted"
    assert visitor.get(path_of(link)).status_code == 404  # accepting ended every link


def test_client_uploads_in_the_portal_and_staff_reopen_then_accept(
    firm, tenant, staff, smtp, create_client, accept_invitation
):
    account_id = create_client("jane@client.example", name="Jane")
    client = accept_invitation(invite_link_in(text_of(smtp.wait_for(1)[0])))
    assert "You're all caught up" in client.get("/").get_data(as_text=True)

    due = utcnow().date() + timedelta(days=20)
    request_documents(
        firm,
        account_id,
        ("Signed engagement letter", "", due),
        ("2025 1099-INT", "All banks", None),
    )
    mails = smtp.wait_for(1, to="jane@client.example")
    request_mail = [m for m in mails if "2 documents requested" in m["Subject"]]
    assert request_mail, [m["Subject"] for m in mails]
    assert len(act_links_in(text_of(request_mail[0]))) == 2
    assert "/documents/" in text_of(request_mail[0])  # the portal link for a portal user

    home = client.get("/").get_data(as_text=True)
    assert "Waiting for you" in home and "all caught up" not in home
    assert home.index("Signed engagement letter") < home.index("2025 1099-INT")  # by due date
    letter = db.session.scalars(
        select(DocumentRequest).where(DocumentRequest.title == "Signed engagement letter")
    ).one()
    listing = client.get("/documents/").get_data(as_text=True)
    assert "Signed engagement letter" in listing and "Upload" in listing

    page = f"/documents/{letter.id}"
    empty = upload_form(client, page, "empty.pdf", b"")
    assert empty.status_code == 422
    assert _only_letter(letter.id).status == "requested"
    assert upload_form(client, page, "letter.pdf", PDF).status_code == 302
    assert _only_letter(letter.id).status == "uploaded"
    assert "letter.pdf" in client.get(page).get_data(as_text=True)
    home = client.get("/").get_data(as_text=True)
    assert "Signed engagement letter" not in home  # it waits for the firm now

    review = f"/admin/documents/{letter.id}"
    no_comment = firm.submit(
        review, {"decision": "reopen", "comment": ""}, action=review + "/review"
    )
    assert no_comment.status_code == 422
    assert "what is missing" in no_comment.get_data(as_text=True)
    reopened = firm.submit(
        review, {"decision": "reopen", "comment": "Page 2 is missing"}, action=review + "/review"
    )
    assert reopened.status_code == 302
    assert _only_letter(letter.id).status == "reopened"
    home = client.get("/").get_data(as_text=True)
    assert "Signed engagement letter" in home and "Page 2 is missing" in home
    notes = db.session.scalars(
        select(Notification).where(Notification.kind == "document.reviewed")
    ).all()
    assert [n.recipient_kind for n in notes] == ["client"]

    assert upload_form(client, page, "letter-full.pdf", PDF).status_code == 302
    accepted = firm.submit(review, {"decision": "accept", "comment": ""}, action=review + "/review")
    assert accepted.status_code == 302
    assert _only_letter(letter.id).status == "accepted"
    done = client.get(page).get_data(as_text=True)
    assert "Nothing more is needed" in done
    late = upload_form(client, page, "again.pdf", PDF)
    assert late.status_code in (200, 422)
    assert (
        db.session.scalar(
            select(ActionLink).where(
                ActionLink.request_id == letter.id, ActionLink.revoked_at.is_(None)
            )
        )
        is None
    )  # accepting ended the request's no-login links


def _only_letter(request_id: int) -> DocumentRequest:
    db.session.expire_all()
    document = db.session.get(DocumentRequest, request_id)
    assert document is not None
    return document
