"""Firm staff run the community: groups and who may see them, the feed of each group (hidden
posts included) where they post and comment as the firm, moderation (pin, hide, remove, mute a
member) and the queue of reports from clients."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import IntegerField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3
from wtforms.validators import InputRequired, NumberRange, Optional

from admin.access import permission_required
from portal.auth.roles import Permission
from portal.clients.models import ClientAccount, Contact
from portal.community import groups as group_service
from portal.community import moderation
from portal.community.access import staff_group
from portal.community.models import (
    COMMENT_MAX,
    DESCRIPTION_MAX,
    NAME_MAX,
    POST_MAX,
    Audience,
    AuthorKind,
    BodyFormat,
    Comment,
    Group,
    Membership,
    Post,
    Report,
    ReportStatus,
)
from portal.community.posts import (
    Author,
    add_comment,
    comments_query,
    create_post,
    feed_query,
    reaction_counts,
)
from portal.core.database import utcnow
from portal.core.errors import UserError, form_status, show_on_form
from portal.core.extensions import db
from portal.core.pagination import page_number, paginate
from portal.courses.markdown import render_markdown
from tenants.context import current_tenant
from tenants.scoping import get_owned, owned

bp = Blueprint("admin_community", __name__, url_prefix="/admin/community")
WORK = Permission.WORK_WITH_CLIENTS
SETTINGS = Permission.MANAGE_SETTINGS
ACCOUNT_CHOICES_MAX = 500


class GroupForm(FlaskForm):
    name = StringField("Name", validators=[InputRequired()], render_kw={"maxlength": NAME_MAX})
    description = TextAreaField("Description", render_kw={"maxlength": DESCRIPTION_MAX})
    audience = RadioField(
        "Who can see it",
        choices=[
            SelectChoice(Audience.ALL.value, "Every client with portal access"),
            SelectChoice(Audience.CHOSEN.value, "Clients of the chosen accounts or tags"),
        ],
        default=Audience.ALL.value,
    )
    accounts = SelectMultipleField("Accounts", coerce=int, validate_choice=False)
    tags = StringField("Tags (comma-separated)")


class PostForm(FlaskForm):
    body = TextAreaField(
        "Post as the firm", validators=[InputRequired()], render_kw={"maxlength": POST_MAX}
    )
    body_format = RadioField(
        "Format",
        choices=[
            SelectChoice(BodyFormat.TEXT.value, "Plain text"),
            SelectChoice(BodyFormat.MARKDOWN.value, "Markdown"),
        ],
        default=BodyFormat.TEXT.value,
    )


class CommentForm(FlaskForm):
    body = TextAreaField(
        "Comment as the firm", validators=[InputRequired()], render_kw={"maxlength": COMMENT_MAX}
    )


class MuteForm(FlaskForm):
    contact_id = IntegerField("Member", validators=[InputRequired()])
    days = IntegerField(
        "Days", validators=[Optional(), NumberRange(1, moderation.MUTE_DAYS_MAX)], default=7
    )


class ConfirmForm(FlaskForm):
    """A moderation button: CSRF only."""


def _firm() -> Author:
    return Author(AuthorKind.STAFF.value, current_user.id, current_tenant.name)


def _group_or_404(group_id: int) -> Group:
    return staff_group(current_tenant, group_id) or abort(404)


def _post_or_404(post_id: int) -> Post:
    post = get_owned(Post, current_tenant, post_id)
    if post is None or post.removed_at is not None:
        abort(404)
    return post


def _rendered(post: Post) -> object:
    return render_markdown(post.body) if post.body_format == BodyFormat.MARKDOWN else None


# --- groups -----------------------------------------------------------------------------------


@bp.get("/")
@permission_required(WORK)
def index() -> str:
    archived = request.args.get("archived") == "1"
    query = group_service.staff_groups(current_tenant, archived=archived)
    page = paginate(query, page_number(request.args))
    open_reports = db.session.scalar(
        owned(Report, current_tenant, Report.status == ReportStatus.OPEN)
        .with_only_columns(Report.id)
        .limit(1)
    )
    return render_template(
        "admin/community/index.html", page=page, archived=archived, has_reports=bool(open_reports)
    )


def _account_choices(form: GroupForm, chosen: list[int]) -> None:
    accounts = db.session.execute(
        owned(ClientAccount, current_tenant, ClientAccount.archived_at.is_(None))
        .with_only_columns(ClientAccount.id, ClientAccount.name)
        .order_by(ClientAccount.name)
        .limit(ACCOUNT_CHOICES_MAX)
    ).all()
    listed = {account_id for account_id, _ in accounts}
    extra = [i for i in chosen if i not in listed]
    names = dict(accounts)
    if extra:
        names |= dict(
            db.session.execute(
                owned(ClientAccount, current_tenant, ClientAccount.id.in_(extra)).with_only_columns(
                    ClientAccount.id, ClientAccount.name
                )
            ).all()
        )
    form.accounts.choices = [SelectChoice(i, name) for i, name in names.items()]


def _input(form: GroupForm) -> group_service.GroupInput:
    return group_service.GroupInput(
        name=form.name.data or "",
        description=form.description.data or "",
        audience=form.audience.data or "",
        account_ids=tuple(form.accounts.data or ()),
        tags=group_service.parse_tags(form.tags.data or ""),
    )


@bp.route("/new", methods=["GET", "POST"])
@permission_required(SETTINGS)
def new() -> ResponseReturnValue:
    form = GroupForm()
    _account_choices(form, list(form.accounts.data or []))
    if form.validate_on_submit():
        try:
            group = group_service.create_group(current_tenant, _input(form))
        except UserError as exc:
            db.session.rollback()
            show_on_form(form, exc, default_field="name")
        else:
            db.session.commit()
            flash(f"Group “{group.name}” created.")
            return redirect(url_for("admin_community.feed", group_id=group.id))
    page = render_template(
        "admin/community/edit.html",
        form=form,
        group=None,
        known_tags=group_service.known_tags(current_tenant),
    )
    return page, form_status(form)


@bp.route("/<int:group_id>/edit", methods=["GET", "POST"])
@permission_required(SETTINGS)
def edit(group_id: int) -> ResponseReturnValue:
    group = _group_or_404(group_id)
    accounts, tags = group_service.access_of(current_tenant, group)
    form = GroupForm(
        data={
            "name": group.name,
            "description": group.description,
            "audience": group.audience,
            "accounts": [a.id for a in accounts],
            "tags": ", ".join(tags),
        }
    )
    _account_choices(form, list(form.accounts.data or []))
    if form.validate_on_submit():
        try:
            group_service.update_group(current_tenant, group, _input(form))
        except UserError as exc:
            db.session.rollback()
            show_on_form(form, exc, default_field="name")
        else:
            db.session.commit()
            flash("Group saved.")
            return redirect(url_for("admin_community.feed", group_id=group.id))
    page = render_template(
        "admin/community/edit.html",
        form=form,
        group=group,
        confirm_form=ConfirmForm(),
        known_tags=group_service.known_tags(current_tenant),
    )
    return page, form_status(form)


@bp.post("/<int:group_id>/archive")
@permission_required(SETTINGS)
def archive(group_id: int) -> Response:
    group = _group_or_404(group_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    archived = request.form.get("archived") == "1"
    group_service.set_archived(group, archived)
    db.session.commit()
    flash(f"“{group.name}” {'archived: clients no longer see it' if archived else 'restored'}.")
    return redirect(url_for("admin_community.index"))


# --- feed, posts and comments -------------------------------------------------------------------


@bp.route("/<int:group_id>/", methods=["GET", "POST"])
@permission_required(WORK)
def feed(group_id: int) -> ResponseReturnValue:
    group = _group_or_404(group_id)
    form = PostForm()
    if form.validate_on_submit():
        try:
            create_post(
                current_tenant,
                group,
                _firm(),
                form.body.data or "",
                form.body_format.data or "",
            )
        except UserError as exc:
            db.session.rollback()
            show_on_form(form, exc, default_field="body")
        else:
            db.session.commit()
            flash("Posted as the firm.")
            return redirect(url_for("admin_community.feed", group_id=group.id))
    page = paginate(feed_query(current_tenant, group.id, staff=True), page_number(request.args))
    ids = [post.id for post in page.items]
    html = render_template(
        "admin/community/feed.html",
        group=group,
        page=page,
        form=form,
        confirm_form=ConfirmForm(),
        reactions=reaction_counts(current_tenant, ids, None),
        rendered={post.id: _rendered(post) for post in page.items},
    )
    return html, form_status(form)


@bp.route("/posts/<int:post_id>", methods=["GET", "POST"])
@permission_required(WORK)
def post(post_id: int) -> ResponseReturnValue:
    item = _post_or_404(post_id)
    group = _group_or_404(item.group_id)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            add_comment(current_tenant, group, item, _firm(), form.body.data or "")
        except UserError as exc:
            db.session.rollback()
            show_on_form(form, exc, default_field="body")
        else:
            db.session.commit()
            flash("Commented as the firm.")
            return redirect(url_for("admin_community.post", post_id=item.id))
    page = paginate(comments_query(current_tenant, item.id, staff=True), page_number(request.args))
    html = render_template(
        "admin/community/post.html",
        group=group,
        post=item,
        rendered=_rendered(item),
        page=page,
        form=form,
        confirm_form=ConfirmForm(),
        mute_form=MuteForm(),
        reactions=reaction_counts(current_tenant, [item.id], None)[item.id],
    )
    return html, form_status(form)


@bp.post("/posts/<int:post_id>/<action>")
@permission_required(WORK)
def moderate_post(post_id: int, action: str) -> Response:
    item = _post_or_404(post_id)
    if action not in moderation.POST_ACTIONS:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    moderation.moderate_post(item, action)
    db.session.commit()
    flash(
        {
            "pin": "Post pinned to the top of the group.",
            "unpin": "Post unpinned.",
            "hide": "Post hidden from clients.",
            "unhide": "Post shown to clients again.",
            "remove": "Post removed.",
        }[action]
    )
    if action == "remove":
        return redirect(url_for("admin_community.feed", group_id=item.group_id))
    return redirect(_back(url_for("admin_community.post", post_id=item.id)))


@bp.post("/comments/<int:comment_id>/<action>")
@permission_required(WORK)
def moderate_comment(comment_id: int, action: str) -> Response:
    comment = get_owned(Comment, current_tenant, comment_id)
    if (
        comment is None
        or comment.removed_at is not None
        or action not in moderation.COMMENT_ACTIONS
    ):
        abort(404)
    item = _post_or_404(comment.post_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    moderation.moderate_comment(item, comment, action)
    db.session.commit()
    flash(
        {"hide": "Comment hidden.", "unhide": "Comment shown again.", "remove": "Comment removed."}[
            action
        ]
    )
    return redirect(_back(url_for("admin_community.post", post_id=item.id)))


def _back(default: str) -> str:
    """Moderation from the reports queue returns there; anything else to the post."""
    return url_for("admin_community.reports") if request.form.get("back") == "reports" else default


# --- members ------------------------------------------------------------------------------------


@bp.get("/<int:group_id>/members")
@permission_required(WORK)
def members(group_id: int) -> str:
    group = _group_or_404(group_id)
    query = (
        moderation.members_query(current_tenant, group.id)
        .add_columns(Contact)
        .join(
            Contact,
            (Contact.tenant_id == Membership.tenant_id) & (Contact.id == Membership.contact_id),
        )
    )
    page = paginate(query, page_number(request.args))
    return render_template(
        "admin/community/members.html",
        group=group,
        page=page,
        now=utcnow(),
        mute_form=MuteForm(),
        confirm_form=ConfirmForm(),
    )


@bp.post("/<int:group_id>/mute")
@permission_required(WORK)
def mute(group_id: int) -> Response:
    group = _group_or_404(group_id)
    form = MuteForm()
    if not form.validate_on_submit():
        flash("Choose between 1 and 365 days.")
        return redirect(url_for("admin_community.members", group_id=group.id))
    contact = get_owned(Contact, current_tenant, form.contact_id.data) or abort(404)
    try:
        moderation.mute(current_tenant, group, contact.id, form.days.data)
    except UserError as exc:
        db.session.rollback()
        flash(exc.message)
    else:
        db.session.commit()
        flash(f"{contact.display_name} can't post in “{group.name}” for {form.days.data} days.")
    return redirect(url_for("admin_community.members", group_id=group.id))


@bp.post("/<int:group_id>/unmute")
@permission_required(WORK)
def unmute(group_id: int) -> Response:
    group = _group_or_404(group_id)
    form = MuteForm()
    if not form.validate_on_submit():
        abort(400)
    contact = get_owned(Contact, current_tenant, form.contact_id.data) or abort(404)
    moderation.unmute(current_tenant, group, contact.id)
    db.session.commit()
    flash(f"{contact.display_name} can post in “{group.name}” again.")
    return redirect(url_for("admin_community.members", group_id=group.id))


# --- reports ------------------------------------------------------------------------------------


@bp.get("/reports")
@permission_required(WORK)
def reports() -> str:
    status = request.args.get("status", ReportStatus.OPEN)
    query = moderation.reports_query(current_tenant, status)
    page = paginate(query, page_number(request.args))
    return render_template(
        "admin/community/reports.html",
        page=page,
        status=status if status in set(ReportStatus) else ReportStatus.OPEN,
        confirm_form=ConfirmForm(),
    )


@bp.post("/reports/<int:report_id>/resolve")
@permission_required(WORK)
def resolve(report_id: int) -> Response:
    found = get_owned(Report, current_tenant, report_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    moderation.resolve(found, current_user.display_name)
    db.session.commit()
    flash("Report resolved.")
    return redirect(url_for("admin_community.reports"))
