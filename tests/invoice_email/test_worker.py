"""Seed 002 through real Redis and a `foyer worker` process: the PDF reaches the SMTP server."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest

from portal.billing.models import Invoice
from tests.fixtures.people import sign_in_staff, tenant_host
from tests.fixtures.services import ROOT, worker_env
from tests.fixtures.tenants import HostClient
from tests.invoice_email.conftest import pdf_of, pdf_text, send_form


@pytest.mark.slow
def test_worker_delivers_the_invoice_email_with_its_pdf(
    redis_app: Any, tenant: Any, staff: Any, smtp: Any,
    invoice: Callable[..., Invoice],
) -> None:  # fmt: skip
    browser: HostClient = redis_app.test_client(host=tenant_host(tenant))
    sign_in_staff(browser, staff.email)
    sent = invoice()
    response = send_form(browser, sent, to="a@x.example; b@y.example", cc="c@z.example")
    assert response.status_code == 302, response.get_data(as_text=True)
    assert smtp.messages == []  # queued in Redis, not delivered in-process
    env = worker_env(redis_app)  # plus the test's upload folder, where the PDF is stored
    env["FOYER_UPLOAD_FOLDER"] = redis_app.config["UPLOAD_FOLDER"]
    worker = [sys.executable, "-m", "portal.cli", "worker", "--burst"]
    done = subprocess.run(worker, env=env, cwd=ROOT, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:]
    messages = smtp.wait_for(3)
    assert len(messages) == 3
    for message in messages:
        assert message["Cc"] == "c@z.example"
        assert sent.number in pdf_text(pdf_of(message))
