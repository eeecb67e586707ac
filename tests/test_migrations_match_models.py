"""The models and the migrations describe the same schema, on SQLite and on PostgreSQL.

The `app` fixture builds its database with the real migrations; Alembic's autogenerate
comparison against the models' metadata must then find nothing to do. A difference means a
model changed without a migration (or a migration without its model): write a new migration
with `foyer db revision -m "..."` (see README, Tests) rather than editing an old one.
"""

from __future__ import annotations

import pprint

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask

from portal.core.extensions import db


# SQLite cannot reflect expression indexes (lower(name)): they are skipped there with these
# warnings and compared on PostgreSQL.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
def test_migrated_schema_matches_the_models(app: Flask) -> None:
    # The same options env.py uses (Flask-Migrate's configure_args), plus type comparison.
    render_as_batch = app.extensions["migrate"].configure_args.get("render_as_batch", False)
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": render_as_batch}
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == [], "models and migrations differ:\n" + pprint.pformat(diff, width=100)
