"""Settings, the SQLite set-up, and Alembic as the only source of the schema."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from engage import create_app
from engage.auth.roles import Role
from engage.config import DEV_SECRET_KEY, ConfigError, load_settings, normalise_database_url
from engage.db import IMMEDIATE, make_engine
from engage.migrate import head_revision, upgrade
from engage.models import Base


def test_default_database_is_sqlite_in_instance_folder(tmp_path: Path) -> None:
    settings = load_settings(str(tmp_path), env={})
    assert settings["DATABASE_URL"] == f"sqlite:///{tmp_path}/engage.sqlite3"
    assert settings["SECRET_KEY"] == DEV_SECRET_KEY


def test_production_refuses_development_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_settings(str(tmp_path), env={"ENGAGE_ENV": "production"})
    with pytest.raises(ConfigError):
        load_settings(str(tmp_path), env={"ENGAGE_ENV": "production", "SECRET_KEY": "short"})
    ok = load_settings(str(tmp_path), env={"ENGAGE_ENV": "production", "SECRET_KEY": "k" * 40})
    assert ok["SESSION_COOKIE_SECURE"] is True


def test_create_app_refuses_to_start_in_production_with_dev_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ENGAGE_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("ENGAGE_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        create_app()


def test_postgres_urls_use_psycopg3() -> None:
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x") == "sqlite:///x"


def test_bad_number_setting_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="ENGAGE_MIN_COMPLETION_SECONDS"):
        load_settings(str(tmp_path), env={"ENGAGE_MIN_COMPLETION_SECONDS": "soon"})


def test_migrations_match_models(database_url: str) -> None:
    """The test database was built by Alembic alone; the models must agree with it."""
    engine = make_engine(database_url)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
        )
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    engine.dispose()
    assert diff == []
    assert version == head_revision() == "0009"


def test_empty_sqlite_upgrades_to_head(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/fresh.sqlite3")
    upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {t.name for t in Base.metadata.sorted_tables} <= tables


def test_sqlite_runs_in_wal_with_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/wal.sqlite3", busy_timeout_ms=7000)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 7000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    engine.dispose()


def test_sqlite_immediate_transactions_let_concurrent_writers_queue(tmp_path: Path) -> None:
    """Two writers that both read then write: with BEGIN IMMEDIATE neither fails."""
    url = f"sqlite:///{tmp_path}/concurrent.sqlite3"
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE counter (n INTEGER)")
        conn.exec_driver_sql("INSERT INTO counter VALUES (0)")
    errors: list[BaseException] = []

    def bump() -> None:
        try:
            for _ in range(25):
                with engine.connect().execution_options(**{IMMEDIATE: True}) as conn, conn.begin():
                    n = conn.exec_driver_sql("SELECT n FROM counter").scalar_one()
                    conn.exec_driver_sql(f"UPDATE counter SET n = {n + 1}")
        except BaseException as exc:  # pragma: no cover - the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with engine.connect() as conn:
        total = conn.exec_driver_sql("SELECT n FROM counter").scalar_one()
    engine.dispose()
    assert errors == []
    assert total == 100  # no lost updates


def test_ids_beyond_the_database_integer_range_are_not_found(client, make_user, login) -> None:
    login(make_user(Role.OFFICER))
    response = client.get("/surveys/99999999999999999999/reach/")
    assert response.status_code == 404
    assert client.get(f"/surveys/{2**31}/").status_code == 404
