"""The client's Courses: the courses open to them in the current account with a progress bar
each, a course's sections and lessons with "Resume", and a lesson with its video, downloads,
"Mark complete" and the way to the next lesson."""

from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from portal.core.extensions import db
from portal.core.http import CSP
from portal.core.pagination import page_number, paginate
from portal.core.ratelimit import enforce
from portal.courses import progress
from portal.courses.access import visible_course
from portal.courses.markdown import render_markdown
from portal.courses.models import Course, Lesson, LessonAttachment
from portal.courses.service import attachments_of, lessons_of, sections_of
from portal.courses.video import video_embed
from portal.files.downloads import download_response
from portal.web.modules.blueprints import module_blueprint
from portal.web.modules.pages import render_module_page
from portal.web.session import client_required
from tenants.context import current_tenant
from tenants.scoping import get_owned

bp = module_blueprint("courses", __name__)
PER_PAGE = 20


class CompleteForm(FlaskForm):
    """ "Mark complete" / "Mark as not complete": CSRF only, the choice is the button's value."""


def _course_or_404(course_id: int) -> Course:
    course = visible_course(current_tenant, current_user.id, g.account.id, course_id)
    return course or abort(404)


def _lesson_or_404(course: Course, lesson_id: int) -> Lesson:
    lesson = get_owned(Lesson, current_tenant, lesson_id)
    if lesson is None or lesson.course_id != course.id:
        abort(404)
    return lesson


@bp.get("/", endpoint="index")
@client_required
def index() -> str:
    query = progress.client_courses_query(current_tenant, current_user.id, g.account.id)
    page = paginate(query, page_number(request.args), PER_PAGE)
    return render_module_page(
        "courses", "portal/courses/index.html", page=page, rows=progress.course_rows(page.items)
    )


@bp.get("/<int:course_id>", endpoint="course")
@client_required
def course_page(course_id: int) -> str:
    course = _course_or_404(course_id)
    lessons = lessons_of(current_tenant, course.id)
    done = progress.progress_by_lesson(current_tenant, current_user.id, course.id)
    by_section: dict[int, list[Lesson]] = {}
    for lesson in lessons:
        by_section.setdefault(lesson.section_id, []).append(lesson)
    return render_module_page(
        "courses",
        "portal/courses/course.html",
        course=course,
        summary_html=render_markdown(course.summary),
        sections=[s for s in sections_of(current_tenant, course.id) if s.id in by_section],
        by_section=by_section,
        done=done,
        summary=progress.summary(lessons, done),
        resume=progress.resume_lesson(lessons, done),
        started=bool(done),
    )


@bp.get("/<int:course_id>/resume", endpoint="resume")
@client_required
def resume(course_id: int) -> Response:
    """The first lesson not completed yet: where the client left off."""
    course = _course_or_404(course_id)
    lessons = lessons_of(current_tenant, course.id)
    done = progress.progress_by_lesson(current_tenant, current_user.id, course.id)
    lesson = progress.resume_lesson(lessons, done)
    if lesson is None:
        return redirect(url_for("courses.course", course_id=course.id))
    return redirect(url_for("courses.lesson", course_id=course.id, lesson_id=lesson.id))


@bp.get("/<int:course_id>/lessons/<int:lesson_id>", endpoint="lesson")
@client_required
def lesson_page(course_id: int, lesson_id: int) -> ResponseReturnValue:
    course = _course_or_404(course_id)
    lesson = _lesson_or_404(course, lesson_id)
    lessons = lessons_of(current_tenant, course.id)
    done = progress.progress_by_lesson(current_tenant, current_user.id, course.id)
    index = next(i for i, item in enumerate(lessons) if item.id == lesson.id)
    completed = lesson.id in done and done[lesson.id].completed_at is not None
    if g.get("preview") is None:  # a staff preview is read-only: it opens nothing
        progress.record_opened(current_tenant, current_user.id, lesson)
        db.session.commit()
    video = video_embed(lesson.video_url) if lesson.video_url else None
    page = render_module_page(
        "courses",
        "portal/courses/lesson.html",
        course=course,
        lesson=lesson,
        body_html=render_markdown(lesson.body),
        video=video,
        attachments=attachments_of(current_tenant, lesson.id),
        previous=lessons[index - 1] if index > 0 else None,
        next=lessons[index + 1] if index + 1 < len(lessons) else None,
        position=index + 1,
        total=len(lessons),
        completed=completed,
        summary=progress.summary(lessons, done),
        form=CompleteForm(),
    )
    headers = {}
    if video is not None:  # the one player this lesson embeds, and nothing else
        headers["Content-Security-Policy"] = f"{CSP}; frame-src {video.origin}"
    return page, 200, headers


@bp.post("/<int:course_id>/lessons/<int:lesson_id>/complete", endpoint="complete")
@client_required
def complete(course_id: int, lesson_id: int) -> Response:
    course = _course_or_404(course_id)
    lesson = _lesson_or_404(course, lesson_id)
    if not CompleteForm().validate_on_submit():
        abort(400)
    enforce("120/minute", "course-progress", current_tenant.id, current_user.id)
    finished = request.form.get("done", "1") != "0"
    progress.set_completed(current_tenant, current_user.id, lesson, finished)
    db.session.commit()
    if not finished:
        flash(_("“%(title)s” is marked as not complete.", title=lesson.title))
        return redirect(url_for("courses.lesson", course_id=course.id, lesson_id=lesson.id), 303)
    lessons = lessons_of(current_tenant, course.id)
    done = progress.progress_by_lesson(current_tenant, current_user.id, course.id)
    if progress.summary(lessons, done).complete:
        flash(_("You have completed every lesson of “%(title)s”.", title=course.title))
        return redirect(url_for("courses.course", course_id=course.id), 303)
    flash(_("“%(title)s” is complete.", title=lesson.title))
    index = next(i for i, item in enumerate(lessons) if item.id == lesson.id)
    target = lessons[index + 1] if index + 1 < len(lessons) else None
    if target is None:
        return redirect(url_for("courses.course", course_id=course.id), 303)
    return redirect(url_for("courses.lesson", course_id=course.id, lesson_id=target.id), 303)


@bp.get("/<int:course_id>/lessons/<int:lesson_id>/files/<int:attachment_id>", endpoint="attachment")
@client_required
def attachment(course_id: int, lesson_id: int, attachment_id: int) -> Response:
    course = _course_or_404(course_id)
    lesson = _lesson_or_404(course, lesson_id)
    file = get_owned(LessonAttachment, current_tenant, attachment_id)
    if file is None or file.lesson_id != lesson.id:
        abort(404)
    return download_response(current_tenant, file)
