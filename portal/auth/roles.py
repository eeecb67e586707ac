"""Who on a firm's team may do what: the roles, the permissions and the one table between them.

Every permission check (the dashboard's decorators, the navigation, the README's table) reads
`ROLE_PERMISSIONS`, so the rules live here and nowhere else.
"""

from __future__ import annotations

import enum


class StaffRole(enum.StrEnum):
    """Stored values; "member" is shown as "Staff" (kept so existing rows need no rewrite)."""

    OWNER = "owner"
    ADMIN = "admin"
    MEMBER = "member"


ROLE_LABELS = {StaffRole.OWNER: "Owner", StaffRole.ADMIN: "Admin", StaffRole.MEMBER: "Staff"}


class Permission(enum.StrEnum):
    WORK_WITH_CLIENTS = "clients"  # clients, invitations, conversations, requests, files
    MANAGE_SETTINGS = "settings"  # portal settings, branding, domains, mail domain, modules
    MANAGE_TEAM = "team"  # invite, change roles, deactivate, remove staff
    VIEW_AUDIT_LOG = "audit"  # the audit log and its CSV export


ROLE_PERMISSIONS: dict[StaffRole, frozenset[Permission]] = {
    StaffRole.OWNER: frozenset(Permission),
    StaffRole.ADMIN: frozenset({Permission.WORK_WITH_CLIENTS, Permission.MANAGE_SETTINGS}),
    StaffRole.MEMBER: frozenset({Permission.WORK_WITH_CLIENTS}),
}


def role_allows(role: str, permission: Permission) -> bool:
    """An unknown role value allows nothing: fail closed."""
    try:
        return permission in ROLE_PERMISSIONS[StaffRole(role)]
    except ValueError:
        return False


def role_label(role: str) -> str:
    try:
        return ROLE_LABELS[StaffRole(role)]
    except ValueError:
        return role
