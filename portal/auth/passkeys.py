"""Passkeys (WebAuthn): registering one, and signing in with one, either as the second step
after the password or instead of the password (a discoverable credential).

The relying-party id is the host the person is on (a firm's custom domain included), and the
expected origin is that host with this request's scheme, so a passkey works only where it was
made. Each ceremony's challenge lives in `passkey_challenges` (the database every process
shares) under a random handle kept in the session: it is taken (deleted) by the first response
that uses it and expires after five minutes. Signature counters that stop increasing mark the
passkey as possibly copied, and that sign-in is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from flask import current_app, request, session
from flask_babel import gettext as _
from sqlalchemy import delete, select
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import parse_authentication_credential_json
from webauthn.helpers.exceptions import InvalidAuthenticationResponse, InvalidRegistrationResponse
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from portal.audit.service import Outcome
from portal.auth.factor_models import Passkey, PasskeyChallenge
from portal.auth.principals import Principal
from portal.auth.second_factor import (
    Owner,
    _load,
    _mine,
    audit_after_commit,
    owner_of,
    passkeys_of,
)
from portal.auth.tokens import hash_token
from portal.core.database import utcnow
from portal.core.errors import UserError
from portal.core.extensions import db
from tenants.hosts import normalize_host

CHALLENGE_SECONDS = 300
SESSION_KEY = "passkey_ceremonies"  # purpose -> the raw handle of this session's challenge
MAX_PASSKEYS = 20
NAME_LENGTH = 80
TIMEOUT_MS = 120_000


class Purpose(StrEnum):
    REGISTER = "register"
    SIGN_IN = "sign_in"  # passwordless: any passkey of this host and page
    VERIFY = "verify"  # second step after the password: the pending person's passkeys


@dataclass(frozen=True)
class Site:
    """Where the ceremony happens: the relying party as the browser sees it."""

    rp_id: str
    origin: str
    name: str


def site_of_request(name: str) -> Site:
    host = normalize_host(request.host) or ""
    return Site(rp_id=host, origin=f"{request.scheme}://{request.host}", name=name)


def user_handle(owner: Owner) -> bytes:
    """A stable, opaque id for the authenticator (no email or database id inside)."""
    key = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    message = f"passkey-user:{owner.tenant_id}:{owner.kind}:{owner.id}".encode()
    return hmac.new(key, message, hashlib.sha256).digest()[:32]


# --- challenges ------------------------------------------------------------------------------


def _issue(purpose: Purpose, site: Site, owner: Owner | None) -> bytes:
    """A new challenge for this session and purpose (replacing its previous one)."""
    ceremonies = dict(session.get(SESSION_KEY) or {})
    now = utcnow()
    db.session.execute(delete(PasskeyChallenge).where(PasskeyChallenge.expires_at <= now))
    previous = ceremonies.get(purpose)
    if previous:
        db.session.execute(
            delete(PasskeyChallenge).where(PasskeyChallenge.handle_hash == hash_token(previous))
        )
    handle = secrets.token_urlsafe(32)
    challenge = secrets.token_bytes(32)
    db.session.add(
        PasskeyChallenge(
            handle_hash=hash_token(handle),
            challenge=challenge,
            purpose=str(purpose),
            rp_id=site.rp_id,
            principal_kind=owner.kind if owner is not None else "",
            principal_id=owner.id if owner is not None else None,
            expires_at=now + timedelta(seconds=CHALLENGE_SECONDS),
        )
    )
    ceremonies[str(purpose)] = handle
    session[SESSION_KEY] = ceremonies
    return challenge


def _take(purpose: Purpose, site: Site, owner: Owner | None) -> bytes | None:
    """This session's live challenge for the purpose, removed so it can never be used again."""
    ceremonies = dict(session.get(SESSION_KEY) or {})
    handle = ceremonies.pop(str(purpose), None)
    session[SESSION_KEY] = ceremonies
    if not handle:
        return None
    criteria = [
        PasskeyChallenge.handle_hash == hash_token(handle),
        PasskeyChallenge.purpose == str(purpose),
        PasskeyChallenge.rp_id == site.rp_id,
        PasskeyChallenge.expires_at > utcnow(),
    ]
    if owner is not None:
        criteria += [
            PasskeyChallenge.principal_kind == owner.kind,
            PasskeyChallenge.principal_id == owner.id,
        ]
    taken = db.session.scalar(
        delete(PasskeyChallenge)
        .where(*criteria)
        .returning(PasskeyChallenge.challenge)
        .execution_options(synchronize_session=False)
    )
    return bytes(taken) if taken is not None else None


def _expired() -> UserError:
    return UserError(
        _("That passkey request has expired or was already used. Please try again."),
        field="credential",
    )


# --- registration ----------------------------------------------------------------------------


def registration_options(principal: Principal, site: Site) -> str:
    """Options for navigator.credentials.create(), as JSON: a discoverable credential
    (so it can sign in without a password), never one this person already has here."""
    owner = owner_of(principal)
    email = str(getattr(principal, "email", ""))
    display = str(getattr(principal, "display_name", "") or email)
    existing = [p for p in passkeys_of(owner) if p.rp_id == site.rp_id]
    options = generate_registration_options(
        rp_id=site.rp_id,
        rp_name=site.name,
        user_id=user_handle(owner),
        user_name=email,
        user_display_name=display,
        challenge=_issue(Purpose.REGISTER, site, owner),
        timeout=TIMEOUT_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=[_descriptor(p) for p in existing],
    )
    db.session.commit()
    return options_to_json(options)


def register(principal: Principal, site: Site, credential: str, name: str) -> Passkey:
    """Check the authenticator's answer to this session's challenge and keep the passkey."""
    owner = owner_of(principal)
    name = " ".join(name.split())
    if not name:
        raise UserError(_("Give the passkey a name, such as the device it is on."), field="name")
    if len(name) > NAME_LENGTH:
        raise UserError(_("Keep the name under 80 characters."), field="name")
    if not credential.strip():
        raise UserError(_no_browser_support(), field="credential")
    if len(passkeys_of(owner)) >= MAX_PASSKEYS:
        raise UserError(_("You already have 20 passkeys; remove one first."), field="name")
    challenge = _take(Purpose.REGISTER, site, owner)
    if challenge is None:
        raise _expired()
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=site.rp_id,
            expected_origin=site.origin,
        )
    except (InvalidRegistrationResponse, ValueError, KeyError, TypeError) as exc:
        audit_after_commit(owner, "passkey.refused", Outcome.FAILURE, f"registration: {exc}"[:200])
        raise UserError(
            _("The passkey could not be checked. Please try again."), field="credential"
        ) from exc
    taken = db.session.scalar(
        select(Passkey.id).where(Passkey.credential_id == verified.credential_id)
    )
    if taken is not None:
        raise UserError(_("This passkey is already registered."), field="credential")
    passkey = Passkey(
        tenant_id=owner.tenant_id,
        principal_kind=owner.kind,
        principal_id=owner.id,
        credential_id=verified.credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        name=name,
        transports=",".join(_transports(credential)),
        rp_id=site.rp_id,
    )
    db.session.add(passkey)
    db.session.flush()
    audit_after_commit(owner, "second_factor.enrolled", Outcome.SUCCESS, f"passkey {passkey.id}")
    return passkey


def _transports(credential: str) -> list[str]:
    try:
        raw = json.loads(credential).get("response", {}).get("transports") or []
    except (ValueError, AttributeError):
        return []
    known = {t.value for t in AuthenticatorTransport}
    return [str(t) for t in raw if t in known][:6]


def _descriptor(passkey: Passkey) -> PublicKeyCredentialDescriptor:
    transports = [AuthenticatorTransport(t) for t in passkey.transports.split(",") if t]
    return PublicKeyCredentialDescriptor(id=passkey.credential_id, transports=transports or None)


# --- authentication --------------------------------------------------------------------------


def sign_in_options(site: Site) -> str:
    """Options for navigator.credentials.get() without a user: the browser offers the
    passkeys it holds for this host; the person must be verified on the device."""
    options = generate_authentication_options(
        rp_id=site.rp_id,
        challenge=_issue(Purpose.SIGN_IN, site, None),
        timeout=TIMEOUT_MS,
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    db.session.commit()
    return options_to_json(options)


def verify_options(principal: Principal, site: Site) -> str:
    """Options for the second step after the password: this person's passkeys on this host."""
    owner = owner_of(principal)
    mine = [p for p in passkeys_of(owner) if p.rp_id == site.rp_id]
    options = generate_authentication_options(
        rp_id=site.rp_id,
        challenge=_issue(Purpose.VERIFY, site, owner),
        timeout=TIMEOUT_MS,
        allow_credentials=[_descriptor(p) for p in mine],
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    db.session.commit()
    return options_to_json(options)


def sign_in(site: Site, credential: str, kind: str, tenant_id: int | None) -> Principal:
    """Passwordless: the principal whose passkey answered this session's challenge, on this
    host and for this sign-in page (`kind`), or UserError."""
    if not credential.strip():
        raise UserError(_no_browser_support(), field="credential")
    passkey = _find(credential, site, kind, tenant_id)
    challenge = _take(Purpose.SIGN_IN, site, None)
    if challenge is None:
        raise _expired()
    _check_assertion(passkey, site, credential, challenge, require_user_verification=True)
    principal = _load(passkey.principal_kind, passkey.principal_id, tenant_id)
    if principal is None or not principal.can_sign_in:
        raise UserError(_("This account cannot sign in."), field="credential")
    handle = _user_handle_of(credential)
    if handle is not None and not hmac.compare_digest(handle, user_handle(owner_of(principal))):
        raise UserError(_("This passkey does not belong here."), field="credential")
    return principal


def verify_second_step(principal: Principal, site: Site, credential: str) -> Passkey:
    """The second step after the password, with one of this person's passkeys."""
    owner = owner_of(principal)
    if not credential.strip():
        raise UserError(_no_browser_support(), field="credential")
    passkey = _find(credential, site, owner.kind, owner.tenant_id)
    if passkey.principal_id != owner.id:
        raise UserError(_("This passkey is not one of yours."), field="credential")
    challenge = _take(Purpose.VERIFY, site, owner)
    if challenge is None:
        raise _expired()
    _check_assertion(passkey, site, credential, challenge, require_user_verification=False)
    return passkey


def _find(credential: str, site: Site, kind: str, tenant_id: int | None) -> Passkey:
    try:
        parsed = parse_authentication_credential_json(credential)
    except Exception as exc:  # the library raises several kinds for malformed JSON
        raise UserError(
            _("The passkey answer could not be read. Please try again."), field="credential"
        ) from exc
    scope = Passkey.tenant_id.is_(None) if tenant_id is None else Passkey.tenant_id == tenant_id
    passkey = db.session.scalar(
        select(Passkey).where(
            Passkey.credential_id == parsed.raw_id,
            Passkey.rp_id == site.rp_id,
            Passkey.principal_kind == kind,
            scope,
        )
    )
    if passkey is None:
        raise UserError(
            _("This passkey is not registered for this sign-in page."), field="credential"
        )
    return passkey


def _check_assertion(
    passkey: Passkey,
    site: Site,
    credential: str,
    challenge: bytes,
    *,
    require_user_verification: bool,
) -> None:
    owner = owner_of_passkey(passkey)
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=site.rp_id,
            expected_origin=site.origin,
            credential_public_key=passkey.public_key,
            credential_current_sign_count=0,  # compared below, to record a warning
            require_user_verification=require_user_verification,
        )
    except (InvalidAuthenticationResponse, ValueError, KeyError, TypeError) as exc:
        audit_after_commit(
            owner, "passkey.refused", Outcome.FAILURE, f"passkey {passkey.id}: {exc}"[:200]
        )
        db.session.commit()
        raise UserError(
            _("The passkey could not be checked. Please try again."), field="credential"
        ) from exc
    counted = verified.new_sign_count > 0 or passkey.sign_count > 0
    if counted and verified.new_sign_count <= passkey.sign_count:
        passkey.clone_warning_at = utcnow()
        audit_after_commit(
            owner, "passkey.clone_suspected", Outcome.BLOCKED, f"passkey {passkey.id}"
        )
        db.session.commit()
        raise UserError(
            _(
                "This passkey reported an unexpected sign-in count, so it may have been "
                "copied. Sign in another way and check your passkeys."
            ),
            field="credential",
        )
    passkey.sign_count = verified.new_sign_count
    passkey.last_used_at = utcnow()


def _user_handle_of(credential: str) -> bytes | None:
    try:
        return parse_authentication_credential_json(credential).response.user_handle
    except Exception:  # already parsed once by _find; only a missing handle lands here
        return None


def owner_of_passkey(passkey: Passkey) -> Owner:
    return Owner(passkey.principal_kind, passkey.principal_id, passkey.tenant_id)


# --- managing one's passkeys -----------------------------------------------------------------


def get_passkey(owner: Owner, passkey_id: int) -> Passkey | None:
    """One of this person's passkeys (another person's id finds nothing)."""
    query = select(Passkey).where(*_mine(Passkey, owner), Passkey.id == passkey_id)
    return db.session.scalar(query)


def rename(passkey: Passkey, name: str) -> None:
    name = " ".join(name.split())
    if not name:
        raise UserError(_("Give the passkey a name, such as the device it is on."), field="name")
    if len(name) > NAME_LENGTH:
        raise UserError(_("Keep the name under 80 characters."), field="name")
    passkey.name = name


def remove(passkey: Passkey) -> None:
    owner = owner_of_passkey(passkey)
    db.session.delete(passkey)
    audit_after_commit(owner, "second_factor.removed", Outcome.SUCCESS, f"passkey {passkey.id}")


def _no_browser_support() -> str:
    return _(
        "Your browser did not send a passkey. Passkeys need JavaScript and a browser that "
        "supports them; you can sign in with your password instead."
    )
