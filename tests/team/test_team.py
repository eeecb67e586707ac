"""The team page: invite a teammate (through the real SMTP server), roles and the last-owner
rule, deactivation and removal ending sessions at once, and every action in the audit log."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.auth.models import StaffInvitation, StaffMember
from portal.clients import directory
from portal.core.extensions import db
from portal.messaging.models import Thread
from tests.fixtures.people import sign_in_staff, tenant_host
from tests.fixtures.queries import counting
from tests.fixtures.smtp import html_of, text_of
from tests.fixtures.tenants import STAFF_PASSWORD

NEW_PASSWORD = "tidal lantern pebble 64"
LINK = re.compile(r"https://[a-z0-9.-]+/admin/invitation/[A-Za-z0-9_-]+")


def member(email: str) -> StaffMember:
    db.session.expire_all()
    return db.session.scalar(select(StaffMember).where(StaffMember.email == email))


def events(name: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.event == name)))


def team_table(firm) -> str:  # type: ignore[no-untyped-def]
    """The team table of the team page (flash messages above it may name people too)."""
    return firm.get("/admin/team/").get_data(as_text=True).split("<table", 1)[1]


def invite(
    firm, email: str = "new.hire@acme.example", role: str = "member", name: str = "Nia Hire"
):  # type: ignore[no-untyped-def]
    return firm.submit(
        "/admin/team/", {"email": email, "name": name, "role": role}, "/admin/team/invite"
    )


def test_an_invited_teammate_accepts_sets_a_password_and_signs_in(firm, smtp, client_for, tenant):
    response = invite(firm, role="admin")
    assert response.status_code == 302
    page = firm.get("/admin/team/").get_data(as_text=True)
    assert "Invitation sent to new.hire@acme.example." in page
    assert "Nia Hire" in page and "Invited" in page and "Never" in page

    (message,) = smtp.wait_for(1, to="new.hire@acme.example")
    assert "Acme Accounting" in message["Subject"]
    link = LINK.search(text_of(message)).group(0)
    assert link.startswith(f"https://{tenant_host(tenant)}/admin/invitation/")
    assert f'href="{link}"' in html_of(message)

    browser = client_for(tenant_host(tenant))
    path = urlsplit(link).path
    accepted = browser.submit(path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert accepted.status_code == 302
    assert browser.get("/admin/").status_code == 200
    assert browser.get("/admin/settings/branding").status_code == 200  # an admin
    assert browser.get("/admin/team/").status_code == 403  # but not an owner

    again = client_for(tenant_host(tenant))
    sign_in_staff(again, "new.hire@acme.example", NEW_PASSWORD)
    page = firm.get("/admin/team/").get_data(as_text=True)
    row = page.split("new.hire@acme.example", 1)[1].split("</tr>", 1)[0]
    assert "Active" in row and "Never" not in row
    assert [e.detail for e in events("team.invited")] == [
        f"staff:{member('new.hire@acme.example').id} as Admin"
    ]


def test_inviting_someone_already_on_the_team_is_refused_on_the_form(firm, staff):
    response = invite(firm, email=staff.email)
    assert response.status_code == 422
    assert "owner@acme.example is already on the team." in response.get_data(as_text=True)
    bad = invite(firm, email="not-an-address")
    assert bad.status_code == 422


def test_resend_replaces_the_link_and_cancel_withdraws_it(firm, smtp, client_for, tenant):
    invite(firm)
    first = LINK.search(text_of(smtp.wait_for(1)[0])).group(0)
    hire = member("new.hire@acme.example")
    assert firm.submit("/admin/team/", {}, f"/admin/team/{hire.id}/resend").status_code == 302
    second = LINK.search(text_of(smtp.wait_for(2)[1])).group(0)
    browser = client_for(tenant_host(tenant))
    assert browser.get(urlsplit(first).path).status_code == 404
    assert browser.get(urlsplit(second).path).status_code == 200

    confirm = firm.get(f"/admin/team/{hire.id}/cancel")
    assert "Cancel the invitation Nia Hire?" in confirm.get_data(as_text=True)
    assert member("new.hire@acme.example").removed_at is None  # asking changed nothing
    done = firm.submit(f"/admin/team/{hire.id}/cancel", {})
    assert done.status_code == 302
    assert browser.get(urlsplit(second).path).status_code == 404
    assert "new.hire@acme.example" not in team_table(firm)
    assert len(events("team.invitation_resent")) == 1
    assert len(events("team.invitation_cancelled")) == 1
    # Invited again later: a fresh invitation, the same person.
    assert invite(firm).status_code == 302
    assert member("new.hire@acme.example").removed_at is None


def test_the_last_owner_cannot_be_demoted_deactivated_or_removed(firm, staff, signed_in):
    response = firm.submit("/admin/team/", {"role": "admin"}, f"/admin/team/{staff.id}/role")
    assert response.status_code == 422
    assert "A firm needs at least one active owner" in response.get_data(as_text=True)
    assert member(staff.email).role == "owner"

    # With a second owner, either may step down, but not both.
    second = signed_in("second@acme.example", "owner")
    other = member("second@acme.example")
    assert (
        firm.submit("/admin/team/", {"role": "admin"}, f"/admin/team/{staff.id}/role").status_code
        == 302
    )
    assert member(staff.email).role == "admin"
    assert firm.get("/admin/team/").status_code == 403  # no longer an owner
    refused = second.submit("/admin/team/", {"role": "member"}, f"/admin/team/{other.id}/role")
    assert refused.status_code == 422
    for action in ("deactivate", "remove"):
        page = second.submit(f"/admin/team/{other.id}/{action}", {"to_staff_id": str(staff.id)})
        assert page.status_code == 422
        assert "cannot" in page.get_data(as_text=True)
    assert member("second@acme.example").can_sign_in
    assert [e.detail for e in events("team.role_changed")] == [f"staff:{staff.id} Owner -> Admin"]


def test_a_deactivated_teammate_is_signed_out_at_once_and_cannot_sign_in(
    firm, signed_in, client_for, tenant, staff
):
    colleague = signed_in("colleague@acme.example", "member")
    assert colleague.get("/admin/clients/").status_code == 200
    target = member("colleague@acme.example")

    confirm = firm.get(f"/admin/team/{target.id}/deactivate").get_data(as_text=True)
    assert "Deactivate colleague@acme.example?" in confirm
    assert colleague.get("/admin/clients/").status_code == 200  # asking changed nothing
    done = firm.submit(f"/admin/team/{target.id}/deactivate", {"to_staff_id": str(staff.id)})
    assert done.status_code == 302

    refused = colleague.get("/admin/clients/")
    assert refused.status_code == 302 and "/admin/sign-in" in refused.headers["Location"]
    retry = client_for(tenant_host(tenant)).submit(
        "/admin/sign-in", {"email": "colleague@acme.example", "password": STAFF_PASSWORD}
    )
    assert retry.status_code == 422
    assert "Email or password is incorrect." in retry.get_data(as_text=True)
    row = team_table(firm).split("colleague@acme.example", 1)[1]
    assert "Deactivated" in row.split("</tr>", 1)[0]
    (event,) = events("team.deactivated")
    assert event.principal_id == staff.id and event.detail == (
        f"staff:{target.id} work to staff:{staff.id} conversations=0 document_requests=0"
    )

    assert firm.submit("/admin/team/", {}, f"/admin/team/{target.id}/reactivate").status_code == 302
    sign_in_staff(client_for(tenant_host(tenant)), "colleague@acme.example")
    assert len(events("team.reactivated")) == 1


def test_a_removed_teammate_leaves_the_team_but_stays_named_in_the_audit_log(
    firm, signed_in, staff, client_for, tenant
):
    colleague = signed_in("leaver@acme.example", "admin")
    target = member("leaver@acme.example")
    done = firm.submit(f"/admin/team/{target.id}/remove", {"to_staff_id": str(staff.id)})
    assert done.status_code == 302
    assert colleague.get("/admin/").status_code == 302
    assert "leaver@acme.example" not in team_table(firm)
    assert firm.get(f"/admin/team/{target.id}/remove").status_code == 404
    gone = member("leaver@acme.example")
    assert gone.removed_at is not None and gone.password_hash is None
    log = firm.get("/admin/audit/?event=signin").get_data(as_text=True)
    assert "leaver@acme.example" in log  # their sign-in is still named


def test_nobody_can_deactivate_or_remove_themselves(firm, staff, signed_in):
    signed_in("second@acme.example", "owner")
    other = member("second@acme.example")
    for action in ("deactivate", "remove"):
        response = firm.submit(f"/admin/team/{staff.id}/{action}", {"to_staff_id": str(other.id)})
        assert response.status_code == 422
        assert f"You cannot {action} yourself" in response.get_data(as_text=True)


def test_an_invitation_cancelled_by_deactivation_stops_working(
    firm, smtp, client_for, tenant, staff
):
    invite(firm)
    link = LINK.search(text_of(smtp.wait_for(1)[0])).group(0)
    hire = member("new.hire@acme.example")
    firm.submit(f"/admin/team/{hire.id}/deactivate", {"to_staff_id": str(staff.id)})
    assert client_for(tenant_host(tenant)).get(urlsplit(link).path).status_code == 404
    assert db.session.scalar(select(StaffInvitation.cancelled_at)) is not None


def test_a_departing_teammates_conversations_go_to_the_chosen_colleague(
    firm, signed_in, staff, tenant, make_staff
):
    signed_in("leaving@acme.example", "member")
    leaving = member("leaving@acme.example")
    heir = make_staff(tenant, "heir@acme.example", role="member")
    account = directory.create_account(tenant.id, "Handover Household", "household")
    db.session.flush()
    thread = Thread(
        tenant_id=tenant.id,
        account_id=account.id,
        subject="Year-end questions",
        created_by_kind="staff",
        created_by_id=leaving.id,
        assigned_staff_id=leaving.id,
    )
    db.session.add(thread)
    db.session.commit()
    confirm = firm.get(f"/admin/team/{leaving.id}/remove").get_data(as_text=True)
    assert "heir@acme.example (Staff)" in confirm
    done = firm.submit(f"/admin/team/{leaving.id}/remove", {"to_staff_id": str(heir.id)})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Thread, thread.id).assigned_staff_id == heir.id
    (event,) = events("team.removed")
    assert "conversations=1" in event.detail


def test_the_team_page_runs_the_same_queries_at_10_and_100_teammates(firm, tenant):
    counts = []
    for start, stop in ((0, 10), (10, 100)):
        db.session.add_all(
            StaffMember(tenant_id=tenant.id, email=f"t{n}@acme.example", name=f"T {n:03d}")
            for n in range(start, stop)
        )
        db.session.commit()
        firm.get("/admin/team/")  # warm caches
        with counting() as statements:
            page = firm.get("/admin/team/?sort=-last_login&page=2")
        assert page.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    assert team_table(firm).count("<tr>") == 51  # the heading row and one page of 50
