"""A firm's team: inviting staff, changing roles, deactivating, reactivating and removing them.

Rules kept here: a firm always keeps at least one active owner (one who can sign in), and
whoever is deactivated or removed loses every session at once (their nonce rotates, so the next
request of any copied cookie is refused) and every open invitation or reset link. Services
flush, the views commit and record the audit event.
"""

from __future__ import annotations

from sqlalchemy import select, update

from portal.auth.models import StaffInvitation, StaffMember, StaffPasswordReset
from portal.auth.roles import StaffRole, role_label
from portal.auth.staff import invite_staff
from portal.auth.tokens import new_nonce
from portal.core.database import utcnow
from portal.core.emails import normalize_email
from portal.core.errors import UserError
from portal.core.extensions import db
from portal.core.pagination import Page, paginate
from tenants.scoping import owned
from tenants.snapshot import TenantSnapshot

SORTS = {
    "name": (StaffMember.name, StaffMember.email),
    "email": (StaffMember.email,),
    "role": (StaffMember.role, StaffMember.email),
    "last_login": (StaffMember.last_login_at, StaffMember.email),
}
LAST_OWNER = "A firm needs at least one active owner: make another teammate an owner first."


def team_page(
    tenant: TenantSnapshot, number: int, sort: str, descending: bool
) -> Page[StaffMember]:
    """One page of the team (removed people are gone from it; the audit log still names them)."""
    columns = SORTS.get(sort, SORTS["name"])
    order = [column.desc() if descending else column.asc() for column in columns]
    query = owned(StaffMember, tenant.id, StaffMember.removed_at.is_(None)).order_by(
        *order, StaffMember.id
    )
    return paginate(query, number)


def active_teammates(tenant: TenantSnapshot, *excluding: int) -> list[StaffMember]:
    """Who can take over someone's work: active members who can sign in, by name."""
    return list(
        db.session.scalars(
            owned(
                StaffMember,
                tenant.id,
                StaffMember.removed_at.is_(None),
                StaffMember.disabled_at.is_(None),
                StaffMember.password_hash.is_not(None),
                StaffMember.id.not_in(excluding) if excluding else True,
            ).order_by(StaffMember.name, StaffMember.email)
        )
    )


def get_member(tenant: TenantSnapshot, staff_id: int) -> StaffMember | None:
    """A current (not removed) member of this firm, or None for anyone else."""
    return db.session.scalar(
        owned(StaffMember, tenant.id, StaffMember.id == staff_id, StaffMember.removed_at.is_(None))
    )


def invite_member(tenant: TenantSnapshot, email: str, name: str, role: str) -> StaffMember:
    """Add someone to the team and email them an invitation (someone removed earlier comes back
    as a new invitee)."""
    address = normalize_email(email)
    if role not in set(StaffRole):
        raise UserError("Choose a role.", field="role")
    staff = db.session.scalar(owned(StaffMember, tenant.id, StaffMember.email == address))
    if staff is not None and staff.removed_at is None:
        raise UserError(f"{address} is already on the team.", field="email")
    if staff is None:
        staff = StaffMember(tenant_id=tenant.id, email=address)
        db.session.add(staff)
    staff.name = name.strip()
    staff.role = role
    staff.password_hash = None
    staff.disabled_at = None
    staff.removed_at = None
    staff.session_nonce = new_nonce()
    db.session.flush()
    invite_staff(tenant, staff)
    return staff


def resend_invitation(tenant: TenantSnapshot, staff: StaffMember) -> None:
    """A fresh link for someone who has not set a password yet (the older link stops working)."""
    if staff.status != "Invited":
        raise UserError(f"{staff.display_name} has already joined.")
    invite_staff(tenant, staff)


def cancel_invitation(tenant: TenantSnapshot, staff: StaffMember) -> None:
    """Withdraw an invitation that was never accepted: the invitee leaves the team."""
    if staff.status != "Invited":
        raise UserError(f"{staff.display_name} has already joined: deactivate or remove instead.")
    _end_access(tenant, staff)
    staff.removed_at = staff.disabled_at


def change_role(tenant: TenantSnapshot, staff: StaffMember, role: str) -> str:
    """Give `staff` another role; returns a description of the change for the audit log."""
    if role not in set(StaffRole):
        raise UserError("Choose a role.", field="role")
    if role == staff.role:
        return ""
    if staff.role == StaffRole.OWNER:
        _keep_an_owner(tenant, staff)
    change = f"{role_label(staff.role)} -> {role_label(role)}"
    staff.role = role
    return change


def deactivate(tenant: TenantSnapshot, staff: StaffMember, actor: StaffMember) -> None:
    """Stop someone signing in; their sessions end now. They stay on the team page."""
    if staff.disabled_at is not None:
        raise UserError(f"{staff.display_name} is already deactivated.")
    _refuse_self(staff, actor, "deactivate")
    if staff.role == StaffRole.OWNER:
        _keep_an_owner(tenant, staff)
    _end_access(tenant, staff)


def reactivate(tenant: TenantSnapshot, staff: StaffMember) -> None:
    """Let a deactivated member sign in again with their old password (or accept a new
    invitation if they never set one)."""
    if staff.disabled_at is None:
        raise UserError(f"{staff.display_name} is not deactivated.")
    staff.disabled_at = None


def remove(tenant: TenantSnapshot, staff: StaffMember, actor: StaffMember) -> None:
    """Take someone off the team for good: no sign-in, no password, gone from the team page."""
    _refuse_self(staff, actor, "remove")
    if staff.role == StaffRole.OWNER and staff.disabled_at is None:
        _keep_an_owner(tenant, staff)
    if staff.disabled_at is None:
        _end_access(tenant, staff)
    staff.password_hash = None
    staff.removed_at = utcnow()


def _refuse_self(staff: StaffMember, actor: StaffMember, verb: str) -> None:
    if staff.id == actor.id:
        raise UserError(f"You cannot {verb} yourself: ask another owner.")


def _keep_an_owner(tenant: TenantSnapshot, leaving: StaffMember) -> None:
    """Refuse if `leaving` is the firm's last active owner. The other owners' rows are locked
    (FOR UPDATE on PostgreSQL), so two owners demoting each other at once cannot both win."""
    others = db.session.scalars(
        select(StaffMember.id)
        .where(
            StaffMember.tenant_id == tenant.id,
            StaffMember.role == StaffRole.OWNER,
            StaffMember.id != leaving.id,
            StaffMember.disabled_at.is_(None),
            StaffMember.removed_at.is_(None),
            StaffMember.password_hash.is_not(None),
        )
        .with_for_update()
    ).all()
    if not others:
        raise UserError(LAST_OWNER)


def _end_access(tenant: TenantSnapshot, staff: StaffMember) -> None:
    """Every session, open invitation link and reset link of `staff` stops working now."""
    now = utcnow()
    staff.disabled_at = now
    staff.session_nonce = new_nonce()
    db.session.execute(
        update(StaffInvitation)
        .where(
            StaffInvitation.tenant_id == tenant.id,
            StaffInvitation.staff_id == staff.id,
            StaffInvitation.accepted_at.is_(None),
            StaffInvitation.cancelled_at.is_(None),
        )
        .values(cancelled_at=now)
    )
    db.session.execute(
        update(StaffPasswordReset)
        .where(
            StaffPasswordReset.tenant_id == tenant.id,
            StaffPasswordReset.staff_id == staff.id,
            StaffPasswordReset.used_at.is_(None),
        )
        .values(used_at=now)
    )
