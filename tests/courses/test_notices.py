"""Publishing a course tells its clients: an in-app notice and, after the grouping window, an
email at the real SMTP server, unless the client turned "Courses opened to you" off."""

from __future__ import annotations

import time
from typing import Any

import pytest

from portal.core.extensions import db
from portal.notifications.preferences import save_preferences
from portal.notifications.service import Recipient
from tenants.resolution import snapshot_by_id
from tests.fixtures.people import tenant_host
from tests.fixtures.smtp import text_of

WINDOW = 0.5


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "NOTIFICATION_GROUP_WINDOW": WINDOW}


def publish(firm: Any, course_id: int) -> None:
    page = f"/admin/courses/{course_id}"
    assert firm.submit(page, {}, action=f"{page}/publish").status_code == 303


def test_published_course_is_emailed_to_its_clients(
    firm: Any, tenant: Any, contact: Any, make_course: Any, smtp: Any
) -> None:
    course = make_course(tenant, "Quarterly estimates", publish=False)
    publish(firm, course.id)
    [mail] = smtp.wait_for(1, timeout=WINDOW + 10)
    assert mail["To"] == contact.email
    assert "New course: Quarterly estimates" in mail["Subject"]
    assert f"https://{tenant_host(tenant)}/courses/{course.id}" in text_of(mail)


def test_a_client_who_turned_course_notices_off_gets_no_email(
    firm: Any, tenant: Any, contact: Any, make_course: Any, smtp: Any
) -> None:
    save_preferences(
        snapshot_by_id(tenant.id), Recipient("client", contact.id), {"course.published": "off"}
    )
    db.session.commit()
    course = make_course(tenant, "Quiet course", publish=False)
    publish(firm, course.id)
    time.sleep(WINDOW + 1.5)
    assert smtp.messages == []
