"""Clients see the published courses open to them, open lessons, complete them and resume."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from portal.core.extensions import db
from portal.courses import service
from portal.courses.models import Lesson
from portal.modules.service import forget_module_cache, override_row


def lesson_ids(course_id: int) -> list[int]:
    query = select(Lesson.id).where(Lesson.course_id == course_id).order_by(Lesson.position)
    return list(db.session.scalars(query))


def test_client_takes_a_course_and_resumes_where_they_left_off(
    tenant: Any, client: Any, make_course: Any
) -> None:
    course = make_course(tenant, sections={"Basics": ["Receipts", "Invoices", "Taxes"]})
    first, second, third = lesson_ids(course.id)

    page = client.get("/courses/").get_data(as_text=True)
    assert "Bookkeeping basics" in page
    assert "0 of 3 lessons completed" in page
    assert 'value="0"' in page and "<progress" in page
    assert f"/courses/{course.id}/resume" in page and "Start" in page

    resume = client.get(f"/courses/{course.id}/resume")
    assert resume.status_code == 302 and resume.location.endswith(f"/lessons/{first}")

    lesson = client.get(f"/courses/{course.id}/lessons/{first}")
    html = lesson.get_data(as_text=True)
    assert lesson.status_code == 200
    assert "Receipts" in html and "Read this first." in html and "Lesson 1 of 3" in html
    assert "Next: Invoices" in html

    done = client.submit(
        f"/courses/{course.id}/lessons/{first}",
        {"done": "1"},
        action=f"/courses/{course.id}/lessons/{first}/complete",
    )
    assert done.status_code == 303 and done.location.endswith(f"/lessons/{second}")

    page = client.get("/courses/").get_data(as_text=True)
    assert "1 of 3 lessons completed" in page and 'value="33"' in page and "Resume" in page
    course_page = client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert "Resume: Invoices" in course_page
    assert client.get(f"/courses/{course.id}/resume").location.endswith(f"/lessons/{second}")

    for lesson_id in (second, third):
        client.submit(
            f"/courses/{course.id}/lessons/{lesson_id}",
            {"done": "1"},
            action=f"/courses/{course.id}/lessons/{lesson_id}/complete",
        )
    page = client.get("/courses/").get_data(as_text=True)
    assert "3 of 3 lessons completed" in page and 'value="100"' in page and "Completed" in page


def test_a_draft_course_is_invisible(tenant: Any, client: Any, make_course: Any) -> None:
    course = make_course(tenant, "Secret draft", publish=False)
    lesson = lesson_ids(course.id)[0]
    assert "Secret draft" not in client.get("/courses/").get_data(as_text=True)
    assert client.get(f"/courses/{course.id}").status_code == 404
    assert client.get(f"/courses/{course.id}/lessons/{lesson}").status_code == 404


def test_unpublishing_hides_the_course_again(
    tenant: Any, snap: Any, client: Any, make_course: Any
) -> None:
    course = make_course(tenant)
    assert client.get(f"/courses/{course.id}").status_code == 200
    service.unpublish(snap, course)
    db.session.commit()
    assert client.get(f"/courses/{course.id}").status_code == 404


def test_video_is_a_privacy_friendly_player_allowed_by_the_page_policy(
    tenant: Any, snap: Any, client: Any, make_course: Any
) -> None:
    course = make_course(tenant)
    lesson = db.session.get(Lesson, lesson_ids(course.id)[0])
    service.update_lesson(
        snap, lesson, lesson.title, lesson.body, "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    )
    db.session.commit()
    response = client.get(f"/courses/{course.id}/lessons/{lesson.id}")
    html = response.get_data(as_text=True)
    assert 'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?rel=0"' in html
    assert re.search(r'<iframe[^>]+title="Video: Receipts \(YouTube\)"', html)
    assert (
        "frame-src https://www.youtube-nocookie.com" in response.headers["Content-Security-Policy"]
    )
    plain = client.get(f"/courses/{course.id}/lessons/{lesson_ids(course.id)[1]}")
    assert "frame-src" not in plain.headers["Content-Security-Policy"]


def test_switched_off_module_answers_404(tenant: Any, client: Any, make_course: Any) -> None:
    course = make_course(tenant)
    assert client.get("/courses/").status_code == 200
    override_row(tenant.id, "courses").enabled = False
    db.session.commit()
    forget_module_cache()
    assert client.get("/courses/").status_code == 404
    assert client.get(f"/courses/{course.id}").status_code == 404
    assert 'href="/courses/"' not in client.get("/").get_data(as_text=True)


def test_progress_bar_is_labelled_for_screen_readers(
    tenant: Any, client: Any, make_course: Any
) -> None:
    course = make_course(tenant)
    html = client.get("/courses/").get_data(as_text=True)
    label = re.search(rf'<label for="course-progress-{course.id}">([^<]+)</label>', html)
    assert label and label.group(1) == "0 of 2 lessons completed"
    assert f'<progress id="course-progress-{course.id}" max="100" value="0">' in html
