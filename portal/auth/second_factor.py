"""TOTP second factor, recovery codes, lockout with an emailed unlock link, and the half-signed-in
state between the password and the second factor.

The TOTP secret is sealed (Fernet, key derived from SECRET_KEY) and shown only while enrolment
is unconfirmed. Codes are accepted one step either side of now; the last step used is kept so a
code (or an older one) never works twice. Five wrong codes lock the factor; firm people are then
emailed a single-use link that signs them in once and removes the factor so they enrol again.
"""

from __future__ import annotations

import base64
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app, redirect, session, url_for
from sqlalchemy import delete, select, update
from werkzeug.wrappers import Response

from portal.audit.service import Outcome, record
from portal.auth.factor_models import FactorUnlock, Passkey, RecoveryCode, TotpFactor
from portal.auth.principals import Principal, _principal_models
from portal.auth.tokens import hash_token, new_token
from portal.core.database import after_commit, utcnow
from portal.core.errors import UserError
from portal.core.extensions import db
from portal.core.ratelimit import enforce
from tenants.models import Tenant
from tenants.snapshot import TenantSnapshot

PENDING_KEY = "second_factor_pending"
ENROL_KEY = "second_factor_enrol"  # set when a required factor is missing: enrol first
PENDING_SECONDS = 600
MAX_BAD_CODES = 5
CODE_ATTEMPTS = "10/15 minutes"
RECOVERY_CODES = 10
UNLOCK_HOURS = 1
_INFO = b"foyer totp secrets v1"
VERIFY_ENDPOINTS = {
    "operator": "operator_security.verify",
    "staff": "admin_security.verify",
    "client": "client_security.verify",
}
ENROL_ENDPOINTS = {
    "operator": "operator_security.index",
    "staff": "admin_security.index",
    "client": "client_security.index",
}


class Locked(UserError):
    """Too many wrong codes: TOTP codes are refused until the emailed link is used."""


class JustLocked(Locked):
    """This wrong code was the one that locked the factor: send the unlock link now."""


@dataclass(frozen=True)
class Owner:
    kind: str
    id: int
    tenant_id: int | None


def owner_of(principal: Principal) -> Owner:
    return Owner(str(principal.kind), principal.id, getattr(principal, "tenant_id", None))


def _mine(model: Any, owner: Owner) -> Any:
    """The scoped criteria: this person's rows, in their firm (or in no firm for operators)."""
    scope = (
        model.tenant_id.is_(None) if owner.tenant_id is None else model.tenant_id == owner.tenant_id
    )
    return (scope, model.principal_kind == owner.kind, model.principal_id == owner.id)


def _fernet() -> Fernet:
    secret = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret)
    return Fernet(base64.urlsafe_b64encode(derived))


def _secret(factor: TotpFactor) -> str:
    try:
        return _fernet().decrypt(factor.secret_sealed.encode("ascii")).decode("ascii")
    except InvalidToken:
        return ""  # SECRET_KEY changed: the factor cannot verify; recovery codes still can


def totp_factor(owner: Owner) -> TotpFactor | None:
    return db.session.scalar(select(TotpFactor).where(*_mine(TotpFactor, owner)))


def passkeys_of(owner: Owner) -> list[Passkey]:
    query = select(Passkey).where(*_mine(Passkey, owner)).order_by(Passkey.id)
    return list(db.session.scalars(query))


def passkeys_allowed(owner: Owner) -> bool:
    """Operators and staff may always use passkeys; clients when their firm allows it."""
    if owner.kind != "client":
        return True
    query = select(Tenant.allow_client_passkeys).where(Tenant.id == owner.tenant_id)
    return bool(db.session.scalar(query))


def has_second_factor(owner: Owner) -> bool:
    """A confirmed authenticator app, or a passkey this person may use."""
    factor = totp_factor(owner)
    if factor is not None and factor.confirmed_at is not None:
        return True
    query = select(Passkey.id).where(*_mine(Passkey, owner)).limit(1)
    return db.session.scalar(query) is not None and passkeys_allowed(owner)


def factor_required(principal: Principal, tenant: TenantSnapshot | None) -> bool:
    """Operators (REQUIRE_OPERATOR_2FA) and, per firm setting, staff must have a factor."""
    if principal.kind == "operator":
        return bool(current_app.config.get("REQUIRE_OPERATOR_2FA", True))
    if principal.kind == "staff" and tenant is not None:
        return tenant.require_staff_2fa
    return False


# --- enrolment -------------------------------------------------------------------------------


def start_enrolment(owner: Owner) -> TotpFactor:
    """A fresh unconfirmed secret (an unconfirmed one is replaced; a confirmed one refused)."""
    factor = totp_factor(owner)
    if factor is not None and factor.confirmed_at is not None:
        raise UserError("An authenticator app is already set up; remove it first.")
    if factor is None:
        factor = TotpFactor(
            tenant_id=owner.tenant_id, principal_kind=owner.kind, principal_id=owner.id
        )
        db.session.add(factor)
    factor.secret_sealed = _fernet().encrypt(pyotp.random_base32().encode()).decode("ascii")
    factor.last_step = 0
    factor.failed_attempts = 0
    db.session.flush()
    return factor


def enrolment_details(factor: TotpFactor, label: str, issuer: str) -> tuple[str, str]:
    """(secret, inline SVG QR code) of an unconfirmed factor; never of a confirmed one."""
    if factor.confirmed_at is not None:
        raise UserError("The secret is shown only while setting up.")
    secret = _secret(factor)
    uri = pyotp.TOTP(secret).provisioning_uri(name=label, issuer_name=issuer)
    svg = segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff")
    return secret, svg


def confirm_enrolment(owner: Owner, code: str) -> list[str]:
    """Confirm with a first valid code; returns ten new recovery codes (shown once)."""
    factor = totp_factor(owner)
    if factor is None or factor.confirmed_at is not None:
        raise UserError("Start setting up the authenticator app again.", field="code")
    _limit(owner)
    step = _matching_step(factor, code)
    if step is None:
        raise UserError(
            "That code is not right. Check the app's clock and try again.", field="code"
        )
    factor.last_step = step
    factor.confirmed_at = utcnow()
    codes = regenerate_recovery_codes(owner)
    audit_after_commit(owner, "second_factor.enrolled", Outcome.SUCCESS, "totp")
    return codes


def regenerate_recovery_codes(owner: Owner) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(*_mine(RecoveryCode, owner)))
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    for code in codes:
        db.session.add(
            RecoveryCode(
                tenant_id=owner.tenant_id,
                principal_kind=owner.kind,
                principal_id=owner.id,
                code_hash=hash_token(code),
            )
        )
    db.session.flush()
    return codes


def remove_totp(owner: Owner) -> None:
    db.session.execute(delete(TotpFactor).where(*_mine(TotpFactor, owner)))
    db.session.execute(delete(RecoveryCode).where(*_mine(RecoveryCode, owner)))
    audit_after_commit(owner, "second_factor.removed", Outcome.SUCCESS, "totp")


def recovery_codes_left(owner: Owner) -> int:
    rows = db.session.scalars(
        select(RecoveryCode.id).where(*_mine(RecoveryCode, owner), RecoveryCode.used_at.is_(None))
    )
    return len(list(rows))


# --- verification ----------------------------------------------------------------------------


def _limit(owner: Owner) -> None:
    enforce(CODE_ATTEMPTS, "second-factor", owner.kind, owner.id)


def _matching_step(factor: TotpFactor, code: str) -> int | None:
    """The time step (now ±1) whose code matches and is newer than the last one used."""
    code = "".join(code.split())
    secret = _secret(factor)
    if not secret or not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now = int(time.time()) // totp.interval
    for step in (now - 1, now, now + 1):
        if step > factor.last_step and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def verify_code(owner: Owner, code: str) -> None:
    """Accept a TOTP code or raise UserError (Locked after too many wrong ones)."""
    factor = totp_factor(owner)
    if factor is None or factor.confirmed_at is None:
        raise UserError("No authenticator app is set up; use a recovery code.", field="code")
    if factor.locked_at is not None:
        raise Locked("Too many wrong codes. Use the link we emailed you, or a recovery code.")
    _limit(owner)
    step = _matching_step(factor, code)
    if step is None:
        factor.failed_attempts += 1
        locked = factor.failed_attempts >= MAX_BAD_CODES
        if locked:
            factor.locked_at = utcnow()
        db.session.commit()
        _refused(owner, "locked" if locked else "wrong or reused code")
        if locked:
            raise JustLocked(
                "Too many wrong codes. Use the link we emailed you, or a recovery code."
            )
        raise UserError("That code is not right, or it was already used.", field="code")
    # Conditional update: of two requests with the same code only one moves the step on.
    moved = db.session.scalar(
        update(TotpFactor)
        .where(TotpFactor.id == factor.id, TotpFactor.last_step < step)
        .values(last_step=step, failed_attempts=0)
        .returning(TotpFactor.id)
        .execution_options(synchronize_session=False)
    )
    if moved is None:
        raise UserError("That code is not right, or it was already used.", field="code")


def use_recovery_code(owner: Owner, code: str) -> None:
    _limit(owner)
    now = utcnow()
    used = db.session.scalar(
        update(RecoveryCode)
        .where(
            *_mine(RecoveryCode, owner),
            RecoveryCode.code_hash == hash_token(code.strip().lower()),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=now)
        .returning(RecoveryCode.id)
        .execution_options(synchronize_session=False)
    )
    if used is None:
        _refused(owner, "wrong or used recovery code")
        raise UserError("That recovery code is not right, or it was already used.", field="code")


def audit_after_commit(owner: Owner, event: str, outcome: Outcome, detail: str) -> None:
    """Recorded once this transaction commits: the audit row is written on a connection of its
    own, which SQLite would find locked while this transaction holds writes."""
    after_commit(_store_audits, (event, owner.tenant_id, owner.kind, owner.id, outcome, detail))


def _store_audits(*events: tuple[str, int | None, str, int, Outcome, str]) -> None:
    for event, tenant_id, kind, principal_id, outcome, detail in events:
        record(
            event,
            tenant=tenant_id,
            principal_kind=kind,
            principal_id=principal_id,
            outcome=outcome,
            detail=detail,
        )


def _refused(owner: Owner, detail: str) -> None:
    record(
        "second_factor.refused",
        tenant=owner.tenant_id,
        principal_kind=owner.kind,
        principal_id=owner.id,
        outcome=Outcome.FAILURE,
        detail=detail,
    )


# --- lockout recovery ------------------------------------------------------------------------


def new_unlock(owner: Owner) -> str:
    """A single-use unlock token (raw, for the email link); older unused ones stop working."""
    db.session.execute(
        delete(FactorUnlock).where(*_mine(FactorUnlock, owner), FactorUnlock.used_at.is_(None))
    )
    raw, digest = new_token()
    db.session.add(
        FactorUnlock(
            tenant_id=owner.tenant_id,
            principal_kind=owner.kind,
            principal_id=owner.id,
            token_hash=digest,
            expires_at=utcnow() + timedelta(hours=UNLOCK_HOURS),
        )
    )
    return raw


def _unlock_criteria(tenant_id: int | None, kind: str, token: str) -> tuple[Any, ...]:
    scope = (
        FactorUnlock.tenant_id.is_(None)
        if tenant_id is None
        else FactorUnlock.tenant_id == tenant_id
    )
    return (
        scope,
        FactorUnlock.principal_kind == kind,
        FactorUnlock.token_hash == hash_token(token),
        FactorUnlock.used_at.is_(None),
        FactorUnlock.expires_at > utcnow(),
    )


def unlock_is_live(tenant_id: int | None, kind: str, token: str) -> bool:
    """Whether the link would work (GET shows its button only then; nothing is used up)."""
    query = select(FactorUnlock.id).where(*_unlock_criteria(tenant_id, kind, token))
    return db.session.scalar(query) is not None


def redeem_unlock(tenant_id: int | None, kind: str, token: str) -> Principal | None:
    """Use an unlock link once: remove the TOTP factor (the person enrols again) and return
    the principal to sign in, or None when the link is unknown, used or expired."""
    row = db.session.scalar(
        update(FactorUnlock)
        .where(*_unlock_criteria(tenant_id, kind, token))
        .values(used_at=utcnow())
        .returning(FactorUnlock.principal_id)
        .execution_options(synchronize_session=False)
    )
    if row is None:
        return None
    principal = _load(kind, row, tenant_id)
    if principal is not None:
        remove_totp(owner_of(principal))
    return principal


# --- the half-signed-in state ----------------------------------------------------------------


def begin_verification(principal: Principal, landing: str) -> Response:
    """Password accepted, second factor pending: the session names the person and grants
    nothing else (no Flask-Login user) until the verify page completes the sign-in."""
    session.clear()
    session[PENDING_KEY] = {
        "kind": str(principal.kind),
        "id": principal.id,
        "tenant": getattr(principal, "tenant_id", None),
        "at": time.time(),
        "next": landing,
    }
    return redirect(url_for(VERIFY_ENDPOINTS[principal.kind]))


def pending(kind: str, tenant_id: int | None) -> tuple[Principal, str] | None:
    """The person halfway through signing in here, with their landing page (fresh only)."""
    state = session.get(PENDING_KEY) or {}
    fresh = time.time() - float(state.get("at", 0)) < PENDING_SECONDS
    if not fresh or state.get("kind") != kind or state.get("tenant") != tenant_id:
        return None
    principal = _load(kind, int(state.get("id", 0)), tenant_id)
    if principal is None or not principal.can_sign_in:
        return None
    return principal, str(state.get("next") or "/")


def _load(kind: str, principal_id: int, tenant_id: int | None) -> Principal | None:
    model = _principal_models().get(kind)
    principal = db.session.get(model, principal_id) if model is not None else None
    if principal is None or getattr(principal, "tenant_id", None) != tenant_id:
        return None
    return principal
