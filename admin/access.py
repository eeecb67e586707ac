"""Who may see a page: decorators for operator and firm-staff views."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import abort, g, redirect, request, url_for
from flask_login import current_user

from portal.audit.service import Outcome, record
from portal.auth.roles import Permission


def _require(
    kind: str, sign_in_endpoint: str
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return redirect(url_for(sign_in_endpoint, next=request.full_path.rstrip("?")))
            if getattr(current_user, "kind", None) != kind:
                abort(404)
            return view(*args, **kwargs)

        return wrapped

    return decorator


operator_required = _require("operator", "operator.sign_in")
staff_required = _require("staff", "admin_firm.sign_in")


# The attributes `permission_required` leaves on a view: tests and the navigation read them from
# `app.view_functions` to know which role each endpoint (and method) needs.
PERMISSION_ATTRIBUTE = "required_permission"
METHODS_ATTRIBUTE = "required_permission_methods"


def permission_required(
    permission: Permission, methods: tuple[str, ...] | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Signed-in staff whose role has `permission` (portal/auth/roles.py); others get 403.

    With `methods`, only those HTTP methods need it (a page every teammate may read whose form
    changes a setting); any other method is open to every signed-in staff member.
    """

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        @staff_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            needed = methods is None or request.method in methods
            if needed and not current_user.can(permission):
                record(
                    "access.refused",
                    tenant=g.get("tenant"),
                    principal_kind="staff",
                    principal_id=current_user.id,
                    outcome=Outcome.REFUSED,
                    detail=f"{request.method} {request.endpoint} needs {permission}",
                )
                abort(403)
            return view(*args, **kwargs)

        setattr(wrapped, PERMISSION_ATTRIBUTE, permission)
        setattr(wrapped, METHODS_ATTRIBUTE, frozenset(methods) if methods else None)
        return wrapped

    return decorator


def required_permission(view: Callable[..., Any], method: str = "GET") -> Permission | None:
    """The permission a view needs for `method` (None: any signed-in staff member, or public)."""
    methods = getattr(view, METHODS_ATTRIBUTE, None)
    if methods is not None and method not in methods:
        return None
    return getattr(view, PERMISSION_ATTRIBUTE, None)


settings_permission_required = permission_required(Permission.MANAGE_SETTINGS)
