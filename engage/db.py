"""Database engine, declarative base and the request-scoped session.

One session per request; views commit once at the boundary and the teardown
handler rolls back anything left over. On SQLite we run in WAL mode with a busy
timeout, and requests that can write (anything but GET/HEAD/OPTIONS) open their
transaction with ``BEGIN IMMEDIATE`` so that concurrent gunicorn workers queue
for the write lock instead of failing with "database is locked" when a deferred
read transaction tries to upgrade.
"""

from __future__ import annotations

import fcntl
import os
import threading
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Engine, MetaData, create_engine, event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

IMMEDIATE = "engage_immediate"
GATE_HELD = "engage_write_gate_held"
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
DEFERRED_WRITE_BLUEPRINTS = frozenset({"respond"})


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """Timezone-aware now; used as a callable default so each row gets its own time."""
    return datetime.now(UTC)


def new_uuid() -> uuid.UUID:
    return uuid.uuid4()


def insert_or_skip(session: Session, table: Any) -> Any:
    """An INSERT that can take ``.on_conflict_do_nothing()``, for the session's database."""
    postgres = session.get_bind().dialect.name == "postgresql"
    return pg_insert(table) if postgres else sqlite_insert(table)


class WriteGate:
    """Queue SQLite writers in the kernel rather than in SQLite's busy handler.

    SQLite's busy handler polls with sleeps of up to 100 ms, so under load the
    write lock sits idle while the waiting workers sleep. An exclusive ``flock``
    on a file beside the database wakes the next writer the moment the lock is
    released. The gate is only an optimisation: SQLite's own locking still
    guarantees correctness, and a thread lock keeps threads of one process in
    line too (flock is per open file, not per thread).
    """

    def __init__(self, path: str) -> None:
        self._path = path
        self._fd: int | None = None
        self._pid = 0
        self._thread_lock = threading.RLock()

    def acquire(self) -> None:
        self._thread_lock.acquire()
        try:
            if self._fd is None or self._pid != os.getpid():  # new process after fork
                self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
                self._pid = os.getpid()
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        except BaseException:
            self._thread_lock.release()
            raise

    def release(self) -> None:
        try:
            if self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()


def _configure_sqlite(engine: Engine, synchronous: str, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the driver so we can say BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    database = engine.url.database or ""
    gate = WriteGate(database + "-writegate") if database and database != ":memory:" else None

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get(IMMEDIATE, False)
        if immediate and gate is not None:
            gate.acquire()
            connection.connection.info[GATE_HELD] = True
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    def release(_dbapi: Any, record: Any, *_: Any) -> None:
        # The connection is back in the pool: its transaction has ended.
        if record is not None and record.info.pop(GATE_HELD, False) and gate is not None:
            gate.release()

    event.listen(engine, "checkin", release)
    event.listen(engine, "invalidate", release)


def make_engine(url: str, *, synchronous: str = "FULL", busy_timeout_ms: int = 10_000) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False},
            hide_parameters=True,
        )
        _configure_sqlite(engine, synchronous, busy_timeout_ms)
        return engine
    # hide_parameters: SQL errors must never carry respondent text into logs.
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5, hide_parameters=True)


def init_app(app: Flask) -> None:
    engine = make_engine(
        app.config["DATABASE_URL"],
        synchronous=app.config["SQLITE_SYNCHRONOUS"],
        busy_timeout_ms=app.config["SQLITE_BUSY_TIMEOUT_MS"],
    )
    app.extensions["engage.engine"] = engine
    app.extensions["engage.sessionmaker"] = sessionmaker(bind=engine, expire_on_commit=False)

    @app.teardown_appcontext
    def close_session(exc: BaseException | None) -> None:
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            if exc is not None or session.in_transaction():
                session.rollback()
            session.close()


def get_engine() -> Engine:
    engine: Engine = current_app.extensions["engage.engine"]
    return engine


def new_session(*, immediate: bool = False) -> Session:
    """A session outside the request cycle (CLI, jobs). The caller closes it."""
    session: Session = current_app.extensions["engage.sessionmaker"]()
    if immediate:
        session.connection(execution_options={IMMEDIATE: True})
    return session


def get_session() -> Session:
    """The session for this request, created on first use.

    Officer requests that may write take the SQLite write lock from the start.
    The respondent flow reads without it and calls ``begin_write`` just before
    storing, so page-to-page navigation never queues behind submissions.
    """
    session: Session | None = g.get("db_session")
    if session is None:
        writes = (
            has_request_context()
            and request.method not in READ_ONLY_METHODS
            and request.blueprint not in DEFERRED_WRITE_BLUEPRINTS
        )
        session = new_session(immediate=writes and _is_sqlite())
        g.db_session = session
    return session


def begin_write(session: Session) -> None:
    """End any read transaction and start a write transaction (BEGIN IMMEDIATE on SQLite)."""
    if session.in_transaction():
        session.commit()  # nothing pending: this only ends the read snapshot
    session.connection(execution_options={IMMEDIATE: True})


def _is_sqlite() -> bool:
    return get_engine().dialect.name == "sqlite"
