"""A client sees the portal and gets emails in their language: their stored choice while the
firm offers it, else the browser's best offered match, else the firm's default. Staff pages
and staff emails stay English; dates and money are written the language's way."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import render_template_string
from flask_babel import force_locale
from sqlalchemy import select

from portal.clients.languages import set_language
from portal.clients.models import Contact
from portal.core.database import utcnow
from portal.core.errors import UserError
from portal.core.extensions import db
from tenants.models import Tenant
from tenants.resolution import forget_tenants
from tests.documents.helpers import request_documents
from tests.fixtures.people import invite_link_in
from tests.fixtures.smtp import html_of, text_of
from tests.fixtures.tenants import csrf_from

EMAIL = "ana@client.example"


def _signed_in_client(create_client, accept_invitation, smtp):  # type: ignore[no-untyped-def]
    create_client(EMAIL, name="Ana")
    [mail] = smtp.wait_for(1, to=EMAIL)
    client = accept_invitation(invite_link_in(text_of(mail)))
    smtp.clear()
    return client


def _contact() -> Contact:
    db.session.expire_all()
    return db.session.scalars(select(Contact).where(Contact.email == EMAIL)).one()


def _home(client, accept: str | None = None) -> str:  # type: ignore[no-untyped-def]
    response = client.get("/", headers={"Accept-Language": accept} if accept else {})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _firm_languages(tenant: Tenant, default: str, offered: str) -> None:
    row = db.session.get(Tenant, tenant.id)
    assert row is not None
    row.default_language, row.languages = default, offered
    db.session.commit()
    forget_tenants()


def test_the_browser_language_picks_among_the_offered_ones(
    firm, tenant, smtp, create_client, accept_invitation
):
    client = _signed_in_client(create_client, accept_invitation, smtp)

    german = _home(client, "de-DE,de;q=0.9,en;q=0.5")
    assert 'lang="de"' in german and 'dir="ltr"' in german
    assert "Wartet auf Sie" in german and "Waiting for you" not in german
    assert "Startseite" in german and "Nachrichten" in german  # the menu too

    french = _home(client, "fr-CA,fr;q=0.8")
    assert 'lang="fr"' in french and "En attente de votre part" in french

    unknown = _home(client, "ja,zh;q=0.8")  # nothing offered matches: the firm's default
    assert 'lang="en"' in unknown and "Waiting for you" in unknown


def test_a_stored_choice_beats_the_browser_and_only_offered_codes_are_kept(
    firm, tenant, smtp, create_client, accept_invitation
):
    client = _signed_in_client(create_client, accept_invitation, smtp)
    set_language(_contact(), "es")
    assert _contact().language == "es"

    page = _home(client, "de")
    assert 'lang="es"' in page and "Pendiente de usted" in page

    with pytest.raises(UserError) as refused:
        set_language(_contact(), "it")
    assert refused.value.field == "language"
    set_language(_contact(), "")  # back to "as my browser says"
    assert _contact().language is None
    assert "Wartet auf Sie" in _home(client, "de")


def test_signed_out_pages_and_error_pages_follow_the_browser(portal):
    sign_in = portal.get("/sign-in", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "Iniciar sesión" in sign_in and "¿Ha olvidado su contraseña?" in sign_in
    missing = portal.get("/no-such-page", headers={"Accept-Language": "fr"})
    assert missing.status_code == 404
    assert "Page introuvable" in missing.get_data(as_text=True)


def test_the_firm_restricts_the_offered_languages_and_staff_pages_stay_english(
    firm, tenant, smtp, create_client, accept_invitation
):
    client = _signed_in_client(create_client, accept_invitation, smtp)
    set_language(_contact(), "es")

    refused = firm.submit(
        "/admin/settings/languages", {"default_language": "de", "offered": ["fr"]}
    )
    assert refused.status_code == 422
    assert "The default language must be one of the languages offered." in refused.get_data(
        as_text=True
    )
    saved = firm.submit(
        "/admin/settings/languages", {"default_language": "fr", "offered": ["fr", "de"]}
    )
    assert saved.status_code == 302
    row = db.session.get(Tenant, tenant.id)
    db.session.refresh(row)
    assert (row.default_language, row.languages) == ("fr", "fr,de")

    # Spanish is no longer offered: neither the stored choice nor the browser can have it.
    page = _home(client, "es")
    assert 'lang="fr"' in page and "En attente de votre part" in page
    assert "Wartet auf Sie" in _home(client, "de")
    assert "Waiting for you" not in _home(client, "en")  # English is not offered either

    staff_page = firm.get("/admin/settings/languages", headers={"Accept-Language": "de"})
    assert "Settings › Languages" in staff_page.get_data(as_text=True)


def test_a_document_request_email_arrives_in_the_clients_language(
    firm, tenant, smtp, create_client
):
    account_id = create_client(EMAIL, name="Ana", invite=False, login=False)
    set_language(_contact(), "de")
    due = date(2031, 3, 5)
    response = request_documents(firm, account_id, ("Lohnsteuerbescheinigung 2025", "", due))
    assert response.status_code == 302, response.get_data(as_text=True)

    [mail] = smtp.wait_for(1, to=EMAIL)
    assert mail["Subject"] == (
        "Acme Accounting: Bitte senden Sie „Lohnsteuerbescheinigung 2025“ für Jones Household"
    )
    body = text_of(mail)
    assert body.startswith("Guten Tag Ana,")
    assert "fällig am 05.03.2031" in body
    assert "Hier hochladen, ohne Anmeldung:" in body
    html = html_of(mail)
    assert '<html lang="de" dir="ltr">' in html
    assert "Sie haben diese E-Mail von Acme Accounting erhalten." in html


def test_without_a_choice_emails_use_the_firms_default(firm, tenant, smtp, create_client):
    _firm_languages(tenant, "fr", "en,fr")
    account_id = create_client(EMAIL, name="Ana", invite=False, login=False)
    due = utcnow().date() + timedelta(days=10)
    request_documents(firm, account_id, ("Avis d'imposition", "", due))
    [mail] = smtp.wait_for(1, to=EMAIL)
    assert mail["Subject"].startswith("Acme Accounting : merci d'envoyer « Avis d'imposition »")
    assert text_of(mail).startswith("Bonjour Ana,")


@pytest.mark.parametrize(
    ("language", "money", "day"),
    [
        ("en", "EUR 1,234.56", "5 Mar 2026"),
        ("de", "1.234,56\u00a0€", "05.03.2026"),
        ("fr", "1\u202f234,56\u00a0€", "5 mars 2026"),  # narrow no-break space between thousands
        ("es", "1.234,56\u00a0€", "5 mar 2026"),
    ],
)
def test_money_and_dates_are_written_per_language(app, language, money, day):
    template = "{{ 123456|invoice_money('EUR') }}|{{ day|local_date }}|{{ 2.5|local_number }}"
    with app.test_request_context(), force_locale(language):
        shown = render_template_string(template, day=date(2026, 3, 5))
    decimal = "2.5" if language == "en" else "2,5"
    assert shown == f"{money}|{day}|{decimal}"


def test_a_client_picks_their_language_on_the_profile_page(
    firm, tenant, smtp, create_client, accept_invitation
):
    client = _signed_in_client(create_client, accept_invitation, smtp)
    page = client.get("/profile", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "Sprache" in page and "Français" in page
    token = csrf_from(page)
    saved = client.post(
        "/profile",
        data={
            "details-csrf_token": token,
            "details-name": "Ana",
            "details-phone": "",
            "details-language": "fr",
        },
    )
    assert saved.status_code == 303, saved.get_data(as_text=True)
    assert _contact().language == "fr"
    assert "En attente de votre part" in _home(client, "de")


def test_staff_emails_stay_english_whatever_the_firms_default(firm, tenant, smtp):
    _firm_languages(tenant, "de", "de")
    invited = firm.submit(
        "/admin/team/",
        {"email": "new.hire@acme.example", "name": "Nia Hire", "role": "member"},
        "/admin/team/invite",
    )
    assert invited.status_code == 302
    [mail] = smtp.wait_for(1, to="new.hire@acme.example")
    html = html_of(mail)
    assert '<html lang="en" dir="ltr">' in html
    assert "You received this email from Acme Accounting." in html


def test_notifications_reach_each_person_in_their_language(
    tenant, create_client, accept_invitation, smtp
):
    """A message from the firm shows in a German client's notification centre in German; the
    same event for staff (the client's reply) stays English."""
    from portal.auth.models import StaffMember
    from portal.clients.models import AccountContact
    from portal.messaging.models import Side
    from portal.messaging.threads import Person, post_message, start_thread
    from portal.notifications.models import Notification
    from tenants.resolution import snapshot_by_id

    client = _signed_in_client(create_client, accept_invitation, smtp)
    contact = _contact()
    set_language(contact, "de")
    account_id = db.session.scalar(
        select(AccountContact.account_id).where(AccountContact.contact_id == contact.id)
    )
    staff = db.session.scalars(select(StaffMember)).first()
    snapshot = snapshot_by_id(tenant.id)
    thread, _first = start_thread(
        snapshot, account_id, Person(Side.STAFF, staff.id, "Olivia"), "Steuererklärung", "Hallo"
    )
    post_message(snapshot, thread, Person(Side.CLIENT, contact.id, "Ana"), "Danke")
    db.session.commit()

    page = client.get("/notifications").get_data(as_text=True)
    assert "Neue Nachricht von Olivia: Steuererklärung" in page
    titles = db.session.scalars(
        select(Notification.title).where(Notification.recipient_kind == "staff")
    ).all()
    assert titles and all(t == "New message from Ana: Steuererklärung" for t in titles)
