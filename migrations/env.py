"""Alembic environment: the only way Engage's schema changes, on SQLite and PostgreSQL."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy.engine import Connection

from engage.config import normalise_database_url
from engage.db import make_engine
from engage.models import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or os.environ.get("ENGAGE_DATABASE_URL")
    if not url:
        raise SystemExit("Set ENGAGE_DATABASE_URL or run `flask --app engage migrate`.")
    engine = make_engine(normalise_database_url(url))
    with engine.connect() as conn:
        _configure(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline SQL generation is not supported; run against a database.")
run()
