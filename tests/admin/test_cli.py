"""The operator's command line: `foyer operators …`, `foyer tenants …`, `foyer worker`."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from portal.auth.models import Operator, StaffMember
from portal.core.extensions import db
from portal.mail.models import OutboxMessage
from tenants.models import Tenant
from tests.fixtures.services import ROOT, worker_env
from tests.fixtures.smtp import html_of, text_of
from tests.fixtures.tenants import OPERATOR_PASSWORD

INVITATION_LINK = re.compile(r"https://acme\.foyer\.example/admin/invitation/[A-Za-z0-9_-]{20,}")


@pytest.fixture
def foyer(app):  # type: ignore[no-untyped-def]
    """Run `foyer ARGS…` against the test app; returns click's result."""
    runner = app.test_cli_runner()

    def run(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
        return runner.invoke(args=list(args), input=input)

    return run


def count(model) -> int:  # type: ignore[no-untyped-def]
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def sign_in_operator(platform, email: str, password: str):  # type: ignore[no-untyped-def]
    return platform.submit("/operator/sign-in", {"email": email, "password": password})


# operators create ---------------------------------------------------------------------------


def test_operators_create_makes_an_operator_who_can_sign_in(foyer, platform):
    result = foyer("operators", "create", "Ops@Foyer.Example", "--password", OPERATOR_PASSWORD)
    assert result.exit_code == 0, result.output
    assert "Operator ops@foyer.example created." in result.output
    assert sign_in_operator(platform, "ops@foyer.example", OPERATOR_PASSWORD).status_code == 302
    assert platform.get("/operator/").status_code == 200


def test_operators_create_prompts_for_the_password_twice(foyer, platform):
    typed = f"{OPERATOR_PASSWORD}\n{OPERATOR_PASSWORD}\n"
    result = foyer("operators", "create", "ops@foyer.example", input=typed)
    assert result.exit_code == 0, result.output
    assert "Repeat for confirmation" in result.output
    assert OPERATOR_PASSWORD not in result.output  # hidden input
    assert sign_in_operator(platform, "ops@foyer.example", OPERATOR_PASSWORD).status_code == 302


def test_operators_create_refuses_bad_input_with_a_clear_message(foyer):
    for email, password, message in (
        ("not-an-email", OPERATOR_PASSWORD, "That email address is not valid"),
        ("ops@", OPERATOR_PASSWORD, "That email address is not valid"),
        ("ops@foyer.example", "password123!", "This password is too common"),
        ("ops@foyer.example", "Sunshine2020", "This password is too common"),
        ("ops@foyer.example", "short", "Use at least 10 characters."),
    ):
        result = foyer("operators", "create", email, "--password", password)
        assert result.exit_code == 1, (email, password)
        assert f"Error: {message}" in result.output, result.output
        assert "Traceback" not in result.output
    assert count(Operator) == 0


def test_operators_create_refuses_a_duplicate(foyer):
    first = foyer("operators", "create", "ops@foyer.example", "--password", OPERATOR_PASSWORD)
    assert first.exit_code == 0, first.output
    result = foyer("operators", "create", "OPS@foyer.example", "--password", OPERATOR_PASSWORD)
    assert result.exit_code == 1
    assert "An operator with the email ops@foyer.example already exists." in result.output
    assert count(Operator) == 1


# tenants create / list / suspend / resume ---------------------------------------------------


def test_tenants_create_invites_the_owner_by_email(foyer, smtp, client_for):
    result = foyer(
        "tenants",
        "create",
        "acme",
        "--name",
        "Acme Accounting",
        "--owner-email",
        "owner@acme.example",
    )
    assert result.exit_code == 0, result.output
    assert "Tenant acme created at https://acme.foyer.example/" in result.output
    assert "Owner invitation sent to owner@acme.example." in result.output

    (message,) = smtp.wait_for(1, to="owner@acme.example")
    assert message["From"].addresses[0].display_name == "Acme Accounting"
    link = INVITATION_LINK.search(text_of(message))
    assert link, text_of(message)
    assert link.group(0) in html_of(message)
    path = link.group(0).removeprefix("https://acme.foyer.example")
    page = client_for("acme.foyer.example").get(path)
    assert page.status_code == 200
    assert "owner@acme.example" in page.get_data(as_text=True)


BAD_SLUGS = (
    ("admin", "'admin' is reserved by the platform; choose another slug."),
    ("www", "'www' is reserved by the platform; choose another slug."),
    ("ADMIN", "'admin' is reserved by the platform; choose another slug."),
    ("operator", "'operator' is reserved by the platform; choose another slug."),
    ("ab", "The slug must be 3 to 32 characters"),
    ("x" * 33, "The slug must be 3 to 32 characters"),
    ("acme_co", "lower-case letters, digits and hyphens"),
    ("acme.co", "lower-case letters, digits and hyphens"),
    ("-acme", "starting and ending with a letter or digit"),
    ("acme-", "starting and ending with a letter or digit"),
    ("acmé", "lower-case letters, digits and hyphens"),
    ("acme--co", "The slug cannot contain two hyphens in a row."),
)


def test_tenants_create_refuses_bad_slugs_with_clear_messages(foyer, smtp):
    options = ("--name", "Acme", "--owner-email", "o@acme.example")
    for slug, message in BAD_SLUGS:
        result = foyer("tenants", "create", *options, "--", slug)  # `--`: "-acme" is no option
        assert result.exit_code == 1, slug
        assert message in result.output, result.output
        assert "Traceback" not in result.output
    assert count(Tenant) == 0
    assert count(StaffMember) == 0
    assert count(OutboxMessage) == 0
    assert smtp.messages == []


def test_tenants_create_refuses_a_duplicate_slug_whatever_its_case(foyer, smtp):
    args = ("--name", "Acme", "--owner-email", "owner@acme.example")
    assert foyer("tenants", "create", "acme", *args).exit_code == 0
    for slug in ("acme", "ACME", " Acme "):
        result = foyer("tenants", "create", slug, "--name", "Other", "--owner-email", "o@x.example")
        assert result.exit_code == 1
        assert "A tenant with the slug 'acme' already exists." in result.output
    assert count(Tenant) == 1
    assert len(smtp.messages) == 1


def test_tenants_create_lower_cases_the_slug(foyer, client_for):
    """Host names are case-insensitive, so `Acme` and `acme` are the same address."""
    result = foyer("tenants", "create", "Acme", "--name", "Acme", "--owner-email", "o@acme.example")
    assert result.exit_code == 0, result.output
    assert "Tenant acme created at https://acme.foyer.example/" in result.output


def test_tenants_create_refuses_bad_name_or_owner_email(foyer, smtp):
    for name, email, message in (
        ("   ", "owner@acme.example", "Enter the firm's name."),
        ("A" * 121, "owner@acme.example", "The firm's name can be at most 120 characters."),
        ("Acme", "not-an-email", "That email address is not valid"),
    ):
        result = foyer("tenants", "create", "acme", "--name", name, "--owner-email", email)
        assert result.exit_code == 1, (name, email)
        assert message in result.output, result.output
    assert count(Tenant) == 0
    assert smtp.messages == []


def test_tenants_list_shows_status_and_canonical_host(foyer, make_tenant):
    make_tenant(slug="beta", name="Beta Bookkeeping", status="suspended")
    make_tenant(slug="acme", name="Acme Accounting", primary_host="portal.acme-cpa.example")
    result = foyer("tenants", "list")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "acme\tactive\tportal.acme-cpa.example\tAcme Accounting",
        "beta\tsuspended\tbeta.foyer.example\tBeta Bookkeeping",
    ]


def test_suspend_takes_the_tenant_offline_and_resume_brings_it_back(foyer, tenant, portal):
    assert portal.get("/robots.txt").status_code == 200  # resolved and cached

    result = foyer("tenants", "suspend", "acme")
    assert result.exit_code == 0, result.output
    assert "Tenant acme is now suspended." in result.output
    assert portal.get("/robots.txt").status_code == 404
    assert "acme\tsuspended\t" in foyer("tenants", "list").output

    result = foyer("tenants", "resume", "acme")
    assert result.exit_code == 0, result.output
    assert "Tenant acme is now active." in result.output
    assert portal.get("/robots.txt").status_code == 200


def test_suspend_and_resume_name_an_unknown_slug(foyer):
    for command in ("suspend", "resume"):
        result = foyer("tenants", command, "nope")
        assert result.exit_code == 1
        assert "No tenant with the slug 'nope'." in result.output


def test_worker_explains_that_embedded_mode_needs_no_worker(foyer):
    result = foyer("worker", "--burst")
    assert result.exit_code == 1
    assert "REDIS_URL is not set" in result.output


@pytest.mark.slow
def test_the_foyer_console_script_runs_the_same_commands(app, smtp):
    """The real entry point (`python -m portal.cli`, as the `foyer` script) in its own process."""
    created = subprocess.run(
        [sys.executable, "-m", "portal.cli", "tenants", "create", "acme"]
        + ["--name", "Acme Accounting", "--owner-email", "o@acme.example"],
        env=worker_env(app),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert created.returncode == 0, created.stderr
    assert "Tenant acme created at https://acme.foyer.example/" in created.stdout
    (message,) = smtp.wait_for(1, to="o@acme.example")
    assert INVITATION_LINK.search(text_of(message))
