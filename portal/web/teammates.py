"""Clients invite a teammate to the account they are in, when the firm allows it."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from portal.clients import teammates
from portal.core.errors import UserError, form_status, show_on_form
from portal.core.extensions import db
from portal.web.session import client_required
from tenants.context import current_tenant
from themes.loader import render_themed

bp = Blueprint("teammates", __name__, url_prefix="/teammates")


class TeammateForm(FlaskForm):
    name = StringField(_l("Their name"), validators=[Length(max=200)])
    email = EmailField(_l("Their email address"), validators=[InputRequired(), Length(max=320)])
    message = TextAreaField(_l("A message for them (optional)"), validators=[Length(max=2000)])


@bp.route("/", methods=["GET", "POST"])
@client_required
def invite() -> ResponseReturnValue:
    tenant = current_tenant
    if not tenant.clients_invite_teammates:
        abort(404)
    form = TeammateForm()
    if form.validate_on_submit():
        try:
            row = teammates.request_teammate(
                tenant,
                g.account,
                current_user._get_current_object(),
                form.email.data or "",
                form.name.data or "",
                form.message.data or "",
            )
        except UserError as exc:  # SendLimitReached too
            db.session.rollback()
            show_on_form(form, exc, default_field="email")
        else:
            db.session.commit()
            if row.status == teammates.TeammateStatus.PENDING:
                flash(
                    _(
                        "Thanks: %(email)s will be invited once %(firm)s approves.",
                        email=row.email,
                        firm=_firm(),
                    )
                )
            else:
                flash(
                    _(
                        "Invitation sent to %(email)s for %(account)s.",
                        email=row.email,
                        account=g.account.name,
                    )
                )
            return redirect(url_for("teammates.invite"))
    page = render_themed(
        tenant.theme,
        "portal/teammates/invite.html",
        form=form,
        accounts=g.accounts,
        account=g.account,
        requests=teammates.recent_for(tenant, g.account.id, current_user.id),
        needs_approval=tenant.teammate_approval,
    )
    return page, form_status(form)


def _firm() -> str:
    return current_tenant.portal_name or current_tenant.name
