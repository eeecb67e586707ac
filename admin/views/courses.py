"""Firm staff write courses: details, ordered sections and lessons (Markdown with a preview,
a video, attachments), who may take each course, publishing, and every learner's progress."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3
from wtforms.validators import Length

from admin.access import permission_required
from portal.auth.roles import Permission
from portal.clients.listing import search_accounts
from portal.core.errors import UserError, form_status, show_on_form
from portal.core.extensions import db
from portal.core.pagination import page_number, paginate
from portal.courses import catalog, notices, progress, service
from portal.courses.markdown import MARKDOWN_MAX_CHARS, render_markdown
from portal.courses.models import (
    TITLE_MAX,
    VIDEO_URL_MAX,
    Course,
    CourseSection,
    Lesson,
    LessonAttachment,
)
from portal.courses.video import ALLOWED_HOSTS_TEXT
from portal.files.downloads import download_response
from portal.files.uploads import large_body, megabytes, upload_limit
from tenants.context import current_tenant
from tenants.scoping import get_owned

bp = Blueprint("admin_courses", __name__, url_prefix="/admin/courses")
staff_may = permission_required(Permission.WORK_WITH_CLIENTS)
# Markdown is checked by the service (with a clear message); the field only stops absurd posts.
BODY_FIELD_MAX = MARKDOWN_MAX_CHARS * 2


class CourseForm(FlaskForm):
    title = StringField("Title", validators=[Length(max=TITLE_MAX * 2)])
    summary = TextAreaField("Summary (Markdown, shown above the lessons)")


class TitleForm(FlaskForm):
    title = StringField("Title", validators=[Length(max=TITLE_MAX * 2)])


class LessonForm(FlaskForm):
    title = StringField("Title", validators=[Length(max=TITLE_MAX * 2)])
    section_id = SelectField("Section", coerce=int, validate_choice=False)
    body = TextAreaField("Lesson text (Markdown)", validators=[Length(max=BODY_FIELD_MAX)])
    video_url = StringField("Video address (optional)", validators=[Length(max=VIDEO_URL_MAX * 2)])


class AccessForm(FlaskForm):
    open_to_all = RadioField(
        "Who may take this course",
        choices=[
            SelectChoice("all", "All clients"),
            SelectChoice("chosen", "Only the accounts, tags and people below"),
        ],
        default="all",
    )
    tags = StringField("Account tags (separated by commas)", validators=[Length(max=5000)])


class UploadForm(FlaskForm):
    file = FileField("File")


class ConfirmForm(FlaskForm):
    """A button: CSRF only (deletions also need the confirmation box)."""


def _course_or_404(course_id: int) -> Course:
    return get_owned(Course, current_tenant, course_id) or abort(404)


def _section_or_404(course: Course, section_id: int) -> CourseSection:
    section = get_owned(CourseSection, current_tenant, section_id)
    if section is None or section.course_id != course.id:
        abort(404)
    return section


def _lesson_or_404(course: Course, lesson_id: int) -> Lesson:
    lesson = get_owned(Lesson, current_tenant, lesson_id)
    if lesson is None or lesson.course_id != course.id:
        abort(404)
    return lesson


def _confirmed() -> bool:
    return ConfirmForm().validate_on_submit() and request.form.get("confirm") == "1"


def _step() -> int:
    return -1 if request.form.get("direction") == "up" else 1


# --- courses ---------------------------------------------------------------------------------


@bp.get("/")
@staff_may
def index() -> str:
    page = paginate(catalog.staff_courses_query(current_tenant), page_number(request.args))
    return render_template("admin/courses/index.html", page=page)


@bp.route("/new", methods=["GET", "POST"])
@staff_may
def new() -> ResponseReturnValue:
    form = CourseForm()
    if form.validate_on_submit():
        try:
            course = service.create_course(current_tenant, form.title.data, form.summary.data)
        except UserError as error:
            db.session.rollback()
            show_on_form(form, error, default_field="title")
        else:
            db.session.commit()
            flash(f"Created “{course.title}”. Add a section and its lessons, then publish it.")
            return redirect(url_for("admin_courses.edit", course_id=course.id), 303)
    return render_template("admin/courses/new.html", form=form), form_status(form)


def _editor(course: Course, **forms: Any) -> str:
    sections = service.sections_of(current_tenant, course.id)
    lessons = service.lessons_of(current_tenant, course.id)
    by_section: dict[int, list[Lesson]] = {}
    for lesson in lessons:
        by_section.setdefault(lesson.section_id, []).append(lesson)
    accounts, tags, people = service.access_of(current_tenant, course)
    return render_template(
        "admin/courses/edit.html",
        course=course,
        sections=sections,
        by_section=by_section,
        lesson_total=len(lessons),
        accounts=accounts,
        tags=tags,
        people=people,
        form=forms.get("form") or CourseForm(obj=course),
        section_form=forms.get("section_form") or TitleForm(prefix="section"),
        lesson_forms=forms.get("lesson_forms") or {},
        confirm_form=ConfirmForm(),
        status_error=forms.get("status_error"),
    )


@bp.route("/<int:course_id>", methods=["GET", "POST"])
@staff_may
def edit(course_id: int) -> ResponseReturnValue:
    course = _course_or_404(course_id)
    form = CourseForm(obj=course) if request.method == "GET" else CourseForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            service.update_course(current_tenant, course, form.title.data, form.summary.data)
        except UserError as error:
            db.session.rollback()
            course = _course_or_404(course_id)
            show_on_form(form, error, default_field="title")
        else:
            db.session.commit()
            flash("Saved the course details.")
            return redirect(url_for("admin_courses.edit", course_id=course.id), 303)
    return _editor(course, form=form), form_status(form)


@bp.post("/<int:course_id>/publish")
@staff_may
def publish(course_id: int) -> ResponseReturnValue:
    course = _course_or_404(course_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        newly = service.publish(current_tenant, course)
    except UserError as error:
        db.session.rollback()
        return _editor(_course_or_404(course_id), status_error=error.message), 422
    told = notices.course_published(current_tenant, course) if newly else 0
    db.session.commit()
    flash(f"Published “{course.title}”. {told} client{'s' if told != 1 else ''} told.")
    return redirect(url_for("admin_courses.edit", course_id=course.id), 303)


@bp.post("/<int:course_id>/unpublish")
@staff_may
def unpublish(course_id: int) -> Response:
    course = _course_or_404(course_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    service.unpublish(current_tenant, course)
    db.session.commit()
    flash(f"“{course.title}” is a draft again: clients no longer see it. Their progress is kept.")
    return redirect(url_for("admin_courses.edit", course_id=course.id), 303)


@bp.post("/<int:course_id>/delete")
@staff_may
def delete(course_id: int) -> Response:
    course = _course_or_404(course_id)
    if not _confirmed():
        flash("Tick the box to confirm deleting the course.")
        return redirect(url_for("admin_courses.edit", course_id=course.id), 303)
    title = course.title
    service.delete_course(current_tenant, course)
    db.session.commit()
    flash(f"Deleted “{title}” with its lessons, attachments and progress.")
    return redirect(url_for("admin_courses.index"), 303)


# --- access ----------------------------------------------------------------------------------


def _ids(name: str) -> tuple[int, ...]:
    return tuple(int(v) for v in request.form.getlist(name) if v.isdigit() and len(v) < 10)


@bp.route("/<int:course_id>/access", methods=["GET", "POST"])
@staff_may
def access(course_id: int) -> ResponseReturnValue:
    course = _course_or_404(course_id)
    accounts, tags, people = service.access_of(current_tenant, course)
    form = AccessForm()
    if request.method == "GET":
        form.open_to_all.data = "all" if course.open_to_all else "chosen"
        form.tags.data = ", ".join(tags)
    chosen_accounts = {a.id for a in accounts}
    chosen_people = {p.id for p in people}
    if form.validate_on_submit():
        before = notices.audience_ids(current_tenant, course) if course.is_published else set()
        chosen_accounts = set(_ids("account_ids"))
        chosen_people = set(_ids("contact_ids"))
        wanted = service.Access(
            open_to_all=form.open_to_all.data != "chosen",
            account_ids=tuple(sorted(chosen_accounts)),
            tags=((form.tags.data or ""),),
            contact_ids=tuple(sorted(chosen_people)),
        )
        try:
            service.set_access(current_tenant, course, wanted)
        except UserError as error:
            db.session.rollback()
            course = _course_or_404(course_id)
            show_on_form(form, error, default_field="open_to_all")
        else:
            told = (
                notices.course_published(current_tenant, course, before)
                if course.is_published
                else 0
            )
            db.session.commit()
            flash(
                "Saved who may take the course."
                + (f" {told} newly included client{'s' if told != 1 else ''} told." if told else "")
            )
            return redirect(url_for("admin_courses.edit", course_id=course.id), 303)
    account_q = (request.args.get("account_q") or "").strip()[:200]
    people_q = (request.args.get("people_q") or "").strip()[:200]
    found_accounts = [
        (i, name, email)
        for i, name, email in search_accounts(current_tenant.id, account_q, limit=20)
        if i not in chosen_accounts
    ]
    found_people = [
        p for p in catalog.search_people(current_tenant, people_q) if p.id not in chosen_people
    ]
    page = render_template(
        "admin/courses/access.html",
        course=course,
        form=form,
        accounts=[a for a in catalog.accounts_by_id(current_tenant, chosen_accounts)],
        people=catalog.people_by_id(current_tenant, chosen_people),
        account_q=account_q,
        people_q=people_q,
        found_accounts=found_accounts,
        found_people=found_people,
        known_tags=catalog.known_tags(current_tenant),
    )
    return page, form_status(form)


# --- sections --------------------------------------------------------------------------------


@bp.post("/<int:course_id>/sections")
@staff_may
def add_section(course_id: int) -> ResponseReturnValue:
    course = _course_or_404(course_id)
    form = TitleForm(prefix="section")
    if form.validate_on_submit():
        try:
            section = service.add_section(current_tenant, course, form.title.data)
        except UserError as error:
            db.session.rollback()
            show_on_form(form, error, default_field="title")
        else:
            db.session.commit()
            flash(f"Added the section “{section.title}”.")
            return redirect(
                url_for("admin_courses.edit", course_id=course.id, _anchor=f"section-{section.id}"),
                303,
            )
    return _editor(_course_or_404(course_id), section_form=form), 422


@bp.post("/<int:course_id>/sections/<int:section_id>")
@staff_may
def rename_section(course_id: int, section_id: int) -> ResponseReturnValue:
    course = _course_or_404(course_id)
    section = _section_or_404(course, section_id)
    form = TitleForm(prefix=f"s{section.id}")
    if form.validate_on_submit():
        try:
            service.rename_section(current_tenant, section, form.title.data)
        except UserError as error:
            db.session.rollback()
            flash(f"The section was not renamed: {error.message}")
        else:
            db.session.commit()
            flash("Renamed the section.")
    return redirect(
        url_for("admin_courses.edit", course_id=course.id, _anchor=f"section-{section.id}"), 303
    )


@bp.post("/<int:course_id>/sections/<int:section_id>/move")
@staff_may
def move_section(course_id: int, section_id: int) -> Response:
    course = _course_or_404(course_id)
    section = _section_or_404(course, section_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    service.move_section(current_tenant, section, _step())
    db.session.commit()
    return redirect(
        url_for("admin_courses.edit", course_id=course.id, _anchor=f"section-{section.id}"), 303
    )


@bp.post("/<int:course_id>/sections/<int:section_id>/delete")
@staff_may
def delete_section(course_id: int, section_id: int) -> Response:
    course = _course_or_404(course_id)
    section = _section_or_404(course, section_id)
    if not _confirmed():
        flash("Tick the box to confirm deleting the section and its lessons.")
        return redirect(url_for("admin_courses.edit", course_id=course.id), 303)
    title = section.title
    service.delete_section(current_tenant, section)
    db.session.commit()
    flash(f"Deleted the section “{title}” and its lessons.")
    return redirect(url_for("admin_courses.edit", course_id=course.id), 303)


@bp.post("/<int:course_id>/sections/<int:section_id>/lessons")
@staff_may
def add_lesson(course_id: int, section_id: int) -> ResponseReturnValue:
    course = _course_or_404(course_id)
    section = _section_or_404(course, section_id)
    form = TitleForm(prefix=f"l{section.id}")
    if form.validate_on_submit():
        try:
            lesson = service.add_lesson(current_tenant, section, form.title.data, "", "")
        except UserError as error:
            db.session.rollback()
            show_on_form(form, error, default_field="title")
        else:
            db.session.commit()
            flash(f"Added the lesson “{lesson.title}”. Write its text below.")
            return redirect(
                url_for("admin_courses.lesson", course_id=course.id, lesson_id=lesson.id), 303
            )
    course = _course_or_404(course_id)
    return _editor(course, lesson_forms={section_id: form}), 422


# --- lessons ---------------------------------------------------------------------------------


def _lesson_page(course: Course, lesson: Lesson, form: LessonForm, **context: Any) -> str:
    sections = service.sections_of(current_tenant, course.id)
    form.section_id.choices = [SelectChoice(s.id, s.title) for s in sections]
    return render_template(
        "admin/courses/lesson.html",
        course=course,
        lesson=lesson,
        form=form,
        attachments=service.attachments_of(current_tenant, lesson.id),
        upload_form=context.pop("upload_form", None) or UploadForm(),
        confirm_form=ConfirmForm(),
        limit_text=megabytes(upload_limit(current_tenant)),
        allowed_hosts=ALLOWED_HOSTS_TEXT,
        body_limit=MARKDOWN_MAX_CHARS,
        **context,
    )


@bp.route("/<int:course_id>/lessons/<int:lesson_id>", methods=["GET", "POST"])
@staff_may
def lesson(course_id: int, lesson_id: int) -> ResponseReturnValue:
    course = _course_or_404(course_id)
    item = _lesson_or_404(course, lesson_id)
    form = LessonForm(obj=item) if request.method == "GET" else LessonForm()
    preview = None
    if request.method == "POST" and form.validate_on_submit():
        if request.form.get("action") == "preview":
            preview = render_markdown(form.body.data)
            return _lesson_page(course, item, form, preview=preview)
        section = get_owned(CourseSection, current_tenant, form.section_id.data)
        try:
            if section is None or section.course_id != course.id:
                raise UserError("Choose one of this course's sections.", "section_id")
            service.update_lesson(
                current_tenant,
                item,
                form.title.data,
                form.body.data,
                form.video_url.data,
                section=section,
            )
        except UserError as error:
            db.session.rollback()
            course = _course_or_404(course_id)
            item = _lesson_or_404(course, lesson_id)
            show_on_form(form, error, default_field="title")
        else:
            db.session.commit()
            flash(f"Saved the lesson “{item.title}”.")
            return redirect(
                url_for("admin_courses.lesson", course_id=course.id, lesson_id=item.id), 303
            )
    return _lesson_page(course, item, form), form_status(form)


@bp.post("/<int:course_id>/lessons/<int:lesson_id>/move")
@staff_may
def move_lesson(course_id: int, lesson_id: int) -> Response:
    course = _course_or_404(course_id)
    item = _lesson_or_404(course, lesson_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    service.move_lesson(current_tenant, item, _step())
    db.session.commit()
    return redirect(
        url_for("admin_courses.edit", course_id=course.id, _anchor=f"lesson-{item.id}"), 303
    )


@bp.post("/<int:course_id>/lessons/<int:lesson_id>/delete")
@staff_may
def delete_lesson(course_id: int, lesson_id: int) -> Response:
    course = _course_or_404(course_id)
    item = _lesson_or_404(course, lesson_id)
    if not _confirmed():
        flash("Tick the box to confirm deleting the lesson.")
        return redirect(
            url_for("admin_courses.lesson", course_id=course.id, lesson_id=item.id), 303
        )
    title = item.title
    service.delete_lesson(current_tenant, item)
    db.session.commit()
    flash(f"Deleted the lesson “{title}”.")
    return redirect(url_for("admin_courses.edit", course_id=course.id), 303)


@bp.post("/<int:course_id>/lessons/<int:lesson_id>/attachments")
@staff_may
@large_body
def upload(course_id: int, lesson_id: int) -> ResponseReturnValue:
    course = _course_or_404(course_id)
    item = _lesson_or_404(course, lesson_id)
    form = UploadForm()
    if form.validate_on_submit():
        try:
            stored = service.add_attachment(
                current_tenant, item, request.files.get("file") or FileStorage()
            )
        except UserError as error:
            db.session.rollback()
            show_on_form(form, error, default_field="file")
        else:
            db.session.commit()
            flash(f"Attached “{stored.name}”.")
            return redirect(
                url_for("admin_courses.lesson", course_id=course.id, lesson_id=item.id), 303
            )
    course = _course_or_404(course_id)
    item = _lesson_or_404(course, lesson_id)
    page = _lesson_page(course, item, LessonForm(obj=item), upload_form=form)
    return page, 422


@bp.get("/<int:course_id>/lessons/<int:lesson_id>/attachments/<int:attachment_id>")
@staff_may
def attachment(course_id: int, lesson_id: int, attachment_id: int) -> Response:
    course = _course_or_404(course_id)
    item = _lesson_or_404(course, lesson_id)
    file = get_owned(LessonAttachment, current_tenant, attachment_id)
    if file is None or file.lesson_id != item.id:
        abort(404)
    return download_response(current_tenant, file)


@bp.post("/<int:course_id>/lessons/<int:lesson_id>/attachments/<int:attachment_id>/delete")
@staff_may
def delete_attachment(course_id: int, lesson_id: int, attachment_id: int) -> Response:
    course = _course_or_404(course_id)
    item = _lesson_or_404(course, lesson_id)
    file = get_owned(LessonAttachment, current_tenant, attachment_id)
    if file is None or file.lesson_id != item.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    name = file.name
    service.delete_attachment(current_tenant, file)
    db.session.commit()
    flash(f"Removed “{name}”.")
    return redirect(url_for("admin_courses.lesson", course_id=course.id, lesson_id=item.id), 303)


# --- progress --------------------------------------------------------------------------------


@bp.get("/<int:course_id>/progress")
@staff_may
def learners(course_id: int) -> str:
    course = _course_or_404(course_id)
    page = paginate(progress.learners_query(current_tenant, course.id), page_number(request.args))
    return render_template(
        "admin/courses/progress.html",
        course=course,
        page=page,
        total=service.lesson_count(current_tenant, course),
    )
