"""Settings › Email templates: the firm's wording reaches the real emails, escaped."""

from __future__ import annotations

from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.core.extensions import db
from tests.fixtures.people import invite_link_in
from tests.fixtures.smtp import html_of, text_of

BODY = (
    "Dear {{ client_name }},\n\n{{ portal_name }} opens {{ account_names }} for you.\n\n"
    "{{ personal_message }}\n\nBest, the team"
)


def _save(firm, key: str, subject: str, body: str):  # type: ignore[no-untyped-def]
    return firm.submit(
        f"/admin/email-templates/{key}", {"subject": subject, "body": body, "action": "save"}
    )


def test_edited_invitation_is_sent_with_placeholders_filled_and_escaped(
    firm, tenant, smtp, create_client
):
    saved = _save(firm, "invitation", "Welcome aboard, {{ client_name }}", BODY)
    assert saved.status_code == 302
    listing = firm.get("/admin/email-templates/").get_data(as_text=True)
    assert "Edited" in listing

    create_client(
        "jane@client.example",
        account="Jones & <Sons>",
        name="Jane <b>Jones</b>",
        message="See you <script>alert(1)</script>",
    )
    [mail] = smtp.wait_for(1, to="jane@client.example")
    assert mail["Subject"] == "Welcome aboard, Jane <b>Jones</b>"
    text, html = text_of(mail), html_of(mail)
    assert "Dear Jane <b>Jones</b>," in text
    assert "Acme Accounting opens Jones & <Sons> for you." in text
    assert "See you <script>alert(1)</script>" in text
    assert invite_link_in(text)
    assert "Dear Jane &lt;b&gt;Jones&lt;/b&gt;," in html
    assert "Jones &amp; &lt;Sons&gt;" in html
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Accept invitation" in html and invite_link_in(html)
    assert "Best, the team" in html

    events = db.session.scalars(select(AuditEvent.event)).all()
    assert "email_template.saved" in events


def test_unknown_placeholder_is_refused_with_a_message(firm):
    response = _save(firm, "welcome", "Hi", "Hello {{ first_name }}, {{ link }}")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Unknown placeholder {{ first_name }} in the body" in page
    assert "{{ client_name }}" in page  # the allowed ones are named
    unfinished = _save(firm, "welcome", "Hi {{ client_name", "Hello")
    assert unfinished.status_code == 422
    assert "unfinished placeholder" in unfinished.get_data(as_text=True)
    jinja = _save(firm, "welcome", "Hi", "{% for x in y %}{{ x }}{% endfor %}")
    assert jinja.status_code == 422


def test_live_preview_and_reset_to_default(firm, tenant, smtp, create_client):
    csrf_page = firm.get("/admin/email-templates/invitation").get_data(as_text=True)
    from tests.fixtures.tenants import csrf_from

    csrf = csrf_from(csrf_page)
    preview = firm.post(
        "/admin/email-templates/invitation/preview",
        data={"csrf_token": csrf, "subject": "Hi {{ client_name }}", "body": "Body <i>x</i>"},
        headers={"Accept": "application/json"},
    )
    assert preview.status_code == 200
    answer = preview.get_json()
    assert answer["subject"] == "Hi Alex Example"
    assert "Body &lt;i&gt;x&lt;/i&gt;" in answer["html"]
    bad = firm.post(
        "/admin/email-templates/invitation/preview",
        data={"csrf_token": csrf, "subject": "Hi", "body": "{{ nope }}"},
        headers={"Accept": "application/json"},
    )
    assert bad.status_code == 422 and "Unknown placeholder" in bad.get_json()["error"]
    # Without JavaScript: the Preview button renders the page with the preview.
    no_js = firm.submit(
        "/admin/email-templates/invitation",
        {"subject": "Plain {{ client_name }}", "body": "No script here", "action": "preview"},
    )
    assert no_js.status_code == 200 and "Plain Alex Example" in no_js.get_data(as_text=True)

    _save(firm, "invitation", "Custom subject", "Custom body")
    refused = firm.submit(
        "/admin/email-templates/invitation", {}, "/admin/email-templates/invitation/reset"
    )
    assert refused.status_code == 302
    assert "Edited" in firm.get("/admin/email-templates/").get_data(as_text=True)
    reset = firm.submit(
        "/admin/email-templates/invitation",
        {"confirm": "1"},
        "/admin/email-templates/invitation/reset",
    )
    assert reset.status_code == 302
    assert "Edited" not in firm.get("/admin/email-templates/").get_data(as_text=True)
    create_client("after@client.example")
    [mail] = smtp.wait_for(1, to="after@client.example")
    assert mail["Subject"].startswith("Acme Accounting portal: accept your invitation")


def test_reminder_wording_is_used_for_a_resend(firm, tenant, smtp, create_client):
    _save(firm, "reminder", "Reminder for {{ client_name }}", "Still waiting, {{ client_name }}.")
    account_id = create_client("rem@client.example", name="Rem")
    smtp.wait_for(1, to="rem@client.example")
    page = firm.get(f"/admin/clients/{account_id}").get_data(as_text=True)
    import re

    contact_id = re.search(rf"/admin/clients/{account_id}/contacts/(\d+)/invite", page).group(1)
    resend = firm.submit(
        f"/admin/clients/{account_id}",
        {"personal_message": ""},
        f"/admin/clients/{account_id}/contacts/{contact_id}/invite",
    )
    assert resend.status_code == 302
    second = smtp.wait_for(2, to="rem@client.example")[1]
    assert second["Subject"] == "Reminder for Rem"
    assert "Still waiting, Rem." in text_of(second)


def test_send_me_a_test_arrives(firm, staff, smtp):
    _save(firm, "password_reset", "Reset for {{ client_name }}", "Click below, {{ client_name }}.")
    response = firm.submit(
        "/admin/email-templates/password_reset", {}, "/admin/email-templates/password_reset/test"
    )
    assert response.status_code == 302
    [mail] = smtp.wait_for(1, to=staff.email)
    assert mail["Subject"] == "[Test] Reset for Alex Example"
    assert "Click below, Alex Example." in text_of(mail)
    assert "Choose a new password" in html_of(mail)


def test_a_staff_member_without_settings_rights_cannot_edit(client_for, make_staff, tenant):
    from tests.fixtures.people import sign_in_staff, tenant_host

    member = client_for(tenant_host(tenant))
    sign_in_staff(member, make_staff(tenant, "member@acme.example", role="member").email)
    assert member.get("/admin/email-templates/").status_code == 403


def test_edited_welcome_and_reset_emails_are_sent(firm, smtp, create_client, accept_invitation):
    _save(firm, "welcome", "Hi {{ client_name }}", "{{ portal_name }} is ready: {{ link }}")
    _save(firm, "password_reset", "Reset {{ client_email }}", "Reset it here.")
    create_client("wel@client.example", name="Wendy")
    client = accept_invitation(invite_link_in(text_of(smtp.wait_for(1)[0])))
    welcome = smtp.wait_for(2, to="wel@client.example")[1]
    assert welcome["Subject"] == "Hi Wendy"
    assert "Acme Accounting is ready: https://" in text_of(welcome)
    client.submit("/", {}, "/sign-out")
    asked = client.submit("/forgot-password", {"email": "wel@client.example"})
    assert asked.status_code in (200, 302)
    reset = smtp.wait_for(3, to="wel@client.example")[2]
    assert reset["Subject"] == "Reset wel@client.example"
    assert "Reset it here." in text_of(reset) and "/reset-password/" in text_of(reset)


def test_every_editable_email_opens_with_its_default_and_a_preview(firm):
    from portal.mail.templates import SPECS

    for key, spec in SPECS.items():
        page = firm.get(f"/admin/email-templates/{key}")
        assert page.status_code == 200, key
        html = page.get_data(as_text=True)
        assert spec.label in html and "{{ client_name }}" in html
        assert "Email preview" in html and "Alex Example" in html
    assert firm.get("/admin/email-templates/garbage").status_code == 404
