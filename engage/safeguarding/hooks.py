"""What safeguarding plugs into surveys (registered in ``engage/hooks.py``)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engage.safeguarding.services import flag_disclosures, open_count
from engage.surveys.models import Survey
from engage.surveys.panels import Panel
from engage.surveys.pipeline import Submission


def flag_disclosures_step(session: Session, submission: Submission) -> Panel | None:
    """Flag free-text answers that may disclose current risk; signpost help for those risks.

    The flag is stored on the answer; nothing about the respondent is, and the page
    says so. Without a flag the thank-you page shows nothing extra.
    """
    risks = flag_disclosures(
        session, submission.survey_id, submission.stored, submission.answers, on=submission.on
    )
    if not risks:
        return None
    return Panel("safeguarding/_signposting.html", {"risks": frozenset(r.value for r in risks)})


def waiting_panel(session: Session, survey: Survey, responses: int) -> Panel | None:
    """How many flagged answers wait for the lead: the only thing other roles may see."""
    count = open_count(session, survey.id)
    return Panel("safeguarding/_waiting.html", {"count": count}) if count else None
