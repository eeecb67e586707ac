"""A sign-up for an address the firm already knows (duplicates off) takes as long as one for a
new address: both hash a password and a code and queue one email, so timing tells nobody who
is a client (SECURITY.md A1, no account enumeration)."""

from __future__ import annotations

import statistics
import time

import pytest

from portal.clients.models import Contact
from portal.core.extensions import db
from tenants.models import Tenant
from tenants.resolution import forget_tenants
from tests.fixtures.people import tenant_host
from tests.fixtures.tenants import csrf_from

PASSWORD = "violet summit canoe 27"
RUNS = 15
KNOWN = "known@client.example"


@pytest.mark.slow
def test_sign_up_for_a_known_address_takes_as_long_as_for_a_new_one(redis_app, tenant):
    # Real Redis: the email is queued for a worker, as in production, so no SMTP delivery runs
    # inside the measured request.
    row = db.session.get(Tenant, tenant.id)
    row.signup_mode = "open"
    db.session.add(Contact(tenant_id=tenant.id, email=KNOWN, name="Known Client"))
    db.session.commit()
    forget_tenants()
    redis_app.config["RATELIMIT_ENABLED"] = False  # 2 x 15 sign-ups from one IP
    visitor = redis_app.test_client(host=tenant_host(tenant))  # type: ignore[call-arg]
    token = csrf_from(visitor.get("/sign-up").get_data(as_text=True))

    def sign_up(email: str) -> float:
        data = {"name": "Sam Lee", "email": email, "password": PASSWORD, "confirm": PASSWORD}
        started = time.perf_counter()
        response = visitor.post("/sign-up", data={"csrf_token": token, **data})
        took = time.perf_counter() - started
        assert response.status_code == 302
        assert response.headers["Location"] == "/sign-up/verify"
        return took

    for warm_up in range(3):
        sign_up(KNOWN)
        sign_up(f"warm{warm_up}@client.example")
    known, new = [], []
    for run in range(RUNS):  # interleaved, so a busy moment of the machine hits both
        known.append(sign_up(KNOWN))
        new.append(sign_up(f"new{run}@client.example"))

    known_median, new_median = statistics.median(known), statistics.median(new)
    slower, faster = max(known_median, new_median), min(known_median, new_median)
    assert slower <= faster * 1.3, (
        f"known address: median {known_median * 1000:.0f} ms, "
        f"new address: median {new_median * 1000:.0f} ms"
    )
    assert db.session.query(Contact).filter_by(email=KNOWN).count() == 1, "nothing created"
