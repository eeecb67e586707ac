"""Every client-facing string is translated in every catalogue, and what ships is compiled from
it. A failure names the strings; `scripts/translations` extracts and merges them, then
translate them in the .po files and run `scripts/translations compile`."""

from __future__ import annotations

import pytest

from tests.i18n.catalogues import (
    LANGUAGES,
    catalogue,
    compiled,
    extracted,
    flat,
    placeholders,
    translated,
)


def test_extraction_finds_the_client_side() -> None:
    strings = extracted()
    # one string from each source: a page, an email, a form label, a module title
    for known in ("Waiting for you", "Hello,", "Full name", "Messages"):
        assert known in strings
    assert len(strings) > 300


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated(language: str) -> None:
    entries = catalogue(language)
    missing = [key for key in extracted() if entries.get(key) is None]
    untranslated = [
        key for key in extracted() if key not in missing and not translated(entries[key])
    ]
    assert not missing, f"{language}: not in the catalogue (run scripts/translations): {missing}"
    assert not untranslated, f"{language}: empty or fuzzy: {untranslated}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder(language: str) -> None:
    """A translation that drops or misspells %(name)s breaks the page or loses the value."""
    wrong = []
    for message in catalogue(language):
        if not message.id or not translated(message):
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = placeholders(ids[-1])
        for form in forms:
            # a singular form may say "one" instead of %(num)d; nothing else may go missing
            if placeholders(form) - wanted or wanted - placeholders(form) - {"%(num)d"}:
                wrong.append((ids[0], form))
    assert not wrong, f"{language}: placeholders differ: {wrong}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_its_source(language: str) -> None:
    """The portal reads the .mo: it must hold exactly the .po's translations."""
    source = {flat(m.id): flat(m.string) for m in catalogue(language) if m.id and translated(m)}
    shipped = {flat(m.id): flat(m.string) for m in compiled(language) if m.id}
    stale = sorted(str(key) for key in source.keys() ^ shipped.keys())
    stale += sorted(
        str(key) for key in source.keys() & shipped.keys() if source[key] != shipped[key]
    )
    assert not stale, (
        f"{language}: messages.mo is out of date (scripts/translations compile): {stale[:10]}"
    )
