"""`foyer demo`: seeds a demo tenant and an operator, prints how to sign in, serves the platform."""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from portal.auth.models import Operator, StaffMember
from portal.auth.passwords import hash_password
from portal.billing.models import Invoice, InvoiceStatus
from portal.clients.models import AccountContact, Contact
from portal.community.models import Comment, Group, Post, Reaction
from portal.core.config import CONTRACT_NAMES
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.courses.models import Course, Lesson, LessonProgress
from portal.documents.demo import DEMO_CONTACT
from portal.mail.models import OutboxMessage
from portal.payments.models import Payment
from portal.referrals.models import Commission, ReferralClick, ReferralCode
from tenants.models import Tenant
from tests.fixtures.people import CLIENT_PASSWORD
from tests.fixtures.services import ROOT
from tests.fixtures.smtp import free_port
from tests.fixtures.tenants import PLATFORM_DOMAIN

CREDENTIALS = re.compile(r"sign in as (\S+) / (\S+)")
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Browser:
    """A tiny cookie-keeping HTTP client for one host of the demo server."""

    def __init__(self, port: int, host: str) -> None:
        self.port = port
        self.host = host
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        headers = {"Host": self.host}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.partition(";")[0]
        return response.status, response.headers, text

    def get(self, path: str):  # type: ignore[no-untyped-def]
        """GET, following redirects on this host."""
        for _ in range(5):
            status, headers, text = self.request("GET", path)
            if status not in (301, 302, 303) or not headers["Location"].startswith("/"):
                return status, headers, text
            path = headers["Location"]
        raise AssertionError("too many redirects")

    def sign_in(self, path: str, email: str, password: str):  # type: ignore[no-untyped-def]
        _status, _headers, page = self.get(path)
        token = CSRF.search(page)
        assert token, page[:500]
        form = {"csrf_token": token.group(1), "email": email, "password": password}
        return self.request("POST", path, form)


def demo_env(database: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("FOYER_") and key not in CONTRACT_NAMES
    }
    env.update(
        {
            "PLATFORM_DOMAIN": "localhost",
            "DATABASE_URL": f"sqlite:///{database}",
            "SECRET_KEY": "demo-test-secret",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


@pytest.fixture
def demo_server(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Start `foyer demo` on a free port; return (port, printed lines)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "portal.cli", "demo", "--port", str(port)],
        env=demo_env(tmp_path / "demo.sqlite"),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []

    def read() -> None:
        for line in process.stdout:  # type: ignore[union-attr]
            lines.append(line.rstrip("\n"))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 60
        while not any("Mailbox (dev)" in line for line in lines):
            assert process.poll() is None, "\n".join(lines)
            assert time.monotonic() < deadline, "\n".join(lines)
            time.sleep(0.1)
        while True:  # the server starts right after printing
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "\n".join(lines)
                time.sleep(0.1)
        yield port, lines
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        reader.join(timeout=5)
        process.stdout.close()  # type: ignore[union-attr]


def test_demo_serves_the_demo_tenant_and_its_printed_credentials_work(demo_server):
    port, lines = demo_server
    output = "\n".join(lines)
    assert f"http://localhost:{port}/operator/" in output
    assert f"http://demo.localhost:{port}/" in output
    (operator_email, operator_password), (staff_email, staff_password) = CREDENTIALS.findall(output)
    assert operator_email == "admin@localhost"

    status, _headers, page = Browser(port, f"demo.localhost:{port}").get("/")
    assert status == 200
    assert "Demo Accounting LLP" in page

    operator = Browser(port, f"localhost:{port}")
    status, headers, _page = operator.sign_in(
        "/operator/sign-in", operator_email, operator_password
    )
    assert status == 302 and headers["Location"] == "/operator/"
    status, _headers, console = operator.get("/operator/")
    assert status == 200
    assert "Demo Accounting LLP" in console

    staff = Browser(port, f"demo.localhost:{port}")
    status, headers, _page = staff.sign_in("/admin/sign-in", staff_email, staff_password)
    assert status == 302 and headers["Location"] == "/admin/"
    assert staff.get("/admin/")[0] == 200


def test_demo_setup_is_idempotent_and_issues_fresh_passwords(app, platform):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "--no-serve"])
    second = runner.invoke(args=["demo", "--no-serve"])
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output

    db.session.expire_all()
    assert db.session.scalars(select(Tenant.slug)).all() == ["demo"]
    assert db.session.scalar(select(func.count(Operator.id))) == 1
    assert db.session.scalar(select(func.count(StaffMember.id))) == 1
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1  # invited once

    (old_email, old_password), _ = CREDENTIALS.findall(first.output)
    (new_email, new_password), _ = CREDENTIALS.findall(second.output)
    assert old_email == new_email == "admin@foyer.example"
    assert old_password != new_password
    form = {"email": new_email}
    refused = platform.submit("/operator/sign-in", form | {"password": old_password})
    assert "Email or password is incorrect." in refused.get_data(as_text=True)
    assert (
        platform.submit("/operator/sign-in", form | {"password": new_password}).status_code == 302
    )


DEMO_ROWS = (Course, Lesson, LessonProgress, Group, Post, Comment, Reaction)
DEMO_ROWS_MORE = (ReferralCode, ReferralClick, Commission, Invoice, Payment)


def _counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model)) or 0
        for model in DEMO_ROWS + DEMO_ROWS_MORE
    }


def test_demo_client_sees_a_course_a_post_a_referral_link_and_an_unpaid_invoice(app, client_for):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "--no-serve"]).exit_code == 0
    counts = _counts()
    assert runner.invoke(args=["demo", "--no-serve"]).exit_code == 0
    db.session.expire_all()
    assert _counts() == counts  # a second run adds nothing
    assert counts["Lesson"] == 4 and counts["Post"] == 3 and counts["Invoice"] == 2

    jane = db.session.scalar(select(Contact).where(Contact.email == DEMO_CONTACT))
    assert jane is not None
    jane.password_hash = hash_password(CLIENT_PASSWORD)
    jane.activated_at = utcnow()
    for link in db.session.scalars(
        select(AccountContact).where(AccountContact.contact_id == jane.id)
    ):
        link.login_enabled = True
    db.session.commit()
    waiting = db.session.scalar(select(Invoice).where(Invoice.status == InvoiceStatus.SENT))
    assert waiting is not None and waiting.number

    client = client_for(f"demo.{PLATFORM_DOMAIN}")
    signed_in = client.submit("/sign-in", {"email": DEMO_CONTACT, "password": CLIENT_PASSWORD})
    assert signed_in.status_code == 302, signed_in.get_data(as_text=True)[:500]
    home = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert waiting.number in home  # Waiting for you lists the unpaid invoice
    courses = client.get("/courses/", follow_redirects=True).get_data(as_text=True)
    assert "Getting ready for tax season" in courses
    community = client.get("/community/", follow_redirects=True).get_data(as_text=True)
    assert "Small business owners" in community
    group = db.session.scalar(select(Group))
    assert group is not None
    feed = client.get(f"/community/{group.id}", follow_redirects=True).get_data(as_text=True)
    assert "Which app do you use for receipts?" in feed
    referrals = client.get("/referrals/", follow_redirects=True).get_data(as_text=True)
    code = db.session.scalar(select(ReferralCode.code))
    assert code and code in referrals
