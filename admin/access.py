"""Who may see a page: decorators for operator and firm-staff views."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import abort, redirect, request, url_for
from flask_login import current_user


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


def settings_permission_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    @staff_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.can_manage_settings:
            abort(403)
        return view(*args, **kwargs)

    return wrapped
