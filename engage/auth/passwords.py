"""Password rules: at least 12 characters and not guessable.

Guessability comes from zxcvbn, which ships frequency lists of common
passwords, names and words, so "password1234" and "Birmingham2024" are refused
without our keeping a list of our own.
"""

from __future__ import annotations

from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

MIN_LENGTH = 12
MAX_LENGTH = 200
MIN_SCORE = 3  # zxcvbn: 3 = "safely unguessable: moderate protection from offline attacks"


class WeakPassword(ValueError):
    pass


def check_password_policy(password: str, user_inputs: list[str] | None = None) -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"Use at least {MIN_LENGTH} characters.")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"Use at most {MAX_LENGTH} characters.")
    result = zxcvbn(password, user_inputs=[u for u in (user_inputs or []) if u])
    if result["score"] < MIN_SCORE:
        warning = result["feedback"].get("warning") or "This password is too easy to guess."
        raise WeakPassword(
            f"{warning.rstrip('.')}. Try a few unrelated words together, "
            "or a password manager's suggestion."
        )


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def verify_password(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)
