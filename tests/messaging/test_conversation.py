"""A client and the firm talk through the portal: threads, replies, unread badges, account
scoping, escaping and the live poll."""

from __future__ import annotations

from portal.audit.models import AuditEvent
from portal.core.extensions import db
from portal.messaging.models import Message, Thread
from tests.messaging.conftest import account_id, messages_badge, post_form, start_thread

UNREAD = '<span class="badge warn">Unread</span>'


def test_client_and_staff_converse(app, firm, jane) -> None:  # type: ignore[no-untyped-def]
    assert "No messages with Jones Household yet" in jane.get("/messages/").get_data(as_text=True)
    thread_id = start_thread(jane, "Tax return 2026", "Hello, do you have my P60?")

    dashboard = firm.get("/admin/").get_data(as_text=True)
    assert "data-unread-conversations>1</strong> unread conversation<" in dashboard
    inbox = firm.get("/admin/inbox/").get_data(as_text=True)
    assert "Tax return 2026" in inbox and UNREAD in inbox and "Jones Household" in inbox
    page = firm.get(f"/admin/inbox/{thread_id}").get_data(as_text=True)
    assert "Hello, do you have my P60?" in page
    assert UNREAD not in firm.get("/admin/inbox/").get_data(as_text=True)  # read now
    dashboard = firm.get("/admin/").get_data(as_text=True)
    assert "data-unread-conversations>0</strong> unread conversations<" in dashboard

    response = post_form(firm, f"/admin/inbox/{thread_id}", {"body": "Yes, it arrived.\nThanks!"})
    assert response.status_code == 303
    assert messages_badge(jane.get("/").get_data(as_text=True)) == "1"  # one unread thread
    page = jane.get(f"/messages/{thread_id}").get_data(as_text=True)
    assert "Yes, it arrived.<br>\nThanks!" in page
    assert messages_badge(jane.get("/").get_data(as_text=True)) is None


def test_empty_and_oversized_messages_are_refused_on_the_form(app, jane) -> None:  # type: ignore[no-untyped-def]
    response = post_form(jane, "/messages/new", {"subject": "Hi", "body": "   "})
    assert response.status_code == 422
    assert "Write a message." in response.get_data(as_text=True)
    response = post_form(jane, "/messages/new", {"subject": "", "body": "text"})
    assert response.status_code == 422 and "Enter a subject." in response.get_data(as_text=True)
    response = post_form(jane, "/messages/new", {"subject": "Hi", "body": "x" * 10_001})
    assert response.status_code == 422 and "too long" in response.get_data(as_text=True)
    assert db.session.query(Thread).count() == 0


def test_text_is_escaped_and_links_are_clickable(app, jane) -> None:  # type: ignore[no-untyped-def]
    body = (
        '<script>alert("x")</script> see https://example.com/a?b=1&c=2. '
        "and javascript:alert(1) and <b>bold</b>"
    )
    thread_id = start_thread(jane, "<i>Subject</i>", body)
    page = jane.get(f"/messages/{thread_id}").get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert (
        '<a href="https://example.com/a?b=1&amp;c=2" rel="noopener noreferrer nofollow" '
        'target="_blank">https://example.com/a?b=1&amp;c=2</a>.'
    ) in page
    assert 'href="javascript' not in page and "&lt;b&gt;bold&lt;/b&gt;" in page
    assert "&lt;i&gt;Subject&lt;/i&gt;" in page


def test_client_sees_only_the_current_accounts_threads(app, firm, tenant, jane) -> None:  # type: ignore[no-untyped-def]
    first = start_thread(jane, "About the household", "one")
    response = firm.submit(
        "/admin/clients/new",
        {
            "account_name": "Jones Trust",
            "kind": "company",
            "email": "jane@client.example",
            "login": "y",
            "send_invite": "y",
            "personal_message": "",
        },
    )
    assert response.status_code == 302
    trust = account_id("Jones Trust")
    switched = post_form(jane, "/", {"account_id": str(trust)}, action="/switch-account")
    assert switched.status_code in (302, 303)
    listing = jane.get("/messages/").get_data(as_text=True)
    assert "About the household" not in listing
    assert jane.get(f"/messages/{first}").status_code == 404
    assert jane.get(f"/messages/{first}/poll?after=0").status_code == 404
    second = start_thread(jane, "About the trust", "two")
    assert db.session.get(Thread, second).account_id == trust


def test_live_poll_returns_only_newer_messages(app, firm, jane) -> None:  # type: ignore[no-untyped-def]
    thread_id = start_thread(jane, "Poll me", "first")
    first = db.session.query(Message).one().id
    assert jane.get(f"/messages/{thread_id}/poll?after={first}").get_json() == {"messages": []}
    post_form(firm, f"/admin/inbox/{thread_id}", {"body": "from the firm <b>hi</b>"})
    data = jane.get(f"/messages/{thread_id}/poll?after={first}").get_json()
    [item] = data["messages"]
    assert item["id"] > first and "from the firm &lt;b&gt;hi&lt;/b&gt;" in item["html"]
    assert messages_badge(jane.get("/").get_data(as_text=True)) is None  # the poll read it
    staff_poll = firm.get(f"/admin/inbox/{thread_id}/poll?after=0").get_json()
    assert [m["id"] for m in staff_poll["messages"]] == [first, item["id"]]


def test_staff_start_a_thread_assign_and_filter(app, firm, jane, make_staff, tenant) -> None:  # type: ignore[no-untyped-def]
    colleague = make_staff(tenant, "colleague@acme.example", role="member")
    account = account_id()
    page = firm.get("/admin/inbox/new?q=jones").get_data(as_text=True)
    assert f"/admin/inbox/new?account_id={account}" in page
    response = post_form(
        firm,
        f"/admin/inbox/new?account_id={account}",
        {"subject": "Documents needed", "body": "Please send your bank statements."},
    )
    assert response.status_code == 303
    thread_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert "Please send your bank statements." in jane.get(f"/messages/{thread_id}").get_data(
        as_text=True
    )
    other = start_thread(jane, "Unrelated question", "hm")
    unread = firm.get("/admin/inbox/?unread=1").get_data(as_text=True)
    assert "Unrelated question" in unread and "Documents needed" not in unread
    post_form(
        firm,
        f"/admin/inbox/{other}",
        {"staff_id": str(colleague.id)},
        action=f"/admin/inbox/{other}/assign",
    )
    assert db.session.get(Thread, other).assigned_staff_id == colleague.id
    logged = db.session.query(AuditEvent).filter_by(event="thread.assigned").one()
    assert logged.detail == f"thread:{other} staff:{colleague.id}"
    mine = firm.get("/admin/inbox/?mine=1").get_data(as_text=True)
    assert "Unrelated question" not in mine
    suggestions = firm.get("/admin/inbox/accounts?q=jon").get_json()
    assert suggestions == {"accounts": [{"id": account, "name": "Jones Household"}]}
    by_account = firm.get(f"/admin/inbox/?account_id={account}").get_data(as_text=True)
    assert "Documents needed" in by_account and "Unrelated question" in by_account
