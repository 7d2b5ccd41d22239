"""Officer accounts: creation, authentication with throttling, roles."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from engage.auth.models import LoginFailure, User
from engage.auth.passwords import check_password_policy, hash_password, verify_password
from engage.auth.roles import Role
from engage.db import utcnow
from engage.errors import Conflict, InvalidInput, Throttled

MAX_FAILURES = 10
FAILURE_WINDOW = timedelta(minutes=15)
# Compared against when the account does not exist, so timing does not reveal which emails exist.
_DUMMY_HASH = hash_password(secrets.token_hex(16))


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(session: Session, *, email: str, name: str, password: str, role: Role) -> User:
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise InvalidInput("Enter an email address, like name@example.gov.uk.")
    if get_user_by_email(session, email) is not None:
        raise Conflict(f"An account for {email} already exists.")
    check_password_policy(password, [email, name, "engage"])
    user = User(
        email=email,
        name=name.strip() or email,
        password_hash=hash_password(password),
        role=role.value,
        session_token=secrets.token_hex(16),
    )
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, user: User, password: str) -> None:
    check_password_policy(password, [user.email, user.name, "engage"])
    user.password_hash = hash_password(password)
    user.session_token = secrets.token_hex(16)


def set_role(session: Session, user: User, role: Role) -> None:
    if user.role != role.value:
        user.role = role.value
        user.session_token = secrets.token_hex(16)


def recent_failures(session: Session, account: str, now: datetime | None = None) -> int:
    since = (now or utcnow()) - FAILURE_WINDOW
    count = session.scalar(
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.account == account, LoginFailure.attempted_at >= since)
    )
    return int(count or 0)


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The user if the password is right; None otherwise. Raises Throttled after
    ``MAX_FAILURES`` failures for this account within ``FAILURE_WINDOW``.

    Failures are stored (and committed by the caller) even when the login fails,
    so the count is shared by every worker process.
    """
    account = normalise_email(email)[:254]
    if recent_failures(session, account) >= MAX_FAILURES:
        raise Throttled(
            "There have been too many failed sign-in attempts for this account. "
            "Wait 15 minutes and try again, or ask an administrator to help."
        )
    user = get_user_by_email(session, account)
    ok = verify_password(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not ok or not user.active:
        session.add(LoginFailure(account=account))
        return None
    session.execute(delete(LoginFailure).where(LoginFailure.account == account))
    user.last_login_at = utcnow()
    return user


def load_user(session: Session, user_id: str) -> User | None:
    try:
        raw_id, token = user_id.split(":", 1)
        user = session.get(User, int(raw_id))
    except (ValueError, TypeError):
        return None
    if user is None or not user.active or not secrets.compare_digest(user.session_token, token):
        return None
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.name)))
