"""The shared cache version without Redis: a database row every process can read and bump."""

from __future__ import annotations

from sqlalchemy import delete

from portal.core.extensions import db
from tenants.cache import DatabaseVersion
from tenants.models import CacheVersion


def test_bump_counts_up_and_every_reader_sees_it(app):
    version = DatabaseVersion("tenants")
    first = version.bump()
    assert DatabaseVersion("tenants").read() == first
    assert version.bump() == first + 1
    assert DatabaseVersion("tenants").read() == first + 1


def test_bump_recreates_a_missing_row_instead_of_failing_silently(app):
    db.session.execute(delete(CacheVersion))
    db.session.commit()
    version = DatabaseVersion("tenants")
    assert version.read() is None
    assert version.bump() == 1
    assert version.bump() == 2
    assert version.read() == 2
