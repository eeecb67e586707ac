"""Module list pages not covered by their area's own query-count test run the same number of
SQL statements at 10 rows as at 100 (no N+1), and show a page of rows, not the whole table.

Rows are inserted directly (the flows that create them are tested elsewhere). Each page is
loaded once to warm the caches, then counted. A paginated list of 100 rows shows its first page
and a "Next" link; a list bounded by design (the firm's own settings, a capped file choice) shows
every row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest

from portal.auth.api_tokens import ApiToken
from portal.billing.models import Matter
from portal.clients.models import ClientAccount, Contact
from portal.community.models import Group, Membership
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.core.pagination import PER_PAGE
from portal.courses.models import Course, CourseSection, Lesson
from portal.files.models import ClientFile
from portal.messaging.models import RequestType, Service
from portal.modules.models import ModuleLink
from portal.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.fixtures.people import add_client_login, sign_in_client, tenant_host
from tests.fixtures.queries import counting
from tests.fixtures.tenants import OPERATOR_PASSWORD, PLATFORM_DOMAIN

SIZES = (10, 100)


@dataclass
class World:
    tenant_id: int
    account_id: int
    endpoint_id: int
    course_id: int
    section_id: int
    group_id: int


def _trashed(world: World, start: int, stop: int) -> None:
    """Files in the trash, the highest number deleted last (the trash shows newest first)."""
    base = utcnow() - timedelta(days=1)
    db.session.add_all(
        ClientFile(
            tenant_id=world.tenant_id,
            account_id=world.account_id,
            name=f"Trashed {n:04d}.txt",
            size=10,
            content_type="text/plain",
            storage_key=f"tenants/{world.tenant_id}/files/t{n}",
            sha256="0" * 64,
            uploaded_by_kind="client",
            uploaded_by_name="Carol Birch",
            deleted_at=base + timedelta(seconds=n),
        )
        for n in range(start, stop)
    )


def _accounts(world: World, start: int, stop: int) -> None:
    db.session.add_all(
        ClientAccount(tenant_id=world.tenant_id, name=f"Account {n:04d}", kind="company")
        for n in range(start, stop)
    )


def _endpoints(world: World, start: int, stop: int) -> None:
    db.session.add_all(
        WebhookEndpoint(
            tenant_id=world.tenant_id,
            url=f"https://hooks.example/endpoint-{n:04d}",
            secret="whsec_test",
            events="message.created",
        )
        for n in range(start, stop)
    )


def _deliveries(world: World, start: int, stop: int) -> None:
    db.session.add_all(
        WebhookDelivery(
            tenant_id=world.tenant_id,
            endpoint_id=world.endpoint_id,
            message_id=f"msg_{n:04d}",
            event_type=f"event.{n:04d}",
            payload="{}",
            status="delivered",
            attempts=1,
            response_code=200,
            response_ms=12,
        )
        for n in range(start, stop)
    )


def _tokens(firm: bool) -> Callable[[World, int, int], None]:
    """The firm's API tokens, or the operator's (no tenant)."""

    def add(world: World, start: int, stop: int) -> None:
        prefix = "firm" if firm else "ops"
        db.session.add_all(
            ApiToken(
                tenant_id=world.tenant_id if firm else None,
                name=f"Token {n:04d}",
                token_hash=f"{prefix}{n:060d}",
                hint=f"{n:04d}",
                scopes="read",
            )
            for n in range(start, stop)
        )

    return add


def _matters(world: World, start: int, stop: int) -> None:
    db.session.add_all(
        Matter(tenant_id=world.tenant_id, account_id=world.account_id, name=f"Matter {n:04d}")
        for n in range(start, stop)
    )


def _settings(world: World, start: int, stop: int) -> None:
    """Request types and services: the firm's own choices, listed whole."""
    for n in range(start, stop):
        db.session.add_all(
            [
                RequestType(tenant_id=world.tenant_id, name=f"Type {n:04d}"),
                Service(tenant_id=world.tenant_id, name=f"Service {n:04d}"),
            ]
        )


def _lessons(world: World, start: int, stop: int) -> None:
    db.session.add_all(
        Lesson(
            tenant_id=world.tenant_id,
            course_id=world.course_id,
            section_id=world.section_id,
            title=f"Lesson {n:04d}",
            position=n,
        )
        for n in range(start, stop)
    )


def _files(world: World, start: int, stop: int) -> None:
    db.session.add_all(
        ClientFile(
            tenant_id=world.tenant_id,
            account_id=world.account_id,
            name=f"Shared {n:04d}.pdf",
            size=10,
            content_type="application/pdf",
            storage_key=f"tenants/{world.tenant_id}/files/s{n}",
            sha256="0" * 64,
            uploaded_by_kind="staff",
        )
        for n in range(start, stop)
    )


def _members(world: World, start: int, stop: int) -> None:
    """Members of the group, the highest number joined last (the list shows newest first)."""
    base = utcnow() - timedelta(days=1)
    people = [
        Contact(tenant_id=world.tenant_id, email=f"member{n:04d}@clients.example")
        for n in range(start, stop)
    ]
    db.session.add_all(people)
    db.session.flush()
    db.session.add_all(
        Membership(
            tenant_id=world.tenant_id,
            group_id=world.group_id,
            contact_id=person.id,
            joined_at=base + timedelta(seconds=n),
        )
        for n, person in zip(range(start, stop), people, strict=True)
    )


def _links(world: World, start: int, stop: int) -> None:
    db.session.add_all(
        ModuleLink(
            tenant_id=world.tenant_id,
            title=f"Link {n:04d}",
            url=f"https://links.example/{n}",
            position=n,
        )
        for n in range(start, stop)
    )


@dataclass(frozen=True)
class ListPage:
    who: str  # "client", "firm" or "operator"
    path: str  # formatted with the World's fields
    add: Callable[[World, int, int], None]
    label: str  # the text of row n is label.format(n)
    first: str  # "newest": page 1 shows the highest numbers; "oldest": the lowest
    paginated: bool = True
    ahead: int = 0  # rows of the fixture listed before the inserted ones


PAGES = {
    "client trash": ListPage("client", "/files/trash", _trashed, "Trashed {:04d}.txt", "newest"),
    "staff trash": ListPage(
        "firm", "/admin/files/{account_id}/trash", _trashed, "Trashed {:04d}.txt", "newest"
    ),
    "staff file accounts": ListPage("firm", "/admin/files/", _accounts, "Account {:04d}", "oldest"),
    "webhook endpoints": ListPage(
        "firm", "/admin/settings/webhooks/", _endpoints, "endpoint-{:04d}", "oldest", ahead=1
    ),
    "webhook deliveries": ListPage(
        "firm", "/admin/settings/webhooks/{endpoint_id}", _deliveries, "event.{:04d}", "newest"
    ),
    "group members": ListPage(
        "firm",
        "/admin/community/{group_id}/members",
        _members,
        "member{:04d}@clients.example",
        "newest",
    ),
    "account matters": ListPage(
        "firm", "/admin/invoices/accounts/{account_id}/matters", _matters, "Matter {:04d}", "oldest"
    ),
    "firm api tokens": ListPage(
        "firm", "/admin/settings/api-tokens/", _tokens(firm=True), "Token {:04d}", "newest"
    ),
    "operator api tokens": ListPage(
        "operator", "/operator/api-tokens/", _tokens(firm=False), "Token {:04d}", "newest"
    ),
    # Bounded by design: the newest 200 files to choose from; the firm's own settings
    # (links in its navigation, request types, services); a course's outline.
    "share a file": ListPage(
        "firm",
        "/admin/documents/accounts/{account_id}/share-file",
        _files,
        "Shared {:04d}.pdf",
        "newest",
        False,
    ),
    "request settings": ListPage(
        "firm", "/admin/requests/settings", _settings, "Service {:04d}", "oldest", False
    ),
    "client services": ListPage(
        "client", "/requests/services", _settings, "Service {:04d}", "oldest", False
    ),
    "client course outline": ListPage(
        "client", "/courses/{course_id}", _lessons, "Lesson {:04d}", "oldest", False
    ),
    "staff course outline": ListPage(
        "firm", "/admin/courses/{course_id}", _lessons, "Lesson {:04d}", "oldest", False
    ),
    "links": ListPage("client", "/links/", _links, "Link {:04d}", "oldest", False),
}


@pytest.fixture
def browsers(app, tenant, firm, client_for, make_operator):  # type: ignore[no-untyped-def]
    """The firm's owner, a client of one account and the platform operator, signed in."""
    account = ClientAccount(tenant_id=tenant.id, name="Birch Household", kind="household")
    db.session.add(account)
    db.session.flush()
    endpoint = WebhookEndpoint(
        tenant_id=tenant.id, url="https://hooks.example/main", secret="whsec_t", events=""
    )
    course = Course(
        tenant_id=tenant.id, title="Bookkeeping", status="published", published_at=utcnow()
    )
    group = Group(tenant_id=tenant.id, name="Neighbours")
    db.session.add_all([endpoint, course, group])
    db.session.flush()
    section = CourseSection(tenant_id=tenant.id, course_id=course.id, title="Basics")
    db.session.add(section)
    db.session.commit()
    add_client_login(tenant.id, account.id)
    client = sign_in_client(client_for(tenant_host(tenant)), "carol@birch.example")
    make_operator()
    operator = client_for(PLATFORM_DOMAIN)
    response = operator.submit(
        "/operator/sign-in", {"email": "ops@foyer.example", "password": OPERATOR_PASSWORD}
    )
    assert response.status_code == 302
    world = World(tenant.id, account.id, endpoint.id, course.id, section.id, group.id)
    return world, {"client": client, "firm": firm, "operator": operator}


@pytest.mark.slow  # 100 rows inserted, each page counted twice
@pytest.mark.parametrize("name", list(PAGES))
def test_list_page_query_count_does_not_grow(browsers, name: str) -> None:  # type: ignore[no-untyped-def]
    world, people = browsers
    spec = PAGES[name]
    browser = people[spec.who]
    path = spec.path.format(**vars(world))
    counts: dict[int, int] = {}
    made = 0
    for size in SIZES:
        spec.add(world, made, size)
        db.session.commit()
        made = size
        assert browser.get(path).status_code == 200  # warm the caches
        db.session.expire_all()
        with counting() as statements:
            response = browser.get(path)
        assert response.status_code == 200
        counts[size] = len(statements)
        html = response.get_data(as_text=True)
        shown = [n for n in range(size) if spec.label.format(n) in html]
        if size < PER_PAGE or not spec.paginated:
            assert shown == list(range(size)), f"{name}: rows shown {shown}"
        else:
            first = (
                range(size - PER_PAGE, size)
                if spec.first == "newest"
                else range(PER_PAGE - spec.ahead)
            )
            assert shown == list(first), f"{name}: page 1 shows {shown}"
            assert 'rel="next"' in html, f"{name}: no link to the next page"
    assert counts[10] == counts[100], f"{name}: statements per request by rows: {counts}"
