"""The client's Community: the groups their current account may see, a group's feed (pinned
first), a post with its comments, writing, editing and deleting their own posts, reactions
(plain forms, no script needed) and reports to the firm."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3
from wtforms.validators import InputRequired

from portal.community import notices
from portal.community.access import join, muted_until, visible_group, visible_groups
from portal.community.models import (
    COMMENT_MAX,
    POST_MAX,
    REACTIONS,
    REASON_MAX,
    AuthorKind,
    BodyFormat,
    Comment,
    Group,
    Post,
)
from portal.community.moderation import report
from portal.community.posts import (
    Author,
    RateLimited,
    add_comment,
    comment_on_post,
    comments_query,
    create_post,
    delete_comment,
    delete_post,
    edit_post,
    feed_query,
    is_author,
    may_edit,
    post_in_group,
    reaction_counts,
    toggle_reaction,
)
from portal.core.errors import UserError, form_status, show_on_form
from portal.core.extensions import db
from portal.core.pagination import page_number, paginate
from portal.courses.markdown import render_markdown
from portal.notifications.service import Recipient, mark_group_read
from portal.web.modules.blueprints import module_blueprint
from portal.web.modules.pages import render_module_page
from portal.web.session import client_required
from tenants.context import current_tenant
from tenants.scoping import get_owned

bp = module_blueprint("community", __name__)
MODULE = "community"
TOO_MANY = 429


class PostForm(FlaskForm):
    body = TextAreaField(
        _l("Your post"),
        validators=[InputRequired(_l("Write something first."))],
        render_kw={"maxlength": POST_MAX, "rows": 5},
    )
    body_format = RadioField(
        _l("Format"),
        choices=[
            SelectChoice(BodyFormat.TEXT.value, _l("Plain text")),
            SelectChoice(
                BodyFormat.MARKDOWN.value, _l("Markdown (**bold**, *italic*, lists, links)")
            ),
        ],
        default=BodyFormat.TEXT.value,
    )


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("Your comment"),
        validators=[InputRequired(_l("Write something first."))],
        render_kw={"maxlength": COMMENT_MAX, "rows": 3},
    )


class ReportForm(FlaskForm):
    reason = TextAreaField(
        _l("What is wrong with it?"),
        validators=[InputRequired(_l("Tell us briefly what is wrong with it."))],
        render_kw={"maxlength": REASON_MAX, "rows": 3},
    )


class ActionForm(FlaskForm):
    """A button (react, delete): CSRF only."""


def me() -> Author:
    return Author(
        AuthorKind.CLIENT.value,
        current_user.id,
        current_user.name or _("Member"),
        g.account.id,
    )


def _group_or_404(group_id: int) -> Group:
    return visible_group(current_tenant, g.account.id, group_id) or abort(404)


def _post_or_404(group: Group, post_id: int) -> Post:
    return post_in_group(current_tenant, group.id, post_id) or abort(404)


def _comment_or_404(post: Post, comment_id: int) -> Comment:
    return comment_on_post(current_tenant, post.id, comment_id) or abort(404)


def _post_of_comment(group: Group, comment_id: int) -> Post:
    """The (visible) post a comment belongs to, in this group."""
    comment = get_owned(Comment, current_tenant, comment_id) or abort(404)
    return _post_or_404(group, comment.post_id)


def _rendered(item: Post) -> Any:
    """Sanitised HTML for Markdown posts; plain text is escaped by the template."""
    return render_markdown(item.body) if item.body_format == BodyFormat.MARKDOWN else None


def _status(form: FlaskForm, limited: RateLimited | None) -> tuple[int, dict[str, str]]:
    if limited is not None:
        return TOO_MANY, {"Retry-After": str(limited.retry_after)}
    return form_status(form), {}


def _save(form: FlaskForm, action: Any, default_field: str) -> tuple[bool, RateLimited | None]:
    """Run a service call and commit: (True, None); else the form carries the error, and a
    rate limit comes back for the 429 answer."""
    try:
        action()
    except RateLimited as exc:
        db.session.rollback()
        show_on_form(form, exc, default_field=default_field)
        return False, exc
    except UserError as exc:
        db.session.rollback()
        show_on_form(form, exc, default_field=default_field)
        return False, None
    db.session.commit()
    return True, None


@bp.get("/", endpoint="index")
@client_required
def index() -> str:
    page = paginate(visible_groups(current_tenant, g.account.id), page_number(request.args))
    return render_module_page(MODULE, "portal/community/index.html", page=page)


@bp.route("/<int:group_id>/", methods=["GET", "POST"])
@client_required
def group(group_id: int) -> ResponseReturnValue:
    found = _group_or_404(group_id)
    member = join(current_tenant, found, current_user.id)
    form = PostForm()
    limited: RateLimited | None = None
    if form.validate_on_submit():

        def write() -> None:
            post = create_post(
                current_tenant, found, me(), form.body.data or "", form.body_format.data or ""
            )
            g.new_post_id = post.id

        saved, limited = _save(form, write, "body")
        if saved:
            flash(_("Your post is up."))
            return redirect(
                url_for("community.post", group_id=found.id, post_id=g.new_post_id), 303
            )
    else:
        mark_group_read(
            current_tenant,
            Recipient(AuthorKind.CLIENT.value, current_user.id),
            notices.group_key_of_group(found.id),
        )
        db.session.commit()  # the membership and the read notifications
    page = paginate(feed_query(current_tenant, found.id), page_number(request.args))
    ids = [post.id for post in page.items]
    status, headers = _status(form, limited)
    html = render_module_page(
        MODULE,
        "portal/community/group.html",
        group=found,
        page=page,
        form=form,
        action_form=ActionForm(),
        reactions=reaction_counts(current_tenant, ids, me()),
        rendered={post.id: _rendered(post) for post in page.items},
        muted_until=muted_until(member),
        me=me(),
        may_edit=may_edit,
        is_author=is_author,
    )
    return html, status, headers


@bp.route("/<int:group_id>/posts/<int:post_id>", methods=["GET", "POST"])
@client_required
def post(group_id: int, post_id: int) -> ResponseReturnValue:
    found = _group_or_404(group_id)
    item = _post_or_404(found, post_id)
    member = join(current_tenant, found, current_user.id)
    form = CommentForm()
    limited: RateLimited | None = None
    if form.validate_on_submit():

        def write() -> None:
            g.new_comment = add_comment(current_tenant, found, item, me(), form.body.data or "")

        saved, limited = _save(form, write, "body")
        if saved:
            anchor = f"comment-{g.new_comment.id}"
            target = url_for("community.post", group_id=found.id, post_id=item.id, _anchor=anchor)
            return redirect(target, 303)
    else:
        mark_group_read(
            current_tenant,
            Recipient(AuthorKind.CLIENT.value, current_user.id),
            notices.group_key_of_post(item.id),
        )
        db.session.commit()
    page = paginate(comments_query(current_tenant, item.id), page_number(request.args))
    status, headers = _status(form, limited)
    html = render_module_page(
        MODULE,
        "portal/community/post.html",
        group=found,
        post=item,
        rendered=_rendered(item),
        page=page,
        form=form,
        action_form=ActionForm(),
        reactions=reaction_counts(current_tenant, [item.id], me())[item.id],
        muted_until=muted_until(member),
        me=me(),
        may_edit=may_edit(item, me()),
        is_author=is_author,
    )
    return html, status, headers


@bp.route("/<int:group_id>/posts/<int:post_id>/edit", methods=["GET", "POST"])
@client_required
def edit(group_id: int, post_id: int) -> ResponseReturnValue:
    found = _group_or_404(group_id)
    item = _post_or_404(found, post_id)
    if not is_author(item, me()):
        abort(404)
    form = PostForm(data={"body": item.body, "body_format": item.body_format})
    if form.validate_on_submit():
        saved, _limited = _save(
            form,
            lambda: edit_post(item, me(), form.body.data or "", form.body_format.data or ""),
            "body",
        )
        if saved:
            flash(_("Your post was updated."))
            return redirect(url_for("community.post", group_id=found.id, post_id=item.id), 303)
    html = render_module_page(
        MODULE,
        "portal/community/edit.html",
        group=found,
        post=item,
        form=form,
        may_edit=may_edit(item, me()),
    )
    return html, form_status(form)


@bp.post("/<int:group_id>/posts/<int:post_id>/delete")
@client_required
def delete(group_id: int, post_id: int) -> Response:
    found = _group_or_404(group_id)
    item = _post_or_404(found, post_id)
    if not is_author(item, me()):
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    delete_post(item, me())
    db.session.commit()
    flash(_("Your post was deleted."))
    return redirect(url_for("community.group", group_id=found.id), 303)


@bp.post("/<int:group_id>/comments/<int:comment_id>/delete")
@client_required
def delete_own_comment(group_id: int, comment_id: int) -> Response:
    found = _group_or_404(group_id)
    item = _post_of_comment(found, comment_id)
    target = _comment_or_404(item, comment_id)
    if not is_author(target, me()):
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    delete_comment(item, target, me())
    db.session.commit()
    flash(_("Your comment was deleted."))
    return redirect(url_for("community.post", group_id=found.id, post_id=item.id), 303)


@bp.post("/<int:group_id>/posts/<int:post_id>/react")
@client_required
def react(group_id: int, post_id: int) -> ResponseReturnValue:
    found = _group_or_404(group_id)
    item = _post_or_404(found, post_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        toggle_reaction(current_tenant, item, me(), request.form.get("emoji", ""))
    except RateLimited as exc:
        db.session.rollback()
        flash(exc.message)
    except UserError as exc:
        db.session.rollback()
        flash(exc.message)
    else:
        db.session.commit()
    if request.form.get("back") == "feed":
        target = url_for("community.group", group_id=found.id, _anchor=f"post-{item.id}")
    else:
        target = url_for("community.post", group_id=found.id, post_id=item.id)
    return redirect(target, 303)


@bp.route("/<int:group_id>/posts/<int:post_id>/report", methods=["GET", "POST"])
@client_required
def report_post(group_id: int, post_id: int) -> ResponseReturnValue:
    found = _group_or_404(group_id)
    item = _post_or_404(found, post_id)
    return _report(found, item, None)


@bp.route("/<int:group_id>/comments/<int:comment_id>/report", methods=["GET", "POST"])
@client_required
def report_comment(group_id: int, comment_id: int) -> ResponseReturnValue:
    found = _group_or_404(group_id)
    item = _post_of_comment(found, comment_id)
    return _report(found, item, _comment_or_404(item, comment_id))


def _report(found: Group, item: Post, comment: Comment | None) -> ResponseReturnValue:
    form = ReportForm()
    limited: RateLimited | None = None
    if form.validate_on_submit():
        saved, limited = _save(
            form,
            lambda: report(current_tenant, found, item, comment, me(), form.reason.data or ""),
            "reason",
        )
        if saved:
            flash(_("Thank you. The team will look at it."))
            return redirect(url_for("community.post", group_id=found.id, post_id=item.id), 303)
    status, headers = _status(form, limited)
    html = render_module_page(
        MODULE,
        "portal/community/report.html",
        group=found,
        post=item,
        comment=comment,
        form=form,
        reactions_list=REACTIONS,
    )
    return html, status, headers
