"""`foyer db upgrade` on an existing database keeps its data (SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text

from portal.app import create_app
from tests.fixtures.database import POSTGRES_ADMIN_URL


@pytest.fixture
def empty_database_url(db_backend, tmp_path):  # type: ignore[no-untyped-def]
    if db_backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'upgrade.sqlite'}"
        return
    schema = f"foyer_upgrade_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES_ADMIN_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_upgrade_from_the_first_revision_keeps_tenants(empty_database_url):
    from portal.core.extensions import db

    app = create_app({"DATABASE_URL": empty_database_url, "SECRET_KEY": "x", "TESTING": True})
    with app.app_context():
        upgrade(revision="5e99d3de231f")
        db.session.execute(
            text(
                "INSERT INTO tenants (slug, name, status, theme, signup_mode, welcome_message,"
                " invite_expiry_days, created_at) VALUES ('keep', 'Keep Me LLP', 'active',"
                " 'default', 'invite_only', 'Hello', 14, CURRENT_TIMESTAMP)"
            )
        )
        db.session.commit()
        upgrade()
        row = db.session.execute(
            text(
                "SELECT name, welcome_message, expired_invite_action, unverified_purge_days"
                " FROM tenants WHERE slug = 'keep'"
            )
        ).one()
        assert tuple(row) == ("Keep Me LLP", "Hello", "resend", 7)
        db.session.rollback()  # release the read transaction before the DDL below
        downgrade(revision="5e99d3de231f")
        assert db.session.execute(text("SELECT name FROM tenants")).scalar() == "Keep Me LLP"
        db.session.remove()
        db.engine.dispose()
