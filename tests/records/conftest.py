"""Fixtures for client-record tests: a table another area might add tomorrow."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import (
    Column,
    ForeignKeyConstraint,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from portal.core.extensions import db


@pytest.fixture
def foreign_tables(app) -> Iterator[dict[str, Table]]:  # type: ignore[no-untyped-def]
    """Two tables unknown to portal.clients that point at accounts and contacts with composite
    keys, as files or messages will: record rules must find them through the metadata."""
    notes = Table(
        "zz_test_account_files",
        db.metadata,
        Column("id", Integer, primary_key=True),
        Column("tenant_id", Integer, nullable=False),
        Column("account_id", Integer, nullable=False),
        Column("title", String(50)),
        ForeignKeyConstraint(
            ["tenant_id", "account_id"], ["client_accounts.tenant_id", "client_accounts.id"]
        ),
    )
    prefs = Table(
        "zz_test_contact_prefs",
        db.metadata,
        Column("id", Integer, primary_key=True),
        Column("tenant_id", Integer, nullable=False),
        Column("contact_id", Integer, nullable=False),
        Column("topic", String(50), nullable=False),
        ForeignKeyConstraint(["tenant_id", "contact_id"], ["contacts.tenant_id", "contacts.id"]),
        UniqueConstraint("tenant_id", "contact_id", "topic"),
    )
    tables = [notes, prefs]
    for table in tables:
        table.create(db.engine)
    yield {"files": notes, "prefs": prefs}
    db.session.rollback()
    for table in tables:
        table.drop(db.engine)
        db.metadata.remove(table)
