"""What safeguarding plugs into surveys (registered in ``engage/hooks.py``)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engage.safeguarding.services import (
    flag_disclosures,
    not_checked_count,
    open_count,
    triage_translation,
)
from engage.surveys.answer_translations import Translated
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


def triage_translation_step(session: Session, translated: Translated) -> None:
    """A translation added or changed is triaged as an English answer would be."""
    triage_translation(session, translated)


def waiting_panel(session: Session, survey: Survey, responses: int) -> Panel | None:
    """How many answers wait for the lead (flagged, or in a language triage cannot read):
    counts, the only thing other roles may see."""
    count = open_count(session, survey.id)
    unchecked = not_checked_count(session, survey.id)
    if not count and not unchecked:
        return None
    return Panel("safeguarding/_waiting.html", {"count": count, "unchecked": unchecked})
