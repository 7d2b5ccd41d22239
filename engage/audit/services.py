"""Recording audit events and reading them back.

``record`` only adds the row: the view's single commit stores it together with
the change it describes, so an action that fails leaves no event and an event
never outlives a rolled-back change.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from engage.audit.models import AuditAction, AuditEvent

__all__ = ["AuditAction", "AuditFilter", "count_events", "iter_events", "list_events", "record"]

EMAIL_LENGTH = 254
OBJECT_TYPE_LENGTH = 40
OBJECT_ID_LENGTH = 64


class Actor(Protocol):
    """An officer account (``User``, or Flask-Login's ``current_user`` proxy)."""

    id: int
    email: str


def record(
    session: Session,
    action: AuditAction,
    *,
    actor: Actor | None = None,
    actor_email: str | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
) -> None:
    """Add one audit event to the session; never commits.

    ``actor_email`` overrides the actor's email: for a failed login there is
    no actor, only the account name that was tried. Values are truncated to
    their columns so a long attempted name cannot make the login itself fail.
    """
    email = actor_email if actor_email is not None else (actor.email if actor else None)
    session.add(
        AuditEvent(
            action=AuditAction(action).value,
            actor_id=actor.id if actor is not None else None,
            actor_email=email[:EMAIL_LENGTH] if email is not None else None,
            object_type=object_type[:OBJECT_TYPE_LENGTH] if object_type else None,
            object_id=str(object_id)[:OBJECT_ID_LENGTH] if object_id is not None else None,
        )
    )


@dataclass(frozen=True)
class AuditFilter:
    action: AuditAction | None = None
    # Part of an email address, matched case-insensitively (stored emails are lower case).
    actor: str = ""


def _conditions(where: AuditFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if where.action is not None:
        conditions.append(AuditEvent.action == where.action.value)
    actor = where.actor.strip().lower()
    if actor:
        conditions.append(AuditEvent.actor_email.contains(actor, autoescape=True))
    return conditions


def _newest_first(where: AuditFilter) -> Select[AuditEvent]:
    return (
        select(AuditEvent)
        .where(*_conditions(where))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )


def list_events(
    session: Session, where: AuditFilter, *, limit: int, offset: int
) -> list[AuditEvent]:
    return list(session.scalars(_newest_first(where).limit(limit).offset(offset)))


def count_events(session: Session, where: AuditFilter) -> int:
    query = select(func.count()).select_from(AuditEvent).where(*_conditions(where))
    return int(session.scalar(query) or 0)


def iter_events(session: Session, where: AuditFilter) -> Iterator[AuditEvent]:
    """Every matching event, newest first, fetched in batches (for the CSV export)."""
    yield from session.scalars(_newest_first(where).execution_options(yield_per=1000))
