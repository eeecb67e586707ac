"""The invitation lifecycle as a state machine (issue #11), and concurrent redemption.

Hypothesis drives one contact at a time through random sequences of the staff actions (invite,
resend, cancel, change email) and the clock (expiry), called as the dashboard calls them, while
the client accepts through the real `/invite/<token>` page with the current link or an older
one. The model says what the design promises (portal/clients/invitations.py):

- a resend refreshes the open invitation and keeps its link; so does a resend after expiry;
- a cancel, and a changed email address, end the link for good; the next invite is a new link;
- a link works only while its invitation is open, unexpired and addressed to the contact's
  current email; once accepted, no link works again.

Invariants after every step: at most one live token per contact, and it is the model's current
link; an accepted contact is exactly one client identity that can sign in with the password it
chose; no cancelled or expired invitation is ever accepted.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta
from itertools import count
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select, update

from portal.auth.passwords import verify_password
from portal.clients import directory, invitations
from portal.clients.invitations import (
    cancel_invitation,
    invitation_token,
    open_invitation,
    send_invitation,
)
from portal.clients.models import Contact, Invitation
from portal.core.database import utcnow
from portal.core.errors import UserError
from portal.core.extensions import db
from tenants.resolution import snapshot_by_id
from tests.fixtures.people import tenant_host
from tests.fixtures.tenants import csrf_from

PASSWORDS = ["maple kettle horizon 58", "copper lantern meadow 71"]
# Invitation emails one address may get in an hour (None before the limit existed).
HOURLY_LIMIT = next(
    (limit for limit, window, _ in getattr(invitations, "SEND_LIMITS", ()) if window.days == 0),
    None,
)


class InvitationLifecycle(RuleBasedStateMachine):
    """One contact's invitations; the class attributes are set by the test before a run."""

    tenant: Any = None
    client_for: Any = None
    emails = count(1)
    seen: Counter[str] = Counter()  # what the runs exercised, checked by the test

    def __init__(self) -> None:
        super().__init__()
        tenant = self.tenant
        self.snapshot = snapshot_by_id(tenant.id)
        number = next(self.emails)
        account = directory.create_account(tenant.id, f"Lifecycle {number}", "household")
        self.contact = directory.add_contact(
            tenant.id, account, self._email(), f"Person {number}", login=True
        )
        db.session.commit()
        self.contact_id = self.contact.id
        self.current: str | None = None  # the live link's token, if an invitation is open
        self.expired = False  # the open invitation's expiry has passed
        self.old: list[str] = []  # every link that must never work again
        self.accepted_with: str | None = None  # the password the client chose
        self.sends: dict[str, int] = {}  # invitation emails per address

    def _email(self) -> str:
        return f"life{next(self.emails)}@clients.example"

    def _contact(self) -> Contact:
        db.session.expire_all()
        contact = db.session.get(Contact, self.contact_id)
        assert contact is not None
        return contact

    def _send(self) -> str | None:
        """What the dashboard's invite button does: the link's token, or None when refused.

        An address gets at most HOURLY_LIMIT invitation emails an hour (issue #11, item 3):
        past it the send is refused before anything changes, and the live link stays as it was.
        """
        contact = self._contact()
        sent = self.sends.get(contact.email, 0)
        try:
            invitation = send_invitation(self.snapshot, contact, invited_by="Test (team)")
        except UserError:
            db.session.rollback()
            self.seen["send refused by the limit"] += 1
            assert HOURLY_LIMIT is not None and sent >= HOURLY_LIMIT, "a send was refused"
            return None
        assert HOURLY_LIMIT is None or sent < HOURLY_LIMIT, "the send limit was not enforced"
        db.session.commit()
        self.sends[contact.email] = sent + 1
        return invitation_token(invitation)

    def _retire_current(self) -> None:
        if self.current is not None:
            self.old.append(self.current)
        self.current = None
        self.expired = False

    # --- staff actions and the clock -----------------------------------------------------------

    @precondition(lambda self: self.accepted_with is None and self.current is None)
    @rule()
    def invite(self) -> None:
        token = self._send()
        if token is not None:
            assert token not in self.old, "a new invitation reused a dead link"
            self.current, self.expired = token, False

    @precondition(lambda self: self.accepted_with is None and self.current is not None)
    @rule()
    def resend(self) -> None:
        token = self._send()
        if token is not None:
            assert token == self.current, "a resend changed the live link"
            self.seen["resent, same link" if not self.expired else "resent after expiry"] += 1
            self.expired = False  # the resend refreshes the expiry of the same link

    @rule()
    def cancel(self) -> None:
        cancelled = cancel_invitation(self.tenant.id, self.contact_id)
        db.session.commit()
        assert cancelled == (self.current is not None and self.accepted_with is None)
        if self.accepted_with is None:
            self._retire_current()

    @precondition(lambda self: self.accepted_with is None)
    @rule()
    def change_email(self) -> None:
        directory.change_email(self.tenant.id, self._contact(), self._email())
        db.session.commit()
        self._retire_current()

    @precondition(lambda self: self.current is not None and self.accepted_with is None)
    @rule()
    def expire(self) -> None:
        db.session.execute(
            update(Invitation)
            .where(Invitation.tenant_id == self.tenant.id, Invitation.contact_id == self.contact_id)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
        self.expired = True

    # --- the client ---------------------------------------------------------------------------

    def _accept(self, token: str, password: str) -> int:
        client = self.client_for(tenant_host(self.tenant))
        path = f"/invite/{token}"
        page = client.get(path)
        if page.status_code != 200:
            return page.status_code
        csrf = csrf_from(page.get_data(as_text=True))
        data = {"csrf_token": csrf, "password": password, "confirm": password}
        response = client.post(path, data=data)
        if response.status_code == 302:
            assert client.get("/").status_code == 200, "accepted but not signed in"
        return response.status_code

    @precondition(lambda self: self.current is not None)
    @rule(password=st.sampled_from(PASSWORDS))
    def accept_current(self, password: str) -> None:
        assert self.current is not None
        status = self._accept(self.current, password)
        if self.accepted_with is None and not self.expired:
            assert status == 302, f"a live link was refused ({status})"
            self.accepted_with = password
            self.old.append(self.current)
            self.seen["accepted"] += 1
        else:
            assert status in (404, 410), f"a used or expired link answered {status}"
            self.seen["expired or used link refused"] += 1

    @precondition(lambda self: bool(self.old))
    @rule(data=st.data())
    def accept_old(self, data: st.DataObject) -> None:
        token = data.draw(st.sampled_from(self.old))
        status = self._accept(token, PASSWORDS[1])
        assert status in (404, 410), f"a dead link answered {status}"
        self.seen["old link refused"] += 1

    # --- what must always hold ----------------------------------------------------------------

    @invariant()
    def at_most_one_live_token(self) -> None:
        db.session.expire_all()
        live = db.session.scalars(
            select(Invitation).where(
                Invitation.tenant_id == self.tenant.id,
                Invitation.contact_id == self.contact_id,
                Invitation.accepted_at.is_(None),
                Invitation.cancelled_at.is_(None),
                Invitation.expires_at > utcnow(),
            )
        ).all()
        assert len(live) <= 1, f"{len(live)} live invitations"
        if live:
            assert not self.expired and self.accepted_with is None
            assert invitation_token(live[0]) == self.current
        elif self.accepted_with is None and self.current is not None:
            assert self.expired, "the live link disappeared"

    @invariant()
    def accepted_is_one_identity(self) -> None:
        contact = self._contact()
        accepted = db.session.scalars(
            select(Invitation).where(
                Invitation.contact_id == self.contact_id, Invitation.accepted_at.is_not(None)
            )
        ).all()
        if self.accepted_with is None:
            assert not accepted and not contact.can_sign_in
            return
        assert len(accepted) == 1, f"{len(accepted)} invitations accepted"
        (invitation,) = accepted
        assert invitation.cancelled_at is None and invitation.email == contact.email
        assert invitation.accepted_at is not None
        assert invitation.accepted_at <= invitation.expires_at, "accepted after it expired"
        assert contact.can_sign_in and verify_password(contact.password_hash, self.accepted_with)
        same_email = db.session.scalar(
            select(func.count())
            .select_from(Contact)
            .where(Contact.tenant_id == self.tenant.id, Contact.email == contact.email)
        )
        assert same_email == 1
        assert open_invitation(self.tenant.id, self.contact_id) is None

    def teardown(self) -> None:
        db.session.rollback()


@pytest.mark.slow  # 40 runs of up to 12 steps, about 12-15 s per database
def test_invitation_lifecycle_state_machine(app, tenant, client_for) -> None:  # type: ignore[no-untyped-def]
    InvitationLifecycle.seen.clear()
    InvitationLifecycle.tenant = tenant
    InvitationLifecycle.client_for = staticmethod(client_for)
    run_state_machine_as_test(
        InvitationLifecycle,
        settings=settings(
            max_examples=40,
            stateful_step_count=12,
            deadline=None,
            database=None,  # no .hypothesis folder in the checkout; CI reruns are seeded anyway
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
    seen = InvitationLifecycle.seen
    print(dict(seen))
    assert seen["accepted"] and seen["old link refused"], seen


# --- several redemptions of one link at the same moment ------------------------------------------

RACES = 4  # rounds, each on a fresh invitation: one lucky interleaving must not hide a 500
RACERS = 3


def race(tenant: Any, client_for: Any, number: int) -> None:
    """RACERS browsers submit the same invitation at once, each with its own password.

    Each request runs in its own thread, so Flask pushes an app context per request there and
    Flask-SQLAlchemy gives each its own session and connection on the real database.
    """
    account = directory.create_account(tenant.id, f"Race {number}", "household")
    contact = directory.add_contact(
        tenant.id, account, f"race{number}@clients.example", "", login=True
    )
    invitation = send_invitation(snapshot_by_id(tenant.id), contact, invited_by="Test (team)")
    db.session.commit()
    contact_id = contact.id
    path = f"/invite/{invitation_token(invitation)}"
    passwords = [f"{word} racing tortoise {number}" for word in ("amber", "brisk", "cobalt")]
    clients = [client_for(tenant_host(tenant)) for _ in range(RACERS)]
    forms = []
    for client, password in zip(clients, passwords, strict=True):
        csrf = csrf_from(client.get(path).get_data(as_text=True))
        forms.append({"csrf_token": csrf, "password": password, "confirm": password})

    barrier = threading.Barrier(RACERS)
    statuses: dict[int, int] = {}
    errors: list[BaseException] = []

    def redeem(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            statuses[index] = clients[index].post(path, data=forms[index]).status_code
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=redeem, args=(index,)) for index in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert sorted(statuses.values()) == [302] + [404] * (RACERS - 1), (number, statuses)

    (winner,) = [index for index, status in statuses.items() if status == 302]
    db.session.expire_all()  # the test's session still holds the contact as it was before
    signed_in = [
        index for index, client in enumerate(clients) if client.get("/").status_code == 200
    ]
    assert signed_in == [winner], "only the winner has a session"
    stored = db.session.get(Contact, contact_id)
    assert stored is not None and stored.can_sign_in
    assert verify_password(stored.password_hash, passwords[winner]), "the winner set the password"
    accepted = db.session.scalars(
        select(Invitation.accepted_at).where(Invitation.contact_id == contact_id)
    ).all()
    assert len(accepted) == 1 and accepted[0] is not None


def test_concurrent_redemption_has_exactly_one_winner(app, tenant, client_for) -> None:  # type: ignore[no-untyped-def]
    for number in range(RACES):
        race(tenant, client_for, number)
