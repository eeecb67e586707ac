"""Settings > Domains and Email domain: every DNS record field has a label a screen reader reads
(WCAG 1.3.1 / 4.1.2): the copyable name and value inputs are not anonymous boxes."""

from __future__ import annotations

import re

from tests.domains.conftest import HOST

PAGE = "/admin/settings/domains/"
INPUT_ID = re.compile(r'<input id="([^"]+)" readonly')


def test_every_dns_record_input_has_a_label(app, firm):  # type: ignore[no-untyped-def]
    app.config["WEB_DOMAIN_GRACE_SECONDS"] = 600
    assert firm.submit(PAGE, {"host": HOST}).status_code == 302
    page = firm.get(PAGE).get_data(as_text=True)
    ids = INPUT_ID.findall(page)
    assert len(ids) >= 2, "the pending domain shows its records"
    for input_id in ids:
        assert re.search(rf'<label for="{re.escape(input_id)}"[^>]*>[^<]*record (name|value)', page)
