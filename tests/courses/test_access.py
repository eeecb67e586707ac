"""Who sees a course: all clients, an account (while the client looks at it), an account tag,
or one person; never a draft, another account's or another firm's course."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from portal.core.extensions import db
from portal.courses import service
from portal.courses.models import Lesson


def first_lesson(course_id: int) -> int:
    return db.session.scalars(select(Lesson.id).where(Lesson.course_id == course_id)).first()


def switch(who: Any, account_id: int) -> None:
    response = who.submit("/", {"account_id": str(account_id)}, action="/switch-account")
    assert response.status_code in (302, 303)


def test_account_grant_follows_the_current_account(
    tenant: Any, make_account: Any, make_contact: Any, sign_in: Any, make_course: Any
) -> None:
    home = make_account(tenant, "Birch Household")
    company = make_account(tenant, "Birch Bakery LLC")
    person = make_contact(tenant, home, company)
    who = sign_in(person)
    course = make_course(
        tenant, "Payroll for employers", access=service.Access(False, account_ids=(company.id,))
    )
    lesson = first_lesson(course.id)
    switch(who, home.id)
    assert "Payroll for employers" not in who.get("/courses/").get_data(as_text=True)
    assert who.get(f"/courses/{course.id}").status_code == 404
    assert who.get(f"/courses/{course.id}/lessons/{lesson}").status_code == 404
    switch(who, company.id)
    assert "Payroll for employers" in who.get("/courses/").get_data(as_text=True)
    assert who.get(f"/courses/{course.id}/lessons/{lesson}").status_code == 200


def test_tag_grant_reaches_tagged_accounts_only(
    tenant: Any, make_account: Any, make_contact: Any, sign_in: Any, make_course: Any
) -> None:
    tagged = make_account(tenant, "Oak Farm", tags=("farmers",))
    plain = make_account(tenant, "Elm Studio")
    farmer = sign_in(make_contact(tenant, tagged, email="fred@oak.example"))
    artist = sign_in(make_contact(tenant, plain, email="ella@elm.example"))
    course = make_course(
        tenant, "Farm tax credits", access=service.Access(False, tags=(" Farmers ",))
    )
    assert "Farm tax credits" in farmer.get("/courses/").get_data(as_text=True)
    assert "Farm tax credits" not in artist.get("/courses/").get_data(as_text=True)
    assert artist.get(f"/courses/{course.id}").status_code == 404


def test_personal_grant_follows_the_person_in_any_account(
    tenant: Any, make_account: Any, make_contact: Any, sign_in: Any, make_course: Any
) -> None:
    shared = make_account(tenant, "Pine Partners")
    chosen = make_contact(tenant, shared, email="paula@pine.example")
    other = make_contact(tenant, shared, email="peter@pine.example")
    course = make_course(
        tenant, "Partner onboarding", access=service.Access(False, contact_ids=(chosen.id,))
    )
    assert "Partner onboarding" in sign_in(chosen).get("/courses/").get_data(as_text=True)
    peter = sign_in(other)
    assert "Partner onboarding" not in peter.get("/courses/").get_data(as_text=True)
    assert peter.get(f"/courses/{course.id}/resume").status_code == 404


def test_another_firms_course_is_not_found(
    tenant: Any, client: Any, make_tenant: Any, make_account: Any, make_course: Any
) -> None:
    other = make_tenant(slug="bravo")
    make_account(other, "Bravo client")
    course = make_course(other, "Bravo secrets")
    lesson = first_lesson(course.id)
    assert client.get(f"/courses/{course.id}").status_code == 404
    assert client.get(f"/courses/{course.id}/lessons/{lesson}").status_code == 404
    assert "Bravo secrets" not in client.get("/courses/").get_data(as_text=True)


def test_a_lesson_of_another_course_is_not_found_through_an_open_course(
    tenant: Any, client: Any, make_course: Any
) -> None:
    open_course = make_course(tenant, "Open to all")
    draft = make_course(tenant, "Hidden draft", publish=False)
    hidden = first_lesson(draft.id)
    assert client.get(f"/courses/{open_course.id}/lessons/{hidden}").status_code == 404
    probe = client.submit(
        f"/courses/{open_course.id}/lessons/{first_lesson(open_course.id)}",
        {"done": "1"},
        action=f"/courses/{open_course.id}/lessons/{hidden}/complete",
    )
    assert probe.status_code == 404


def test_access_form_validates_and_keeps_choices(
    firm: Any, tenant: Any, make_account: Any, make_course: Any, make_tenant: Any
) -> None:
    course = make_course(tenant, "Chosen only", publish=False)
    page = f"/admin/courses/{course.id}/access"
    nobody = firm.submit(page, {"open_to_all": "chosen", "tags": ""})
    assert nobody.status_code == 422
    assert "Choose at least one account, tag or person" in nobody.get_data(as_text=True)
    foreign = make_account(make_tenant(slug="bravo"), "Bravo Client")
    refused = firm.submit(page, {"open_to_all": "chosen", "account_ids": str(foreign.id)})
    assert refused.status_code == 422
    assert "Some of the chosen accounts no longer exist" in refused.get_data(as_text=True)
    mine = make_account(tenant, "Cedar Trust")
    found = firm.get(f"{page}?account_q=cedar").get_data(as_text=True)
    assert f'value="{mine.id}"' in found and "Cedar Trust" in found
    saved = firm.submit(
        page, {"open_to_all": "chosen", "account_ids": str(mine.id), "tags": "VIP, vip"}
    )
    assert saved.status_code == 303
    editor = firm.get(f"/admin/courses/{course.id}").get_data(as_text=True)
    assert "Accounts: Cedar Trust" in editor and "Accounts tagged: vip" in editor


def test_widening_a_published_course_tells_only_the_new_people(
    firm: Any, tenant: Any, make_account: Any, make_contact: Any, make_course: Any
) -> None:
    from portal.notifications.models import Notification

    first = make_account(tenant, "First Account")
    second = make_account(tenant, "Second Account")
    make_contact(tenant, first, email="a@first.example")
    newcomer = make_contact(tenant, second, email="b@second.example")
    course = make_course(
        tenant, "Growing", publish=False, access=service.Access(False, account_ids=(first.id,))
    )
    firm.submit(f"/admin/courses/{course.id}", {}, action=f"/admin/courses/{course.id}/publish")
    assert len(db.session.scalars(select(Notification)).all()) == 1
    firm.submit(
        f"/admin/courses/{course.id}/access",
        {"open_to_all": "chosen", "account_ids": [str(first.id), str(second.id)]},
    )
    rows = db.session.scalars(select(Notification).order_by(Notification.id)).all()
    assert [row.recipient_id for row in rows][1:] == [newcomer.id]
    assert rows[1].account_id == second.id  # opening it switches to the granting account
    assert rows[0].account_id == first.id
