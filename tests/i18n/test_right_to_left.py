"""Right-to-left layout with a pseudo-locale: no honest Arabic or Hebrew catalogue ships, so the
test makes a tiny Arabic one (each string written backwards between right-to-left marks) and
offers Arabic for the duration of the test. The page must say `<html lang="ar" dir="rtl">` and
show the pseudo-translated strings; the other languages stay left to right."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from portal.core import i18n
from tenants.resolution import snapshot_by_id
from tests.i18n.test_languages import _firm_languages, _home, _signed_in_client

PSEUDO = ("Waiting for you", "Make a request", "Sign out")


def pseudo(text: str) -> str:
    return "\u200f" + text[::-1] + "\u200f"


@pytest.fixture
def app_config(app_config: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    catalog = Catalog(locale="ar")
    for text in PSEUDO:
        catalog.add(text, pseudo(text))
    folder = tmp_path / "pseudo" / "ar" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with open(folder / "messages.mo", "wb") as mo:
        write_mo(mo, catalog)
    directories = f"{i18n.TRANSLATIONS};{tmp_path / 'pseudo'}"
    return {**app_config, "BABEL_TRANSLATION_DIRECTORIES": directories}


def test_a_right_to_left_language_turns_the_page(
    monkeypatch, firm, tenant, smtp, create_client, accept_invitation
):
    client = _signed_in_client(create_client, accept_invitation, smtp)
    monkeypatch.setitem(i18n.SUPPORTED, "ar", "العربية")
    _firm_languages(tenant, "en", "en,de,ar")
    assert snapshot_by_id(tenant.id).offered_languages == ("en", "de", "ar")

    page = _home(client, "ar")
    assert '<html lang="ar" dir="rtl">' in page
    assert pseudo("Waiting for you") in page and "Waiting for you" not in page
    german = _home(client, "de")
    assert '<html lang="de" dir="ltr">' in german and "Wartet auf Sie" in german
