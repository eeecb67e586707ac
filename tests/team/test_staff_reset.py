"""Staff "forgot password": the same answer (page, status, timing) for any address, a link from
the firm's canonical host that works once for one hour, and every other session ended."""

from __future__ import annotations

import re
import statistics
import time
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import update

from portal.auth.models import StaffPasswordReset
from portal.core.database import utcnow
from portal.core.extensions import db
from tests.fixtures.people import sign_in_staff, tenant_host
from tests.fixtures.smtp import html_of, text_of
from tests.fixtures.tenants import csrf_from

NEW_PASSWORD = "granite window sparrow 39"
LINK = re.compile(r"https://[a-z0-9.-]+/admin/reset-password/[A-Za-z0-9_-]+")
CSRF = re.compile(r'value="[^"]*"')
SENT = "emailed it a link to choose a new password"


def ask(browser, email: str, ip: str = "203.0.113.9"):  # type: ignore[no-untyped-def]
    page = browser.get("/admin/forgot-password", environ_base={"REMOTE_ADDR": ip})
    return browser.post(
        "/admin/forgot-password",
        data={"csrf_token": csrf_from(page.get_data(as_text=True)), "email": email},
        environ_base={"REMOTE_ADDR": ip},
    )


def reset_link(smtp, to: str) -> str:  # type: ignore[no-untyped-def]
    message = smtp.wait_for(1, to=to)[-1]
    match = LINK.search(text_of(message))
    assert match, text_of(message)
    assert f'href="{match.group(0)}"' in html_of(message)
    return match.group(0)


def test_the_sign_in_page_offers_forgot_password(portal):
    page = portal.get("/admin/sign-in").get_data(as_text=True)
    assert 'href="/admin/forgot-password"' in page and "Forgot password?" in page


def test_known_and_unknown_addresses_get_the_same_answer(portal, staff, smtp):
    known = ask(portal, staff.email)
    unknown = ask(portal, "nobody@acme.example")
    assert known.status_code == unknown.status_code == 200
    body = CSRF.sub("", known.get_data(as_text=True))
    assert SENT in body
    assert body == CSRF.sub("", unknown.get_data(as_text=True))
    assert len(smtp.wait_for(1)) == 1
    time.sleep(0.3)
    assert [m["To"] for m in smtp.messages] == [staff.email]


def test_the_answer_takes_as_long_for_an_unknown_address(portal, staff, smtp):
    """The lookup and the email happen in a job after the response: time only the answer."""
    timings: dict[str, list[float]] = {"known": [], "unknown": []}
    for round_ in range(4):
        for kind, email in (("known", staff.email), ("unknown", f"ghost{round_}@acme.example")):
            ip = f"203.0.113.{10 + round_}"
            csrf = csrf_from(portal.get("/admin/forgot-password").get_data(as_text=True))
            started = time.perf_counter()
            response = portal.post(
                "/admin/forgot-password",
                data={"csrf_token": csrf, "email": email},
                environ_base={"REMOTE_ADDR": ip},
                buffered=False,
            )
            timings[kind].append(time.perf_counter() - started)
            response.close()  # now the job runs, as after a real response
    known, unknown = (statistics.median(timings[k]) for k in ("known", "unknown"))
    assert abs(known - unknown) < 0.05, timings


def test_the_link_resets_the_password_once_and_ends_other_sessions(
    portal, staff, firm, smtp, client_for, tenant
):
    assert firm.get("/admin/").status_code == 200
    ask(portal, staff.email)
    link = reset_link(smtp, staff.email)
    assert link.startswith(f"https://{tenant_host(tenant)}/admin/reset-password/")
    path = urlsplit(link).path

    browser = client_for(tenant_host(tenant))
    form = browser.get(path)
    assert form.status_code == 200
    assert form.headers["Referrer-Policy"] == "no-referrer"
    assert browser.get(path).status_code == 200  # opening it twice uses nothing up
    weak = browser.submit(path, {"password": "short", "confirm": "short"})
    assert weak.status_code == 422

    done = browser.submit(path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert browser.get("/admin/").status_code == 200
    assert firm.get("/admin/").status_code == 302  # the other session ended
    assert client_for(tenant_host(tenant)).get(path).status_code == 404  # single use
    changed = smtp.wait_for(2, to=staff.email)[-1]
    assert "password was changed" in changed["Subject"]
    sign_in_staff(client_for(tenant_host(tenant)), staff.email, NEW_PASSWORD)


def test_an_expired_or_replaced_link_is_refused(portal, staff, smtp, client_for, tenant):
    ask(portal, staff.email)
    first = urlsplit(reset_link(smtp, staff.email)).path
    ask(portal, staff.email)
    second = urlsplit(smtp.wait_for(2, to=staff.email) and reset_link(smtp, staff.email)).path
    browser = client_for(tenant_host(tenant))
    assert browser.get(first).status_code == 404  # a newer link replaced it
    db.session.execute(
        update(StaffPasswordReset).values(expires_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()
    expired = browser.get(second)
    assert expired.status_code == 404
    assert "no longer valid" in expired.get_data(as_text=True)
    assert staff.email not in expired.get_data(as_text=True)


def test_requests_are_rate_limited_per_address(portal, staff, smtp):
    for number in range(5):
        assert ask(portal, staff.email, ip=f"198.51.100.{number}").status_code == 200
    assert ask(portal, staff.email, ip="198.51.100.77").status_code == 429


def test_deactivated_people_get_nothing_and_invitees_get_their_invitation(
    portal, firm, staff, smtp, make_staff, tenant
):
    gone = make_staff(tenant, "gone@acme.example", role="member")
    firm.submit(f"/admin/team/{gone.id}/deactivate", {"to_staff_id": str(staff.id)})
    firm.submit(
        "/admin/team/", {"email": "hire@acme.example", "role": "member"}, "/admin/team/invite"
    )
    smtp.wait_for(1, to="hire@acme.example")
    smtp.clear()
    assert ask(portal, "gone@acme.example").status_code == 200
    assert ask(portal, "hire@acme.example").status_code == 200
    (message,) = smtp.wait_for(1)
    assert message["To"] == "hire@acme.example"
    assert "/admin/invitation/" in text_of(message)
