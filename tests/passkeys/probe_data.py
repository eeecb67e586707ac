"""Passkeys for the cross-tenant probe: a passkey of a staff member of its own (so the probers'
password sign-in asks for no second step), named with a marker that must never show up in
another tenant's answers."""

from __future__ import annotations

import os

from portal.auth.factor_models import Passkey
from portal.auth.models import StaffMember
from portal.core.extensions import db


def passkey_objects(tenant_id: int, host: str, marker: str) -> dict[str, int]:
    """{passkey_id} of a passkey on `host` of a new staff member; the caller commits."""
    slug = marker.lower().replace(" ", "-")
    keeper = StaffMember(tenant_id=tenant_id, email=f"passkeys@{slug}.example", role="member")
    db.session.add(keeper)
    db.session.flush()
    passkey = Passkey(
        tenant_id=tenant_id,
        principal_kind="staff",
        principal_id=keeper.id,
        credential_id=os.urandom(16),
        public_key=b"probe",  # never verified: the probe only asks for its pages
        name=f"{marker} passkey",
        rp_id=host,
    )
    db.session.add(passkey)
    db.session.flush()
    return {"passkey_id": passkey.id}
