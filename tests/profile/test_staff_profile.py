"""Staff have the same device list and password change on their side (/admin/profile)."""

from __future__ import annotations

import re

from tests.fixtures.people import sign_in_staff, tenant_host
from tests.fixtures.smtp import text_of
from tests.fixtures.tenants import STAFF_PASSWORD
from tests.profile.conftest import FIREFOX, SAFARI

NEW_PASSWORD = "copper lantern meadow 91"
SESSION_ROW = re.compile(r'action="/admin/profile/sessions/(\d+)/sign-out"')


def _staff_device(client_for, tenant, email: str, agent: str):  # type: ignore[no-untyped-def]
    browser = client_for(tenant_host(tenant))
    browser.environ_base["HTTP_USER_AGENT"] = agent
    sign_in_staff(browser, email)
    return browser


def test_staff_sign_out_another_device_and_change_the_password(  # type: ignore[no-untyped-def]
    client_for, tenant, staff, smtp
) -> None:
    laptop = _staff_device(client_for, tenant, staff.email, FIREFOX)
    phone = _staff_device(client_for, tenant, staff.email, SAFARI)
    tablet = _staff_device(client_for, tenant, staff.email, SAFARI.replace("iPhone", "iPad"))
    page = laptop.get("/admin/profile").get_data(as_text=True)
    assert "Firefox on Windows" in page and "Safari on iPhone" in page
    assert page.count("<mark>This device</mark>") == 1
    phone_row = SESSION_ROW.search(phone.get("/admin/profile").get_data(as_text=True))
    assert phone_row  # the phone's own row comes first on the phone
    ended = laptop.submit(
        "/admin/profile", {}, action=f"/admin/profile/sessions/{phone_row.group(1)}/sign-out"
    )
    assert ended.status_code == 303
    assert phone.get("/admin/").status_code == 302
    assert tablet.get("/admin/").status_code == 200
    smtp.clear()
    changed = laptop.submit(
        "/admin/profile",
        {"current_password": STAFF_PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        action="/admin/profile/password",
    )
    assert changed.status_code == 303
    assert "1 other session(s) signed out" in laptop.get("/admin/profile").get_data(as_text=True)
    assert tablet.get("/admin/").status_code == 302
    assert laptop.get("/admin/").status_code == 200
    smtp.wait_for(1, to=staff.email)
    assert text_of(smtp.messages[-1])
    wrong = laptop.submit(
        "/admin/profile",
        {"current_password": "nope nope nope", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        action="/admin/profile/password",
    )
    assert wrong.status_code == 422
    assert "Your current password is not correct." in wrong.get_data(as_text=True)
