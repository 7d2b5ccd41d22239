"""What feedback plugs into surveys (registered in ``engage/hooks.py``)."""

from __future__ import annotations

from flask import url_for
from sqlalchemy.orm import Session
from werkzeug.routing import BuildError

from engage.feedback.services import previous_results
from engage.i18n import N_, Message
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
        lead = Message.of(N_("Last time, the partnership said what it heard"))
    else:
        lead = Message.counted(
            "Last time, %(num)s commitment came out of what people told us",
            "Last time, %(num)s commitments came out of what people told us",
            count,
        )
    # A message, not text: the thank-you page says it in the respondent's language.
    return Panel("feedback/_last_time.html", {"href": href, "lead": lead})
