"""Settings from environment variables.

Everything an operator can change is read here, once, into a plain dict that
Flask's config takes. Nothing else in Engage reads ``os.environ``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

DEV_SECRET_KEY = "dev-only-insecure-key-change-me"  # noqa: S105 - refused in production


class ConfigError(RuntimeError):
    """The environment does not describe a safe configuration."""


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever driver the URL names."""
    for prefix in ("postgres://", "postgresql://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from exc


def load_settings(instance_path: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    env = dict(os.environ if env is None else env)
    production = env.get("ENGAGE_ENV", "development") == "production"
    secret = env.get("SECRET_KEY") or env.get("ENGAGE_SECRET_KEY") or DEV_SECRET_KEY
    if production and (secret == DEV_SECRET_KEY or len(secret) < 32):
        raise ConfigError(
            "SECRET_KEY must be set to a random value of at least 32 characters in production "
            "(for example: python -c 'import secrets; print(secrets.token_hex(32))')"
        )
    default_db = "sqlite:///" + str(Path(instance_path) / "engage.sqlite3")
    synchronous = env.get("ENGAGE_SQLITE_SYNCHRONOUS", "FULL").upper()
    if synchronous not in {"FULL", "NORMAL", "EXTRA"}:
        raise ConfigError("ENGAGE_SQLITE_SYNCHRONOUS must be FULL, NORMAL or EXTRA")
    return {
        "ENGAGE_ENV": "production" if production else "development",
        "SECRET_KEY": secret,
        "DATABASE_URL": normalise_database_url(env.get("ENGAGE_DATABASE_URL") or default_db),
        "SQLITE_SYNCHRONOUS": synchronous,
        "SQLITE_BUSY_TIMEOUT_MS": _int(env, "ENGAGE_SQLITE_BUSY_TIMEOUT_MS", 10_000),
        "RATELIMIT_STORAGE_URI": env.get("ENGAGE_RATELIMIT_STORAGE_URL") or "memory://",
        "SUBMIT_RATE_LIMIT": env.get("ENGAGE_SUBMIT_RATE_LIMIT", "120 per minute"),
        "MIN_COMPLETION_SECONDS": _int(env, "ENGAGE_MIN_COMPLETION_SECONDS", 8),
        "PROXY_FIX_X_FOR": _int(env, "ENGAGE_PROXY_FIX_X_FOR", 0),
        "SUPPRESSION_THRESHOLD": _int(env, "ENGAGE_SUPPRESSION_THRESHOLD", 10),
        # Youth Assembly results: no group smaller than this is shown on its own.
        "ASSEMBLY_MIN_GROUP": _int(env, "ENGAGE_ASSEMBLY_MIN_GROUP", 5),
        # Bodies larger than this are refused with 413 before parsing.
        "MAX_CONTENT_LENGTH": _int(env, "ENGAGE_MAX_CONTENT_LENGTH", 256 * 1024),
        "MAX_FORM_PARTS": 600,
        "SESSION_COOKIE_NAME": "engage",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "PERMANENT_SESSION_LIFETIME": 8 * 3600,
        "REMEMBER_COOKIE_DURATION": 0,
        "WTF_CSRF_TIME_LIMIT": 4 * 3600,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "PUBLIC_BASE_URL": env.get("ENGAGE_PUBLIC_BASE_URL", ""),
        # Respondents on poor data should not fetch the stylesheet on every page.
        "SEND_FILE_MAX_AGE_DEFAULT": 3600,
    }
