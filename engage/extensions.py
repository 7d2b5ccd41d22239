from __future__ import annotations

from flask_limiter import Limiter
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect


def _client_key() -> str:
    # Used only as an in-memory (or Redis, expiring) rate-limit key; never stored
    # with a response or written to a log.
    from flask import request

    return request.remote_addr or "unknown"


csrf = CSRFProtect()
login_manager = LoginManager()


def make_limiter(storage_uri: str, key_prefix: str) -> Limiter:
    """One Limiter per app, so each app (and each test) has its own storage."""
    return Limiter(
        key_func=_client_key,
        storage_uri=storage_uri,
        key_prefix=key_prefix,
        default_limits=[],
        headers_enabled=False,
    )
