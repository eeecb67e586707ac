"""Operator console › API tokens: operators create (shown once), list and revoke operator
tokens, which reach the operator API (tenants) on the platform host and nothing of a firm."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.wrappers import Response

from admin.access import operator_required
from admin.views.api_tokens import ConfirmForm, TokenForm
from portal.audit.service import Outcome, record
from portal.auth import api_tokens
from portal.core.errors import UserError, form_status, show_on_form
from portal.core.extensions import db
from portal.core.pagination import page_number, paginate

bp = Blueprint("operator_api_tokens", __name__, url_prefix="/operator/api-tokens")


def _audit(event: str, token: api_tokens.ApiToken) -> None:
    record(
        f"api_token.{event}",
        tenant=None,
        principal_kind="operator",
        principal_id=current_user.id,
        outcome=Outcome.SUCCESS,
        detail=f"operator token:{token.id}",
    )


@bp.route("/", methods=["GET", "POST"])
@operator_required
def index() -> ResponseReturnValue:
    form = TokenForm()
    plaintext = None
    if form.validate_on_submit():
        try:
            token, plaintext = api_tokens.create_token(
                None, form.name.data or "", write=bool(form.write.data), days=form.days.data
            )
        except UserError as error:
            db.session.rollback()
            show_on_form(form, error)
        else:
            db.session.commit()
            _audit("created", token)
            form = TokenForm(formdata=None)
    return render_template(
        "admin/api/operator_tokens.html",
        form=form,
        plaintext=plaintext,
        page=paginate(api_tokens.tokens_query(None), page_number(request.args)),
    ), form_status(form)


@bp.route("/<int:token_id>/revoke", methods=["GET", "POST"])
@operator_required
def revoke(token_id: int) -> ResponseReturnValue:
    token = db.session.get(api_tokens.ApiToken, token_id)
    if token is None or token.tenant_id is not None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        api_tokens.revoke(None, token.id)
        db.session.commit()
        _audit("revoked", token)
        flash(f"Token “{token.name}” revoked: it no longer works.")
        return _back()
    return render_template("admin/api/operator_revoke.html", form=form, token=token)


def _back() -> Response:
    return redirect(url_for("operator_api_tokens.index"))
