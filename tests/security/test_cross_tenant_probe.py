"""The cross-tenant and cross-account probe (issue #11).

Every rule of `app.url_map` (so a new route is probed the day it is added) is requested, with
every method it allows, by a signed-in client and by the signed-in owner of tenant A ("Acme"),
with tenant B's ("Bravo") object ids substituted for each integer URL variable, one at a time
and all at once, and (for the client) the ids of another client account of tenant A. String
variables get garbage and B's real values (its invitation, reset, staff-invitation and sign-up
tokens, its logo's file name). POSTs carry a valid CSRF token and B's ids in every id-like form
field. Every answer must be:

- never a 5xx, and always the security headers (test_headers_everywhere.header_problems);
- never a page that shows B's (or, for the client, the other account's) names or addresses;
- for a rule with an integer variable: 403, 404 or a redirect to a sign-in page;
- for a token rule: the same refusal that a garbage token gets (404 or 410, or the deliberately
  uninformative "request received" notice of the renewal form);

and afterwards every row tenant B owns is exactly what it was before the probe.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from itertools import product
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.routing import Rule

from portal.auth.models import StaffMember, StaffPasswordReset
from portal.auth.staff import invite_staff
from portal.auth.tokens import hash_token, new_token
from portal.branding import image_key
from portal.clients import directory
from portal.clients.invitations import invitation_token, send_invitation
from portal.clients.models import (
    AccountContact,
    BulkInvite,
    ClientImport,
    Contact,
    PasswordReset,
)
from portal.clients.teammates import TeammateRequest
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.core.storage import storage
from portal.mail.models import OutboxMessage
from portal.modules.models import LinkMode, ModuleLink
from portal.signup.models import SignupCode
from tenants.resolution import forget_tenants, snapshot_by_id
from tenants.webdomains.service import claim_domain
from tests.api.probe_data import api_objects
from tests.billing.probe_data import billing_objects
from tests.community.probe_data import community_objects
from tests.courses.probe_data import course_objects
from tests.documents.probe_data import document_objects
from tests.files.probe_data import file_objects
from tests.fixtures.people import sign_in_staff, tenant_host
from tests.fixtures.tenants import HostClient, csrf_from
from tests.history.probe_data import history_objects
from tests.messaging.probe_data import messaging_objects
from tests.notifications.probe_data import notification_objects
from tests.passkeys.probe_data import passkey_objects
from tests.payments.probe_data import payment_objects
from tests.profile.probe_data import profile_objects
from tests.referrals.probe_data import referral_objects
from tests.security.test_headers_everywhere import header_problems

# --- what the probe may meet ----------------------------------------------------------------

# Routes that are legitimately public, the same on every host for everyone; the probe still
# requests them (no 5xx, no B data) but expects no refusal.
PUBLIC = {
    "health.healthz",  # load-balancer health check: says "ok" or 503, no tenant data
    "home.robots",  # robots.txt: the same text everywhere
    "tls.ask",  # Caddy's on-demand TLS question; answers only ok / unknown host
    "themes.static",  # theme CSS, JS and images: the same files for every tenant
    "admin.static",  # the dashboard's CSS and JS
    "static",  # Flask's own static folder, if the app has one
}
# Token routes that answer a stranger's (or another tenant's) token with a page that never says
# whether the token meant anything: these may answer 200, and are checked for B's data only.
UNINFORMATIVE = {
    "access.renew_invitation",  # "Request received" whatever the token
}
# Sign-out routes end the prober's own session: they are requested last.
SESSION_ENDING = {
    "access.sign_out",
    "admin_firm.sign_out",
    "operator.sign_out",
    "profile.end_everywhere",
    "admin_profile.end_everywhere",
}
SIGN_IN_PATHS = ("/sign-in", "/admin/sign-in", "/operator/sign-in")
DENIED = {403, 404}
GARBAGE_TOKENS = ["garbage", "A" * 43, "x" * 101, "..%2f..%2fetc", "%00"]
GARBAGE_NAMES = ["garbage", "logo-" + "0" * 64 + ".png", "..%2fsecret"]
# String URL variables and what to try for each besides B's real values.
STRING_VARIABLES = {
    "token": GARBAGE_TOKENS,
    "name": GARBAGE_NAMES,
    "action": ["resend", "cancel", "garbage"],
    "theme": ["default", "harbor", "garbage", ".."],
    "filename": ["portal.css", "admin.css", "garbage.js", "../../../pyproject.toml", "%2e%2e/x"],
    "key": ["invitation", "welcome", "garbage"],  # email templates
    "decision": ["approve", "decline", "garbage"],  # teammate requests
    "code": ["garbage", "A" * 20, "..%2f..%2fetc"],  # referral links
}
# Form fields that carry ids: every POST sends B's ids in all of them.
ID_FIELDS = {
    "account_id": "account_id",
    "account_ids": "account_id",
    "contact_id": "contact_id",
    "contact_ids": "contact_id",
    "domain_id": "domain_id",
    "link_id": "link_id",
    "file_id": "upload_id",  # share-file (B ids; files may map it to their own file ids)
    "staff_id": "staff_id",  # assign a thread
    "to_staff_id": "staff_id",  # who takes over a deactivated or removed teammate's work
    "type_id": "type_id",  # request type of a new request
    "service_id": "service_id",  # service of a new request
    "next_request": "request_id",  # assign from a request page
    "merge_contact_id": "contact_id",  # merge two contacts (client records)
    "folder_id": "folder_id",  # upload into / move to a folder (files)
    "parent_id": "folder_id",  # new folder inside a folder (files)
    "matter_id": "matter_id",  # invoice of a matter (billing)
}

# Tenant B's distinctive data: none of it may appear in any answer to tenant A's people.
B_NAME = "Bravo Zulu Partners"
B_ACCOUNT = "Xanadu Quartz Holdings"
B_CONTACT = "Zedediah Quartzmann"
B_EMAIL = "zed.quartz@bravo-secret.example"
B_STAFF = "owner@bravo-secret.example"
B_LINK = "Bravo Secret Ledger"
B_DOMAIN = "portal.bravo-secret.example"
B_PRIVATE = [B_ACCOUNT, B_CONTACT, B_EMAIL, B_STAFF, B_LINK, B_DOMAIN, "bravo-secret"]
B_MARKERS = [B_NAME, *B_PRIVATE]
# The other client account of tenant A: its staff may see it, the first client may not.
A2_ACCOUNT = "Twinleaf Confidential Trust"
A2_EMAIL = "twin.secret@alpha-clients.example"
A2_CONTACT = "Tabitha Twinleaf"
A2_MARKERS = [A2_ACCOUNT, A2_EMAIL, A2_CONTACT]
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8ffff3f0005fe02fea7d605"
    "0f0000000049454e44ae426082"
)


# --- the two tenants ----------------------------------------------------------------------------


def _objects(tenant_id: int, account_id: int, title: str) -> dict[str, Any]:
    """A tenant's embedded link and bulk run."""
    link = ModuleLink(
        tenant_id=tenant_id,
        title=title,
        url="https://ledger.example/",
        mode=LinkMode.EMBED,
    )
    run = BulkInvite(tenant_id=tenant_id, account_ids=f"[{account_id}]", total=1)
    client_import = ClientImport(  # a CSV import, left at its preview (client records)
        tenant_id=tenant_id,
        filename=f"{title}.csv",
        storage_key=f"tenants/{tenant_id}/imports/clients-probe.csv",
        total=1,
    )
    db.session.add_all([link, run, client_import])
    db.session.flush()
    storage().put(
        client_import.storage_key, f"Account name,Contact email\n{title},x@probe.example\n".encode()
    )
    return {"link_id": link.id, "bulk_id": run.id, "import_id": client_import.id}


def _teammate_request(tenant_id: int, account_id: int, contact_id: int, email: str) -> int:
    """A client's request to invite a teammate, waiting for the firm's approval."""
    row = TeammateRequest(
        tenant_id=tenant_id, account_id=account_id, requested_by_contact_id=contact_id, email=email
    )
    db.session.add(row)
    db.session.flush()
    return row.id


def _add_client(tenant_id: int, account: str, email: str, name: str) -> tuple[int, int]:
    """An account with one contact who has portal access and an open invitation."""
    client_account = directory.create_account(tenant_id, account, "household")
    contact = directory.add_contact(tenant_id, client_account, email, name, login=True)
    db.session.flush()
    return client_account.id, contact.id


@pytest.fixture
def world(app: Flask, make_tenant, make_staff, tenant, staff, client_for) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Tenant A (acme) with two client accounts, and tenant B (bravo) with one of everything."""
    a = snapshot_by_id(tenant.id)
    a1_account, a1_contact = _add_client(tenant.id, "Alpha Household", "ann@alpha.example", "Ann")
    a2_account, a2_contact = _add_client(tenant.id, A2_ACCOUNT, A2_EMAIL, A2_CONTACT)
    a1_invite = send_invitation(a, db.session.get(Contact, a1_contact), invited_by="probe")
    a_objects = _objects(tenant.id, a1_account, "Acme Ledger")
    a_domain = claim_domain(tenant.id, "portal.acme-probe.example")
    a_documents, _ = document_objects(tenant.id, a1_account, "ann@alpha.example", staff.id, "Acme")
    a2_documents, _ = document_objects(tenant.id, a2_account, A2_EMAIL, staff.id, A2_ACCOUNT)
    db.session.flush()
    a_ids = {
        "tenant_id": tenant.id,  # operator console routes (404 on tenant hosts)
        "account_id": a1_account,
        "contact_id": a1_contact,
        "domain_id": a_domain.id,
        "message_id": db.session.scalar(select(OutboxMessage.id).limit(1)),
        "teammate_request_id": _teammate_request(
            tenant.id, a1_account, a1_contact, "mate@alpha.example"
        ),
        **a_objects,
        **a_documents,
        **notification_objects(tenant.id, staff.id, "Acme"),
    }
    a2_ids = {"account_id": a2_account, "contact_id": a2_contact}
    a2_ids["document_request_id"] = a2_documents["document_request_id"]
    a_ids |= messaging_objects(tenant.id, a1_account, a1_contact, staff.id, "Acme")
    a_ids |= file_objects(tenant.id, a1_account, staff.id, "Acme")
    a2_ids |= file_objects(tenant.id, a2_account, staff.id, A2_ACCOUNT)
    a_ids |= community_objects(tenant.id, a1_account, a1_contact, staff.id, "Acme")
    a2_ids |= community_objects(tenant.id, a2_account, a2_contact, staff.id, A2_ACCOUNT)
    a_ids |= course_objects(tenant.id, a1_account, "Acme")
    a2_ids |= course_objects(tenant.id, a2_account, A2_ACCOUNT, account_only=True)
    a_ids |= billing_objects(tenant.id, a1_account, "Acme")
    a_ids |= api_objects(tenant.id, "Acme")
    a_ids |= passkey_objects(tenant.id, tenant_host(tenant), "Acme")
    a2_ids |= billing_objects(tenant.id, a2_account, A2_ACCOUNT)
    a_ids |= profile_objects(tenant.id, a1_contact, "ann@alpha.example", "Acme")[0]
    a2_ids |= profile_objects(tenant.id, a2_contact, A2_EMAIL, A2_CONTACT)[0]
    a_ids |= payment_objects(tenant.id, a1_account, "ann@alpha.example", "Acme")[0]
    a2_ids |= payment_objects(tenant.id, a2_account, A2_EMAIL, A2_ACCOUNT)[0]
    a_ids |= referral_objects(tenant.id, a1_account, a1_contact, "Acme")[0]
    a2_ids |= referral_objects(tenant.id, a2_account, a2_contact, A2_ACCOUNT, "Acme")[0]
    history_objects(tenant.id, a2_account, a2_contact, A2_ACCOUNT)
    a2_messaging = messaging_objects(
        tenant.id, a2_account, a2_contact, staff.id, A2_ACCOUNT, "Acme"
    )
    a2_ids |= {key: a2_messaging[key] for key in ("thread_id", "request_id", "attachment_id")}
    a1_token = invitation_token(a1_invite)
    db.session.commit()

    bravo = make_tenant(slug="bravo", name=B_NAME)
    b_staff = make_staff(bravo, B_STAFF)
    b = snapshot_by_id(bravo.id)
    b_account, b_contact = _add_client(bravo.id, B_ACCOUNT, B_EMAIL, B_CONTACT)
    contact = db.session.get(Contact, b_contact)
    b_invite = send_invitation(b, contact, invited_by=B_STAFF)
    b_objects = _objects(bravo.id, b_account, B_LINK)
    b_domain = claim_domain(bravo.id, B_DOMAIN)
    b_documents, b_action_token = document_objects(
        bravo.id, b_account, B_EMAIL, b_staff.id, "bravo-secret"
    )
    reset_raw, reset_hash = new_token()
    db.session.add(
        PasswordReset(
            tenant_id=bravo.id,
            contact_id=b_contact,
            token_hash=reset_hash,
            expires_at=utcnow() + timedelta(hours=1),
        )
    )
    signup_raw = new_token()[0]
    db.session.add(
        SignupCode(
            tenant_id=bravo.id,
            contact_id=b_contact,
            code_hash="unused",
            link_hash=hash_token(signup_raw),
            expires_at=utcnow() + timedelta(hours=1),
        )
    )
    new_staff = StaffMember(
        tenant_id=bravo.id, email="new.hire@bravo-secret.example", role="member"
    )
    db.session.add(new_staff)
    db.session.flush()
    staff_link = invite_staff(b, new_staff)
    staff_reset_raw, staff_reset_hash = new_token()
    db.session.add(
        StaffPasswordReset(
            tenant_id=bravo.id,
            staff_id=b_staff.id,
            token_hash=staff_reset_hash,
            expires_at=utcnow() + timedelta(hours=1),
        )
    )
    b_payments, b_pay_token = payment_objects(bravo.id, b_account, B_EMAIL, B_ACCOUNT)
    b_referrals, b_code = referral_objects(bravo.id, b_account, b_contact, B_ACCOUNT)
    history_objects(bravo.id, b_account, b_contact, B_ACCOUNT)
    b_profile, b_profile_tokens = profile_objects(bravo.id, b_contact, B_EMAIL, B_ACCOUNT)
    logo = "logo-" + "ab" * 32 + ".png"
    storage().put(image_key(bravo.id, logo), PNG)
    db.session.flush()
    b_ids = {
        "tenant_id": bravo.id,
        "account_id": b_account,
        "contact_id": b_contact,
        "domain_id": b_domain.id,
        "message_id": db.session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.tenant_id == bravo.id).limit(1)
        ),
        "teammate_request_id": _teammate_request(
            bravo.id, b_account, b_contact, "mate@bravo-secret.example"
        ),
        **b_objects,
        **b_documents,
        **notification_objects(bravo.id, b_staff.id, B_ACCOUNT),
        **messaging_objects(bravo.id, b_account, b_contact, b_staff.id, B_ACCOUNT),
        **file_objects(bravo.id, b_account, b_staff.id, B_ACCOUNT),
        **community_objects(bravo.id, b_account, b_contact, b_staff.id, B_ACCOUNT),
        **course_objects(bravo.id, b_account, B_ACCOUNT),
        **billing_objects(bravo.id, b_account, B_ACCOUNT),
        **api_objects(bravo.id, "bravo-secret"),
        **passkey_objects(bravo.id, tenant_host(bravo), "bravo-secret"),
        **b_payments,
        **b_referrals,
        **b_profile,
    }
    b_strings = {
        "token": [
            b_action_token,
            invitation_token(b_invite),
            reset_raw,
            signup_raw,
            staff_link.rsplit("/", 1)[1],
            staff_reset_raw,
            b_pay_token,
            *b_profile_tokens,
        ],
        "name": [logo],
        "code": [b_code],
    }
    db.session.commit()
    forget_tenants()
    assert b_staff.id and all(b_ids.values()) and all(a_ids.values())

    # Client 1 of tenant A signs in through the real invitation page.
    client = client_for(tenant_host(tenant))
    path = f"/invite/{a1_token}"
    password = "maple kettle horizon 58"
    response = client.submit(path, {"password": password, "confirm": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    firm = client_for(tenant_host(tenant))
    sign_in_staff(firm, staff.email)
    member = client_for(tenant_host(tenant))  # a staff member without settings rights
    sign_in_staff(member, make_staff(tenant, "member@acme.example", role="member").email)
    return {
        "a_ids": a_ids,
        "a2_ids": a2_ids,
        "b_ids": b_ids,
        "b_strings": b_strings,
        "b_tenant_id": bravo.id,
        "a_tenant_id": tenant.id,
        "client": client,
        "firm": firm,
        "member": member,
    }


# --- what tenant B owns, to prove nothing of it changed --------------------------------------


# Append-only evidence, not the tenant's data: refused attempts on B's host are meant to land
# in B's audit log.
APPEND_ONLY = {"audit_events"}


def b_rows(tenant_id: int) -> dict[str, list[tuple[Any, ...]]]:
    rows = {}
    for table in db.metadata.sorted_tables:
        if table.name in APPEND_ONLY:
            continue
        if "tenant_id" in table.c:
            query = select(table).where(table.c.tenant_id == tenant_id)
        elif table.name == "tenants":
            query = select(table).where(table.c.id == tenant_id)
        else:
            continue
        rows[table.name] = sorted(
            (tuple(row) for row in db.session.execute(query)), key=lambda r: repr(r)
        )
    db.session.rollback()
    return rows


# --- building the requests ---------------------------------------------------------------------


def probe_rules(app: Flask) -> list[Rule]:
    return sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint in SESSION_ENDING, r.rule))


def int_variables(rule: Rule) -> list[str]:
    return [
        name for name, conv in rule._converters.items() if type(conv).__name__ == "IntegerConverter"
    ]


def string_variables(rule: Rule) -> list[str]:
    return [name for name in rule.arguments if name not in int_variables(rule)]


def url_variants(
    rule: Rule, own: dict[str, int], foreign: dict[str, int], strings: dict[str, list[str]]
) -> Iterator[tuple[dict[str, Any], bool]]:
    """(values, foreign) for each request: foreign means an id belongs to someone else.

    Integer variables get the foreign ids all at once and, when there are several, one at a
    time with the prober's own ids for the others (A's account with B's contact). String
    variables get every garbage value and every real value of tenant B.
    """
    ints = int_variables(rule)
    for name in ints:
        assert name in own, (
            f"{rule.rule}: new integer variable <{name}>; give tenants A and B an object for "
            "it in the world fixture"
        )
    names = string_variables(rule)
    for name in names:
        assert name in STRING_VARIABLES, (
            f"{rule.rule}: new string variable <{name}>; add garbage and tenant B's real "
            "values for it to STRING_VARIABLES and the world fixture"
        )
    swapped = [name for name in ints if name in foreign]
    int_sets: list[tuple[dict[str, int], bool]] = []
    if swapped:
        int_sets.append(({n: foreign.get(n, own[n]) for n in ints}, True))
        if len(ints) > 1:
            for name in swapped:
                int_sets.append(({n: foreign[n] if n == name else own[n] for n in ints}, True))
    else:
        int_sets.append(({n: own[n] for n in ints}, False))
    choices = [STRING_VARIABLES[name] + strings.get(name, []) for name in names]
    unique = {tuple(sorted(values.items())): (values, flag) for values, flag in int_sets}
    for int_values, is_foreign in unique.values():
        for combo in product(*choices):
            yield {**int_values, **dict(zip(names, combo, strict=True))}, is_foreign


def build_path(rule: Rule, values: dict[str, Any]) -> str:
    """The path with the values put in as they are (no quoting: garbage is meant raw)."""
    path = rule.rule
    for name, value in values.items():
        path = re.sub(rf"<(?:[a-z]+:)?{name}>", str(value), path)
    assert "<" not in path, path
    return path


def form_for(foreign: dict[str, int], csrf: str) -> dict[str, Any]:
    data: dict[str, Any] = {"csrf_token": csrf, "enabled": "1"}
    for field, kind in ID_FIELDS.items():
        if kind in foreign:
            data[field] = str(foreign[kind])
    return data


# --- judging the answers ------------------------------------------------------------------------


def signs_in(response) -> bool:  # type: ignore[no-untyped-def]
    location = response.headers.get("Location", "")
    path = re.sub(r"^https?://[^/]+", "", location)
    return response.status_code in (301, 302, 303, 307, 308) and path.startswith(SIGN_IN_PATHS)


def probe(
    app: Flask,
    prober: HostClient,
    own: dict[str, int],
    foreign: dict[str, int],
    strings: dict[str, list[str]],
    markers: list[str],
    csrf: str,
    *,
    sign_out: bool = True,
    csrf_refusal_ok: bool = False,
) -> tuple[int, list[str]]:
    """Request every rule (sign-out last, if at all); return the count and the problems found."""
    problems: list[str] = []
    count = 0
    for rule in probe_rules(app):
        if rule.endpoint in SESSION_ENDING:
            if not sign_out:
                continue
            csrf = _fresh_csrf(prober, "/sign-in")  # the previous sign-out ended the session
        methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        for values, foreign_ids in url_variants(rule, own, foreign, strings):
            path = build_path(rule, values)
            for method in methods:
                if method == "POST":
                    response = prober.post(path, data=form_for(foreign, csrf))
                else:
                    response = prober.open(path, method=method)
                count += 1
                where = f"{method} {path} ({rule.endpoint}) -> {response.status_code}"
                body = response.get_data(as_text=True)
                if response.status_code >= 500:
                    problems.append(f"{where}: server error")
                problems += [f"{where}: {p}" for p in header_problems(response)]
                leaked = [m for m in markers if m.lower() in body.lower()]
                if leaked:
                    problems.append(f"{where}: shows {leaked}")
                if method == "POST" and response.status_code == 400 and not csrf_refusal_ok:
                    problems.append(f"{where}: refused as a bad request (CSRF?), not probed")
                if rule.endpoint in PUBLIC:
                    continue
                refused = response.status_code in DENIED or signs_in(response)
                # The API reads no cookies: a signed-in session gets its JSON 401 before any id.
                refused = refused or (rule.rule.startswith("/api/") and response.status_code == 401)
                if csrf_refusal_ok and method == "POST" and response.status_code == 400:
                    refused = True  # the copied session was dropped, and its CSRF token with it
                if foreign_ids and not refused:
                    problems.append(f"{where}: another tenant's or account's id was not refused")
                token_like = "token" in rule.arguments or "name" in rule.arguments
                if (
                    token_like
                    and rule.endpoint not in UNINFORMATIVE
                    and 200 <= response.status_code < 300
                ):
                    problems.append(f"{where}: a garbage or foreign token was accepted")
    return count, problems


def _fresh_csrf(prober: HostClient, page: str) -> str:
    response = prober.get(page)
    return csrf_from(response.get_data(as_text=True))


# --- the probes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["firm", "member"])
def test_staff_of_tenant_a_never_reach_tenant_b(
    app: Flask, world: dict[str, Any], who: str
) -> None:
    before = b_rows(world["b_tenant_id"])
    firm = world[who]
    csrf = _fresh_csrf(firm, "/admin/clients/new")
    count, problems = probe(
        app, firm, world["a_ids"], world["b_ids"], world["b_strings"], B_MARKERS, csrf
    )
    assert not problems, f"{len(problems)} of {count} requests:\n" + "\n".join(problems)
    assert b_rows(world["b_tenant_id"]) == before, "tenant A's staff changed tenant B's rows"


def test_a_client_never_reaches_another_account_or_tenant(
    app: Flask, world: dict[str, Any]
) -> None:
    before = b_rows(world["b_tenant_id"])
    client = world["client"]
    csrf = _fresh_csrf(client, "/")
    for foreign in (world["a2_ids"], world["b_ids"]):
        count, problems = probe(
            app,
            client,
            world["a_ids"],
            foreign,
            world["b_strings"],
            B_MARKERS + A2_MARKERS,
            csrf,
            sign_out=foreign is world["b_ids"],
        )
        assert not problems, f"{len(problems)} of {count} requests:\n" + "\n".join(problems)
    assert b_rows(world["b_tenant_id"]) == before, "tenant A's client changed tenant B's rows"


def test_the_probe_would_see_a_leak(app: Flask, world: dict[str, Any]) -> None:
    """Control: tenant A's own ids get through, so a refusal above means something."""
    firm = world["firm"]
    own = world["a_ids"]
    assert firm.get(f"/admin/clients/{own['account_id']}").status_code == 200
    assert firm.get(f"/admin/clients/bulk/{own['bulk_id']}").status_code == 200
    assert world["client"].get(f"/links/{own['link_id']}").status_code == 200
    page = firm.get(f"/admin/clients/{world['a2_ids']['account_id']}").get_data(as_text=True)
    assert A2_ACCOUNT in page  # staff see every account of their own firm
    # The probe's POSTs pass the CSRF check: with A's own ids the same request acts.
    csrf = _fresh_csrf(firm, "/admin/clients/new")
    account, contact = world["a2_ids"]["account_id"], world["a2_ids"]["contact_id"]
    response = firm.post(
        f"/admin/clients/{account}/contacts/{contact}/login",
        data={**form_for(own, csrf), "enabled": "0"},
    )
    assert response.status_code == 302 and not signs_in(response)
    link = db.session.get(AccountContact, (world["a_tenant_id"], account, contact))
    assert link is not None and link.login_enabled is False


SESSION_COOKIE = "__Host-foyer"


@pytest.mark.parametrize("who", ["firm", "client"])
def test_a_session_replayed_on_tenant_b_host_is_anonymous(
    app: Flask, world: dict[str, Any], who: str
) -> None:
    """Tenant A's session cookie, copied to tenant B's host, opens none of B's private pages.

    B's ids are that host's own here, so only the session can refuse them: every protected
    route must answer as to a stranger (sign-in, 403/404, or a CSRF refusal for POSTs when the
    copied session is dropped). B's public pages may show B's name, never its private data.
    """
    before = b_rows(world["b_tenant_id"])
    source = world[who]
    cookie = source.get_cookie(SESSION_COOKIE, domain=source.host)
    assert cookie is not None, "the signed-in prober has no session cookie"
    csrf = _fresh_csrf(source, "/admin/clients/new" if who == "firm" else "/")
    replayer = app.test_client(host="bravo.foyer.example")  # type: ignore[call-arg]
    replayer.set_cookie(SESSION_COOKIE, cookie.value, domain="bravo.foyer.example")
    count, problems = probe(
        app,
        replayer,
        world["b_ids"],
        world["b_ids"],
        {},  # B's real tokens are meant to work on B's host: garbage only
        B_PRIVATE,
        csrf,
        csrf_refusal_ok=True,
    )
    assert not problems, f"{len(problems)} of {count} requests:\n" + "\n".join(problems)
    assert b_rows(world["b_tenant_id"]) == before, "a replayed session changed tenant B's rows"
    assert source.get("/admin/" if who == "firm" else "/").status_code == 200, "A's own session"
