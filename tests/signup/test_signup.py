"""Direct sign-up: register, verify with the emailed code or link, sign in; and its limits."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from portal.clients.models import Contact
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.signup.models import SignupCode
from tenants.models import Tenant
from tenants.resolution import forget_tenants
from tests.fixtures.people import tenant_host
from tests.fixtures.smtp import text_of

PASSWORD = "violet summit canoe 27"
CODE = re.compile(r"^[ \t]+(\d{6})\s*$", re.M)
CONFIRM = re.compile(r"https://\S+/sign-up/confirm/[A-Za-z0-9_-]+")


def _settings(tenant_id: int, **values) -> None:  # type: ignore[no-untyped-def]
    tenant = db.session.get(Tenant, tenant_id)
    for key, value in values.items():
        setattr(tenant, key, value)
    db.session.commit()
    forget_tenants()


@pytest.fixture
def open_tenant(tenant):  # type: ignore[no-untyped-def]
    _settings(tenant.id, signup_mode="open", welcome_message="Glad you joined us.")
    return tenant


@pytest.fixture
def visitor(client_for, open_tenant):  # type: ignore[no-untyped-def]
    return client_for(tenant_host(open_tenant))


def _register(visitor, email="sam@client.example", name="Sam Lee", **extra):  # type: ignore[no-untyped-def]
    data = {"name": name, "email": email, "password": PASSWORD, "confirm": PASSWORD, **extra}
    return visitor.submit("/sign-up", data)


def _code(smtp, to="sam@client.example", index=-1) -> str:  # type: ignore[no-untyped-def]
    return CODE.search(text_of(smtp.wait_for(1, to=to)[index])).group(1)


def test_register_verify_with_code_and_sign_in(visitor, smtp, open_tenant, staff):
    assert "Create your portal account" in visitor.get("/sign-in").get_data(as_text=True)
    response = _register(visitor)
    assert response.status_code == 302 and response.headers["Location"] == "/sign-up/verify"
    page = visitor.get("/sign-up/verify").get_data(as_text=True)
    assert "spam or junk" in page and "sam@client.example" in page

    denied = visitor.submit("/sign-in", {"email": "sam@client.example", "password": PASSWORD})
    assert "Email or password is incorrect." in denied.get_data(as_text=True)

    mail = smtp.wait_for(1, to="sam@client.example")[0]
    code = _code(smtp)
    assert code in mail["Subject"]
    verified = visitor.submit("/sign-up/verify", {"code": code})
    assert verified.status_code == 302 and verified.headers["Location"] == "/sign-in"

    signed_in = visitor.submit("/sign-in", {"email": "sam@client.example", "password": PASSWORD})
    assert signed_in.status_code == 302
    home = visitor.get("/").get_data(as_text=True)
    assert "Sam Lee" in home
    # Messages is on: the welcome arrives as the first message of a Welcome thread.
    inbox = visitor.get("/messages/").get_data(as_text=True)
    thread = re.search(r'href="(/messages/\d+)"', inbox)
    assert thread is not None and "Welcome" in inbox
    assert "Glad you joined us." in visitor.get(thread[1]).get_data(as_text=True)
    [notice] = smtp.wait_for(1, to=staff.email)
    assert "sam@client.example" in text_of(notice)
    contact = db.session.scalar(select(Contact))
    assert contact.self_registered and contact.activated_at is not None


def test_one_click_link_needs_a_button_press(visitor, smtp, open_tenant):
    _register(visitor)
    link = CONFIRM.search(text_of(smtp.wait_for(1)[0])).group(0)
    path = link.split(tenant_host(open_tenant))[1]
    assert "Confirm my email address" in visitor.get(path).get_data(as_text=True)
    assert db.session.scalar(select(Contact.activated_at)) is None
    assert visitor.submit(path, {}).status_code == 302
    assert (
        visitor.submit(
            "/sign-in", {"email": "sam@client.example", "password": PASSWORD}
        ).status_code
        == 302
    )
    assert visitor.get(path).status_code == 404


def test_code_expires_after_15_minutes(visitor, smtp):
    _register(visitor)
    code = _code(smtp)
    row = db.session.scalar(select(SignupCode))
    assert abs(row.expires_at - row.created_at - timedelta(minutes=15)) < timedelta(seconds=5)
    db.session.execute(update(SignupCode).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    wrong = visitor.submit("/sign-up/verify", {"code": code})
    assert "not correct or has expired" in wrong.get_data(as_text=True)


def test_five_wrong_entries_invalidate_the_code(visitor, smtp):
    _register(visitor)
    code = _code(smtp)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        visitor.submit("/sign-up/verify", {"code": wrong})
    after = visitor.submit("/sign-up/verify", {"code": code})
    assert "not correct or has expired" in after.get_data(as_text=True)
    assert db.session.scalar(select(Contact.activated_at)) is None


def test_resend_cooldown_and_older_codes_stop_working(visitor, smtp):
    _register(visitor)
    first = _code(smtp)
    visitor.submit("/sign-up/verify", {}, action="/sign-up/resend")
    second = CODE.search(text_of(smtp.wait_for(2)[-1])).group(1)
    too_soon = visitor.submit("/sign-up/verify", {}, action="/sign-up/resend")
    assert too_soon.status_code == 429 and int(too_soon.headers["Retry-After"]) <= 60
    if first != second:
        assert "not correct" in visitor.submit("/sign-up/verify", {"code": first}).get_data(
            as_text=True
        )
    assert visitor.submit("/sign-up/verify", {"code": second}).status_code == 302


def test_existing_address_creates_nothing_and_says_the_same(visitor, smtp, client_for, open_tenant):
    _register(visitor)
    visitor.submit("/sign-up/verify", {"code": _code(smtp)})
    again = client_for(tenant_host(open_tenant))
    response = _register(again, name="Impostor")
    assert response.status_code == 302 and response.headers["Location"] == "/sign-up/verify"
    page = again.get("/sign-up/verify").get_data(as_text=True)
    assert "We sent a 6-digit code" in page
    assert db.session.scalar(select(func.count(Contact.id))) == 1
    existing = smtp.wait_for(2)[-1]
    assert "already exists" in text_of(existing) and "/forgot-password" in text_of(existing)
    assert "not correct" in again.submit("/sign-up/verify", {"code": "123456"}).get_data(
        as_text=True
    )


def test_duplicates_allowed_and_sign_in_lets_the_person_choose(
    visitor, smtp, client_for, open_tenant
):
    _settings(open_tenant.id, allow_duplicate_contacts=True, signup_ask_company=True)
    _register(visitor, company="Lee Bakery")
    visitor.submit("/sign-up/verify", {"code": _code(smtp)})
    second = client_for(tenant_host(open_tenant))
    _register(second, company="Lee Holdings")
    second.submit("/sign-up/verify", {"code": _code(smtp, index=-1)})
    assert db.session.scalar(select(func.count(Contact.id))) == 2

    person = client_for(tenant_host(open_tenant))
    chooser = person.submit("/sign-in", {"email": "sam@client.example", "password": PASSWORD})
    assert chooser.headers["Location"] == "/sign-in/choose"
    page = person.get("/sign-in/choose").get_data(as_text=True)
    assert "Lee Bakery" in page and "Lee Holdings" in page
    holdings = db.session.scalars(select(Contact.id).order_by(Contact.id)).all()[1]
    assert person.submit("/sign-in/choose", {"contact_id": holdings}).status_code == 302
    assert "<h1>Lee Holdings</h1>" in person.get("/").get_data(as_text=True)


def test_invite_only_tenant_refuses_sign_up_politely(tenant, client_for):
    visitor = client_for(tenant_host(tenant))
    page = visitor.get("/sign-up")
    assert page.status_code == 200
    assert "Access is by invitation" in page.get_data(as_text=True)
    assert "Create account" not in page.get_data(as_text=True)
    assert "Create your portal account" not in visitor.get("/sign-in").get_data(as_text=True)
    visitor.post("/sign-up", data={"name": "X", "email": "x@client.example", "password": PASSWORD})
    assert db.session.scalar(select(func.count(Contact.id))) == 0


def test_code_issued_on_tenant_a_is_refused_on_tenant_b(visitor, smtp, make_tenant, client_for):
    _register(visitor)
    code = _code(smtp)
    other = make_tenant(slug="beta", name="Beta LLP", signup_mode="open")
    elsewhere = client_for(tenant_host(other))
    assert elsewhere.get("/sign-up/verify").status_code == 302, "no pending sign-up on B"
    _register(elsewhere)
    code_on_b = CODE.search(text_of(smtp.wait_for(2)[-1])).group(1)
    if code_on_b == code:
        pytest.skip("both tenants drew the same random code (one in a million)")
    refused = elsewhere.submit("/sign-up/verify", {"code": code})
    assert "not correct or has expired" in refused.get_data(as_text=True)
    assert db.session.scalars(select(Contact.activated_at)).all() == [None, None]


def test_bad_input_is_refused_with_messages(visitor, smtp):
    cases = [
        ({"name": "", "email": "a@client.example"}, "This field is required."),
        ({"name": "A", "email": "nope"}, "not valid"),
        ({"name": "A" * 201, "email": "a@client.example"}, "200 characters"),
        (
            {"name": "A", "email": "a@client.example", "password": "short", "confirm": "short"},
            "at least 10 characters",
        ),
    ]
    for data, message in cases:
        body = {"password": PASSWORD, "confirm": PASSWORD, **data}
        response = visitor.submit("/sign-up", body)
        assert message in response.get_data(as_text=True), message
    assert db.session.scalar(select(func.count(Contact.id))) == 0
    _register(visitor, name="Dana\x07 Control\x00", email=" Dana@Mailinator.com ")
    contact = db.session.scalar(select(Contact))
    assert contact.name == "Dana Control" and contact.email == "dana@mailinator.com"
    assert contact.email_problem == "Disposable address"


def test_sign_up_is_rate_limited_per_ip(visitor):
    statuses = [_register(visitor, email=f"u{n}@client.example").status_code for n in range(11)]
    assert statuses[:10] == [302] * 10 and statuses[10] == 429


def test_unverified_sign_ups_are_listed_and_purged(visitor, smtp, firm, open_tenant):
    from jobs.signups import purge_unverified_signups

    _register(visitor)
    listing = firm.get("/admin/clients/signups").get_data(as_text=True)
    assert "sam@client.example" in listing
    assert purge_unverified_signups() == 0
    db.session.execute(update(Contact).values(created_at=utcnow() - timedelta(days=8)))
    db.session.commit()
    assert purge_unverified_signups() == 1
    assert db.session.scalar(select(func.count(Contact.id))) == 0
    assert "sam@client.example" not in firm.get("/admin/clients/signups").get_data(as_text=True)


def test_the_purge_keeps_a_sign_up_whose_account_has_history(visitor, smtp, open_tenant):
    """An unverified sign-up the firm has already written to keeps its account and thread (the
    purge used to fail on the thread's foreign key, every hour, for the whole firm); a clean
    one beside it goes."""
    from jobs.signups import purge_unverified_signups
    from portal.clients.models import AccountContact
    from portal.messaging.models import Thread

    _register(visitor, email="kept@client.example")
    _register(visitor, email="gone@client.example")
    kept = db.session.scalar(select(Contact).where(Contact.email == "kept@client.example"))
    account_id = db.session.scalar(
        select(AccountContact.account_id).where(AccountContact.contact_id == kept.id)
    )
    db.session.add(
        Thread(
            tenant_id=open_tenant.id,
            account_id=account_id,
            subject="Welcome",
            created_by_kind="staff",
        )
    )
    db.session.execute(update(Contact).values(created_at=utcnow() - timedelta(days=8)))
    db.session.commit()
    assert purge_unverified_signups() == 1
    db.session.expire_all()
    assert db.session.scalars(select(Contact.email)).all() == ["kept@client.example"]
    assert db.session.scalar(select(func.count(Thread.id))) == 1
