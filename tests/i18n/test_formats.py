"""Client pages and emails write dates through the locale-aware filters (local_date, local_datetime,
datetimeformat), never with strftime, which always writes English month names and order."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLIENT_TEMPLATES = [ROOT / "themes", ROOT / "portal" / "templates"]


def test_no_client_template_formats_a_date_with_strftime() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for folder in CLIENT_TEMPLATES
        for path in folder.rglob("*.html")
        if "strftime" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
