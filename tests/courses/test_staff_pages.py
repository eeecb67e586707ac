"""Staff write a course through the dashboard, publish it, and clients take it."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from portal.core.extensions import db
from portal.courses.models import Course, CourseSection, Lesson
from portal.notifications.models import Notification


def only(model: Any) -> Any:
    rows = list(db.session.scalars(select(model)))
    assert len(rows) == 1, rows
    return rows[0]


def build_course(firm: Any, title: str = "Year-end checklist") -> Course:
    created = firm.submit("/admin/courses/new", {"title": title, "summary": "All you need."})
    assert created.status_code == 303, created.get_data(as_text=True)
    course = db.session.scalars(select(Course).where(Course.title == title)).one()
    editor = f"/admin/courses/{course.id}"
    assert (
        firm.submit(
            editor, {"section-title": "Getting ready"}, action=f"{editor}/sections"
        ).status_code
        == 303
    )
    section = db.session.scalars(
        select(CourseSection).where(CourseSection.course_id == course.id)
    ).one()
    added = firm.submit(
        editor,
        {f"l{section.id}-title": "Gather receipts"},
        action=f"{editor}/sections/{section.id}/lessons",
    )
    assert added.status_code == 303
    lesson = db.session.scalars(select(Lesson).where(Lesson.course_id == course.id)).one()
    saved = firm.submit(
        f"{editor}/lessons/{lesson.id}",
        {
            "title": "Gather receipts",
            "section_id": str(section.id),
            "body": "## Why\n\nKeep **every** receipt. See [the guide](https://irs.example/guide).",
            "video_url": "https://youtu.be/dQw4w9WgXcQ",
            "action": "save",
        },
    )
    assert saved.status_code == 303, saved.get_data(as_text=True)
    return course


def test_staff_create_publish_and_a_client_completes_it(
    firm: Any, tenant: Any, client: Any, contact: Any
) -> None:
    course = build_course(firm)
    listing = firm.get("/admin/courses/").get_data(as_text=True)
    assert "Year-end checklist" in listing and "Draft" in listing
    assert "Year-end checklist" not in client.get("/courses/").get_data(as_text=True)

    published = firm.submit(
        f"/admin/courses/{course.id}", {}, action=f"/admin/courses/{course.id}/publish"
    )
    assert published.status_code == 303
    assert "1 client told" in firm.get(published.location).get_data(as_text=True)
    notice = only(Notification)
    assert notice.kind == "course.published" and notice.recipient_id == contact.id
    assert notice.path == f"/courses/{course.id}"

    page = client.get("/courses/").get_data(as_text=True)
    assert "Year-end checklist" in page and "0 of 1 lessons completed" in page
    lesson = only(Lesson)
    html = client.get(f"/courses/{course.id}/lessons/{lesson.id}").get_data(as_text=True)
    assert "<h2>Why</h2>" in html and "<strong>every</strong>" in html
    assert '<a href="https://irs.example/guide" rel="noopener noreferrer nofollow">' in html
    assert "youtube-nocookie.com/embed/dQw4w9WgXcQ" in html
    done = client.submit(
        f"/courses/{course.id}/lessons/{lesson.id}",
        {"done": "1"},
        action=f"/courses/{course.id}/lessons/{lesson.id}/complete",
    )
    assert done.status_code == 303
    assert "You have completed every lesson" in client.get(done.location).get_data(as_text=True)
    assert 'value="100"' in client.get("/courses/").get_data(as_text=True)

    progress = firm.get(f"/admin/courses/{course.id}/progress").get_data(as_text=True)
    assert contact.email in progress and "1 of 1" in progress and "Completed" in progress

    again = firm.submit(
        f"/admin/courses/{course.id}", {}, action=f"/admin/courses/{course.id}/publish"
    )
    assert again.status_code == 303 and len(list(db.session.scalars(select(Notification)))) == 1


def test_publishing_an_empty_course_is_refused_on_the_page(firm: Any) -> None:
    firm.submit("/admin/courses/new", {"title": "Empty"})
    course = only(Course)
    refused = firm.submit(
        f"/admin/courses/{course.id}", {}, action=f"/admin/courses/{course.id}/publish"
    )
    assert refused.status_code == 422
    assert "Add at least one lesson before publishing the course." in refused.get_data(as_text=True)
    assert not db.session.get(Course, course.id).is_published


def test_course_form_errors_keep_what_was_typed(firm: Any) -> None:
    empty = firm.submit("/admin/courses/new", {"title": "  ", "summary": "kept summary"})
    html = empty.get_data(as_text=True)
    assert empty.status_code == 422 and "Enter a title." in html and "kept summary" in html
    long = firm.submit("/admin/courses/new", {"title": "x" * 250})
    assert long.status_code == 422 and "at most 200 characters" in long.get_data(as_text=True)


def test_a_video_from_another_host_is_refused_with_a_field_error(firm: Any) -> None:
    course = build_course(firm)
    lesson = only(Lesson)
    section = only(CourseSection)
    for bad in (
        "https://evil.example/watch?v=dQw4w9WgXcQ",
        "javascript:alert(1)",
        "https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com/watch?v=short",
    ):
        refused = firm.submit(
            f"/admin/courses/{course.id}/lessons/{lesson.id}",
            {
                "title": "Gather receipts",
                "section_id": str(section.id),
                "body": "typed text",
                "video_url": bad,
                "action": "save",
            },
        )
        html = refused.get_data(as_text=True)
        assert refused.status_code == 422
        assert "Videos can come from YouTube, Vimeo, Loom or Wistia." in html
        assert "typed text" in html
    assert db.session.get(Lesson, lesson.id).video_url == "https://youtu.be/dQw4w9WgXcQ"


def test_markdown_preview_shows_sanitised_html_without_saving(firm: Any) -> None:
    course = build_course(firm)
    lesson, section = only(Lesson), only(CourseSection)
    preview = firm.submit(
        f"/admin/courses/{course.id}/lessons/{lesson.id}",
        {
            "title": "Changed",
            "section_id": str(section.id),
            "body": "# Big\n<script>alert(1)</script>",
            "video_url": "",
            "action": "preview",
        },
    )
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "<h1>Big</h1>" in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert db.session.get(Lesson, lesson.id).title == "Gather receipts"


def test_sections_and_lessons_reorder_and_delete(firm: Any, tenant: Any, client: Any) -> None:
    course = build_course(firm)
    editor = f"/admin/courses/{course.id}"
    firm.submit(editor, {"section-title": "Filing"}, action=f"{editor}/sections")
    first, second = db.session.scalars(select(CourseSection).order_by(CourseSection.position)).all()
    firm.submit(
        editor,
        {f"l{first.id}-title": "Second lesson"},
        action=f"{editor}/sections/{first.id}/lessons",
    )
    moved = firm.submit(editor, {"direction": "up"}, action=f"{editor}/sections/{second.id}/move")
    assert moved.status_code == 303
    html = firm.get(editor).get_data(as_text=True)
    assert html.index("1. Filing") < html.index("2. Getting ready")
    lessons = db.session.scalars(
        select(Lesson).where(Lesson.section_id == first.id).order_by(Lesson.position)
    ).all()
    assert [lesson.title for lesson in lessons] == ["Gather receipts", "Second lesson"]
    firm.submit(editor, {"direction": "up"}, action=f"{editor}/lessons/{lessons[1].id}/move")
    db.session.expire_all()
    lessons = db.session.scalars(
        select(Lesson).where(Lesson.section_id == first.id).order_by(Lesson.position)
    ).all()
    assert [lesson.title for lesson in lessons] == ["Second lesson", "Gather receipts"]

    unconfirmed = firm.submit(editor, {}, action=f"{editor}/sections/{first.id}/delete")
    assert unconfirmed.status_code == 303 and db.session.get(CourseSection, first.id) is not None
    firm.submit(editor, {"confirm": "1"}, action=f"{editor}/sections/{first.id}/delete")
    db.session.expire_all()
    assert db.session.get(CourseSection, first.id) is None
    assert db.session.scalars(select(Lesson)).all() == []
    renamed = firm.submit(
        editor, {f"s{second.id}-title": "Filing day"}, action=f"{editor}/sections/{second.id}"
    )
    assert renamed.status_code == 303
    assert "Filing day" in firm.get(editor).get_data(as_text=True)
    gone = firm.submit(editor, {"confirm": "1"}, action=f"{editor}/delete")
    assert gone.status_code == 303 and db.session.scalars(select(Course)).all() == []


def test_a_member_may_manage_courses(
    firm: Any, make_staff: Any, tenant: Any, client_for: Any
) -> None:
    from tests.fixtures.people import sign_in_staff, tenant_host

    member = client_for(tenant_host(tenant))
    sign_in_staff(member, make_staff(tenant, "member@acme.example", role="member").email)
    assert member.get("/admin/courses/").status_code == 200
    assert re.search(r'href="/admin/courses/"', member.get("/admin/").get_data(as_text=True))
