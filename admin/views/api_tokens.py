"""Settings › API tokens: firm Admins create (shown once), list and revoke API tokens."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from admin.access import permission_required
from portal.audit.service import Outcome, record
from portal.auth import api_tokens
from portal.auth.roles import Permission
from portal.core.errors import UserError, form_status, show_on_form
from portal.core.extensions import db
from portal.core.pagination import page_number, paginate
from tenants.context import current_tenant

bp = Blueprint("admin_api_tokens", __name__, url_prefix="/admin/settings/api-tokens")


class TokenForm(FlaskForm):
    name = StringField("Name", validators=[InputRequired(), Length(max=100)])
    write = BooleanField("Allow changes (write), not only reading")
    days = IntegerField(
        "Expires after (days)", validators=[Optional(), NumberRange(min=1, max=3650)]
    )


class ConfirmForm(FlaskForm):
    pass


def _audit(event: str, token: api_tokens.ApiToken) -> None:
    record(
        f"api_token.{event}",
        tenant=current_tenant,
        principal_kind="staff",
        principal_id=current_user.id,
        outcome=Outcome.SUCCESS,
        detail=f"token:{token.id}",
    )


@bp.route("/", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_SETTINGS)
def index() -> ResponseReturnValue:
    form = TokenForm()
    plaintext = None
    if form.validate_on_submit():
        try:
            token, plaintext = api_tokens.create_token(
                current_tenant.id,
                form.name.data or "",
                write=bool(form.write.data),
                days=form.days.data,
                staff_id=current_user.id,
            )
        except UserError as error:
            db.session.rollback()
            show_on_form(form, error)
        else:
            db.session.commit()
            _audit("created", token)
            form = TokenForm(formdata=None)
    return render_template(
        "admin/api/tokens.html",
        form=form,
        plaintext=plaintext,
        page=paginate(api_tokens.tokens_query(current_tenant.id), page_number(request.args)),
    ), form_status(form)


@bp.route("/<int:token_id>/revoke", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_SETTINGS)
def revoke(token_id: int) -> ResponseReturnValue:
    token = db.session.get(api_tokens.ApiToken, token_id)
    if token is None or token.tenant_id != current_tenant.id:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        api_tokens.revoke(current_tenant.id, token.id)
        db.session.commit()
        _audit("revoked", token)
        flash(f"Token “{token.name}” revoked: it no longer works.")
        return _back()
    return render_template("admin/api/revoke.html", form=form, token=token)


def _back() -> Response:
    return redirect(url_for("admin_api_tokens.index"))
