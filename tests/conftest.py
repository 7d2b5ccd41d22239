"""Fixtures: one migrated database per test session, emptied after every test.

With ENGAGE_TEST_DATABASE_URL set (CI sets a PostgreSQL URL) the whole suite runs
against that server; otherwise against a SQLite file in a temporary folder.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from engage import create_app
from engage.auth import services as auth_services
from engage.auth.models import User
from engage.auth.roles import Role
from engage.db import make_engine
from engage.migrate import upgrade
from engage.models import Base
from engage.surveys import services
from engage.surveys.models import Status, Survey

PASSWORD = "correct horse battery staple 42"
PG_URL = os.environ.get("ENGAGE_TEST_DATABASE_URL", "")


def _reset_postgres(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues() -> None:
    """Compile the interface catalogues the tests read (as `make translations` does).

    The .mo files are build output; compiling here means a test always reads the .po
    files as they are now, even when pytest runs without make.
    """
    from babel.messages.frontend import CommandLineInterface

    from engage.gettext import EASY_READ_DOMAIN, TRANSLATIONS

    domains = f"messages {EASY_READ_DOMAIN}"
    CommandLineInterface().run(["pybabel", "-q", "compile", "-d", str(TRANSLATIONS), "-D", domains])


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if PG_URL:
        from engage.config import normalise_database_url

        url = normalise_database_url(PG_URL)
        _reset_postgres(url)
    else:
        url = "sqlite:///" + str(tmp_path_factory.mktemp("db") / "engage-test.sqlite3")
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def empty_database(engine: Engine) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            # The audit log's triggers refuse DELETE (PostgreSQL's TRUNCATE fires no row
            # triggers; SQLite has no TRUNCATE): lift them for the reset, then put them back.
            triggers = conn.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
            ).all()
            for name, _ in triggers:
                conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
            for table in tables:
                conn.execute(text(f"DELETE FROM {table}"))
            for _, sql in triggers:
                conn.exec_driver_sql(sql)


def app_config(database_url: str, tmp_path: Path, **extra: Any) -> dict[str, Any]:
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "WTF_CSRF_ENABLED": False,
        "MIN_COMPLETION_SECONDS": 0,
        "RATELIMIT_ENABLED": False,
        "SECRET_KEY": "test-secret-key-" + "x" * 32,
        **extra,
    }


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = create_app(app_config(database_url, tmp_path))
    yield app
    engine: Engine = app.extensions["engage.engine"]
    empty_database(engine)
    engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    # Not inside an app context: requests made by the test client must each get
    # their own context (and so their own request session), as in production.
    db: Session = app.extensions["engage.sessionmaker"]()
    yield db
    db.rollback()
    db.close()


@pytest.fixture
def make_user(session: Session) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def make(role: Role = Role.OFFICER, **overrides: Any) -> User:
        n = next(counter)
        user = auth_services.create_user(
            session,
            email=overrides.get("email", f"{role.value}{n}@example.gov.uk"),
            name=overrides.get("name", f"{role.label} {n}"),
            password=overrides.get("password", PASSWORD),
            role=role,
        )
        session.commit()
        return user

    return make


@pytest.fixture
def login(client: FlaskClient) -> Callable[[User], None]:
    def do(user: User, password: str = PASSWORD) -> None:
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.status_code

    return do


@pytest.fixture
def make_survey(session: Session) -> Callable[..., Survey]:
    def make(
        starter: str = "young_people",
        *,
        status: Status = Status.OPEN,
        areas: str = "E08000027",
        **settings: Any,
    ) -> Survey:
        survey = services.create_survey(
            session,
            services.SurveySettings(
                title=settings.get("title", "Your area, your safety"),
                introduction=settings.get("introduction", "Tell us what it is like."),
                audience=settings.get("audience", "young_people"),
                areas=areas,
                age_min=settings.get("age_min", 11),
                age_max=settings.get("age_max", 25),
                opens_on=settings.get("opens_on"),
                closes_on=settings.get("closes_on"),
            ),
            created_by_id=None,
            starter=starter,
        )
        if status is not Status.DRAFT:
            services.set_status(session, survey, Status.OPEN.value)
            if status is not Status.OPEN:
                services.set_status(session, survey, status.value)
        session.commit()
        return survey

    return make


def today() -> date:
    return services.today()


def require(available: bool, reason: str) -> None:
    """Skip a test whose tool is missing, except in CI, where that is a failure."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must provide it)")
    pytest.skip(reason)
