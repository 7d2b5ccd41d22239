"""What reach plugs into surveys (registered in ``engage/hooks.py``)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engage.reach.context import reach_alerts
from engage.surveys.models import Survey
from engage.surveys.panels import Panel

ALERTS_SHOWN = 6


def alerts_panel(session: Session, survey: Survey, responses: int) -> Panel | None:
    """Groups answering below 0.8 of their population share (none before any answer)."""
    if not responses:
        return None
    alerts = reach_alerts(session, survey)
    if not alerts:
        return None
    return Panel("reach/_alerts.html", {"alerts": alerts[:ALERTS_SHOWN], "survey_id": survey.id})
