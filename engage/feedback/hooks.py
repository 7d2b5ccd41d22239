"""What feedback plugs into surveys (registered in ``engage/hooks.py``)."""

from __future__ import annotations

from flask import url_for
from sqlalchemy.orm import Session
from werkzeug.routing import BuildError

from engage.feedback.services import previous_results
from engage.surveys.panels import Panel


def last_time_panel(session: Session, survey_id: int) -> Panel | None:
    """What happened after the previous wave, if its public page is published (one query)."""
    found = previous_results(session, survey_id)
    if found is None:
        return None
    code, count = found
    try:
        href = url_for("results.page", code=code)
    except BuildError:  # the results blueprint defines the page; its path is fixed
        href = f"/r/{code}"
    if count == 0:
        lead = "Last time, the partnership said what it heard"
    else:
        noun = "commitment" if count == 1 else "commitments"
        lead = f"Last time, {count} {noun} came out of what people told us"
    return Panel("feedback/_last_time.html", {"href": href, "lead": lead})
