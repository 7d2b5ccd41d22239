"""Administrators read and export the audit log. Times are shown in UTC, and say so.

The log itself (``engage.audit``) sits below accounts: it records events for any
actor and imports nothing from ``auth``, so ``auth`` can record logins with it.
Reading the log is an administrator's page like the account pages, so it lives
here, above both, and keeps its own ``audit`` blueprint and URLs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask import Response as FlaskResponse
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.orm import Session

from engage import exports
from engage.audit import services
from engage.audit.models import AuditAction, AuditEvent
from engage.audit.services import AuditFilter
from engage.auth.access import roles
from engage.auth.roles import ADMINS
from engage.db import get_session
from engage.errors import InvalidInput

bp = Blueprint("audit", __name__, url_prefix="/admin")
PAGE_SIZE = 100
CSV_COLUMNS = ["at_utc", "actor_email", "actor_id", "action", "object_type", "object_id"]
SYSTEM = "system"  # events with no account behind them, e.g. the nightly purge


def as_utc(at: datetime) -> datetime:
    # SQLite hands back naive datetimes; every time we store is UTC.
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _filter_from_args() -> AuditFilter:
    raw = request.args.get("action", "").strip()
    try:
        action = AuditAction(raw) if raw else None
    except ValueError as exc:
        raise InvalidInput("That is not an action the audit log records.") from exc
    return AuditFilter(action=action, actor=request.args.get("actor", "")[:254])


def _query_args(where: AuditFilter) -> dict[str, Any]:
    args = {"action": where.action.value if where.action else "", "actor": where.actor}
    return {k: v for k, v in args.items() if v}


@dataclass(frozen=True)
class EventRow:
    at: str
    actor: str
    action: str
    object: str


def _row(event: AuditEvent) -> EventRow:
    try:
        action = AuditAction(event.action).label
    except ValueError:  # written by a newer version of Engage
        action = event.action
    target = " ".join(p for p in (event.object_type, event.object_id) if p)
    return EventRow(
        at=f"{as_utc(event.at):%Y-%m-%d %H:%M:%S} UTC",
        actor=event.actor_email or SYSTEM,
        action=action,
        object=target or "–",
    )


def audit_context(db: Session, where: AuditFilter, page: int) -> dict[str, Any]:
    total = services.count_events(db, where)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(page, pages)
    events = services.list_events(db, where, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    args = _query_args(where)
    return {
        "rows": [_row(e) for e in events],
        "total": total,
        "page": page,
        "pages": pages,
        "prev_url": url_for("audit.log", page=page - 1, **args) if page > 1 else None,
        "next_url": url_for("audit.log", page=page + 1, **args) if page < pages else None,
        "csv_url": url_for("audit.export", **args),
        "actions": [(a.value, a.label) for a in AuditAction],
        "selected_action": where.action.value if where.action else "",
        "actor": where.actor,
    }


@bp.get("/audit")
@roles(ADMINS)
def log() -> ResponseReturnValue:
    page = max(1, request.args.get("page", 1, type=int) or 1)
    return render_template(
        "audit/log.html", **audit_context(get_session(), _filter_from_args(), page)
    )


@bp.get("/audit.csv")
@roles(ADMINS)
def export() -> ResponseReturnValue:
    db = get_session()
    where = _filter_from_args()
    services.record(db, AuditAction.AUDIT_EXPORTED, actor=current_user)
    db.commit()
    body = _csv_bytes(services.iter_events(db, where))
    name = f"audit-log-{datetime.now(UTC):%Y%m%d}.csv"
    return FlaskResponse(
        body,
        mimetype=exports.CSV_MIMETYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _csv_bytes(events: Iterable[AuditEvent]) -> bytes:
    # A failed login's account name is whatever was typed: escaped like any cell.
    rows = (
        [
            f"{as_utc(e.at):%Y-%m-%dT%H:%M:%SZ}",
            e.actor_email or SYSTEM,
            e.actor_id if e.actor_id is not None else "",
            e.action,
            e.object_type or "",
            e.object_id or "",
        ]
        for e in events
    )
    return exports.csv_bytes(CSV_COLUMNS, rows)
