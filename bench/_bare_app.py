"""Baseline for bench/submit.py: the least a Flask app can do to store one submission.

Served by gunicorn with the same settings as Engage (``gunicorn.conf.py``)::

    BARE_DB_PATH=/tmp/bare.sqlite3 gunicorn -c gunicorn.conf.py --pythonpath bench _bare_app:app

POST /insert parses a form body and inserts one row with raw sqlite3, configured
the way Engage configures SQLite (WAL, busy timeout, ``synchronous`` from
ENGAGE_SQLITE_SYNCHRONOUS, default FULL, and ``BEGIN IMMEDIATE``), using
``INSERT OR IGNORE`` on a unique nonce so a repeated form stores one row.
"""

from __future__ import annotations

import os
import sqlite3

from flask import Flask, request
from flask.typing import ResponseReturnValue

DB_PATH_ENV = "BARE_DB_PATH"
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS submission ("
    "id INTEGER PRIMARY KEY, nonce TEXT NOT NULL UNIQUE, payload TEXT NOT NULL)"
)

app = Flask(__name__)
_connection: sqlite3.Connection | None = None


def synchronous() -> str:
    value = os.environ.get("ENGAGE_SQLITE_SYNCHRONOUS", "FULL").upper()
    if value not in {"FULL", "NORMAL", "EXTRA"}:
        raise RuntimeError("ENGAGE_SQLITE_SYNCHRONOUS must be FULL, NORMAL or EXTRA")
    return value


def connect(path: str) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=10.0, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA busy_timeout=10000")
    connection.execute(f"PRAGMA synchronous={synchronous()}")
    return connection


def init_db(path: str) -> None:
    """Create the table; called once by the benchmark before gunicorn starts."""
    connection = connect(path)
    try:
        connection.execute(SCHEMA)
    finally:
        connection.close()


def _db() -> sqlite3.Connection:
    # One connection per worker process (sync workers, one thread each).
    global _connection
    if _connection is None:
        _connection = connect(os.environ[DB_PATH_ENV])
    return _connection


@app.get("/ping")
def ping() -> ResponseReturnValue:
    return "ok"


@app.post("/insert")
def insert() -> ResponseReturnValue:
    nonce = request.form.get("nonce", "")
    payload = request.form.get("payload", "")
    if len(nonce) != 32:
        return "bad nonce", 400
    connection = _db()
    connection.execute("BEGIN IMMEDIATE")
    try:
        connection.execute(
            "INSERT OR IGNORE INTO submission (nonce, payload) VALUES (?, ?)", (nonce, payload)
        )
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    return "stored", 200
