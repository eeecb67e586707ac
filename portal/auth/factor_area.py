"""Who signs in where: the description each area (staff, operators, clients) gives of itself
to the shared second-factor and passkey pages, and the few helpers those pages share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import session
from flask.typing import ResponseReturnValue
from flask_login import current_user

from portal.auth.principals import Principal
from portal.auth.second_factor import ENROL_KEY, factor_required, has_second_factor, owner_of
from tenants.snapshot import TenantSnapshot

Render = Callable[..., ResponseReturnValue]
Guard = Callable[[Callable[..., Any]], Callable[..., Any]]


@dataclass(frozen=True)
class Area:
    """Who signs in where: the blueprint's name, the kind of person, how pages are drawn."""

    name: str  # the blueprint's name: endpoints are f"{name}.verify", …
    kind: str  # operator, staff or client
    render: Render  # render(template, status, **context) -> response
    guard: Guard  # signed-in person of this kind (staff_required, …)
    sign_in_endpoint: str
    landing_endpoint: str
    tenant: Callable[[], TenantSnapshot | None]
    issuer: Callable[[], str]  # the name authenticator apps and passkeys show
    emailed_unlock: bool = True  # operators have no unlock email: they use a recovery code


def me() -> Principal:
    principal: Principal = current_user._get_current_object()
    return principal


def tenant_id_of(area: Area) -> int | None:
    tenant = area.tenant()
    return tenant.id if tenant is not None else None


def enrol_again_if_required(area: Area, principal: Principal) -> None:
    if factor_required(principal, area.tenant()) and not has_second_factor(owner_of(principal)):
        session[ENROL_KEY] = True
