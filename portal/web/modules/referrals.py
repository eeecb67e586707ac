"""The client's Referrals page (its link, clicks, sign-ups, earnings, commissions, payouts) and
the public `/r/<code>` link that counts a click, sets the first-touch cookie and goes on to the
sign-up page."""

from __future__ import annotations

from flask import Blueprint, g, redirect, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.billing.invoices import firm_currency
from portal.core.extensions import db
from portal.core.pagination import page_number, paginate
from portal.core.ratelimit import enforce
from portal.modules.service import is_enabled
from portal.referrals import attribution, earnings, labels
from portal.referrals.links import (
    COOKIE,
    code_for,
    cookie_value,
    existing_code,
    find_code,
    has_valid_touch,
    link_of,
    record_click,
)
from portal.referrals.models import ReferralCode
from portal.referrals.programme import is_eligible, settings_of
from portal.web.modules.blueprints import module_blueprint
from portal.web.modules.pages import render_module_page
from portal.web.session import client_required
from tenants.context import current_tenant

bp = module_blueprint("referrals", __name__)
links = Blueprint("referral_link", __name__)


@bp.record_once
def _listen_for_payments(_state: BlueprintSetupState) -> None:
    """Commissions on referred clients' payments: the domain's flush listener, registered
    once with the module (every app registers this blueprint)."""
    attribution.listen()


def _code_for_page() -> tuple[ReferralCode | None, bool]:
    """(the referrer's code or None, may it still refer): a code is made the first time an
    eligible client opens the page; one made earlier still shows its history."""
    settings = settings_of(current_tenant)
    eligible = is_eligible(settings, g.account.id, current_user.id)
    if eligible:
        code = code_for(current_tenant, g.account.id, current_user.id)
        db.session.commit()
        return code, True
    return existing_code(current_tenant, g.account.id, current_user.id), False


@bp.get("/", endpoint="index")
@client_required
def index() -> str:
    settings = settings_of(current_tenant)
    code, eligible = _code_for_page()
    if code is None:
        return render_module_page("referrals", "portal/referrals/index.html", code=None)
    page = paginate(
        earnings.commissions_query(current_tenant, code_id=code.id),
        page_number(request.args),
        per_page=25,
    )
    return render_module_page(
        "referrals",
        "portal/referrals/index.html",
        code=code,
        eligible=eligible,
        link=link_of(current_tenant, code),
        totals=earnings.totals_of(current_tenant, code.id),
        settings=settings,
        percent=labels.percent_text(settings.percent_bps),
        firm_currency=firm_currency(current_tenant),
        kind_labels=labels.KIND_LABELS,
        status_labels=labels.STATUS_LABELS,
        page=page,
    )


@bp.get("/payouts", endpoint="payouts")
@client_required
def payouts() -> str:
    code = existing_code(current_tenant, g.account.id, current_user.id)
    page = paginate(
        earnings.payouts_query(current_tenant, code.id if code else 0),
        page_number(request.args),
        per_page=25,
    )
    return render_module_page(
        "referrals",
        "portal/referrals/payouts.html",
        code=code,
        page=page,
        method_labels=labels.METHOD_LABELS,
    )


@links.get("/r/<code>")
def follow(code: str) -> Response:
    """Always on to the sign-up page; a click counts only for a live code of an active
    referrer, and the cookie is set only when the visitor has no live one (first touch)."""
    tenant = current_tenant
    response = redirect(url_for("signup.start"))
    enforce("30/minute", "referral-click", tenant.id, request.remote_addr or "-")
    settings = settings_of(tenant)
    if not settings.enabled or not is_enabled(tenant.id, "referrals"):
        return response
    row = find_code(tenant, code)
    if row is None:
        return response
    agent = request.headers.get("User-Agent", "")
    counted = record_click(tenant, row, settings, ip=request.remote_addr or "-", agent=agent)
    db.session.commit()
    if not counted:
        return response
    if not has_valid_touch(tenant, request.cookies.get(COOKIE), settings.cookie_days):
        response.set_cookie(
            COOKIE,
            cookie_value(tenant, row),
            max_age=settings.cookie_days * 86400,
            secure=request.is_secure,
            httponly=True,
            samesite="Lax",
        )
    return response
