"""Storing a response, and everything that must happen to every stored response.

``store_submission`` is the only way a response is stored: the online flow, the
officer keying in a paper response and the demo all call it, so none of them can
store a response and skip a step. The steps are registered once, in order, in
``engage/hooks.py``; surveys does not know what they are.

Steps run inside the caller's transaction and never commit: the caller commits
once, so the receipt, the response, its answers and whatever the steps add land
together or not at all. A step that raises rolls the whole submission back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from engage.i18n import SOURCE
from engage.surveys.logic import Parsed
from engage.surveys.models import Mode, Survey
from engage.surveys.panels import Panel
from engage.surveys.responses import ChannelLike, Stored, record_response

SUBMISSION_PIPELINE = "engage.submission_pipeline"


@dataclass(frozen=True)
class Submission:
    """A response just stored, as every step sees it."""

    survey_id: int
    stored: Stored
    answers: Mapping[int, Parsed]
    on: date
    mode: Mode
    # The language the respondent answered in (free text is in it too, usually).
    language: str = SOURCE


# A step may return a panel for the respondent's thank-you page (the officer keying in
# a paper response sees none).
Step = Callable[[Session, Submission], Panel | None]


@dataclass(frozen=True)
class SubmissionPipeline:
    steps: tuple[tuple[str, Step], ...] = ()

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.steps]

    def run(self, session: Session, submission: Submission) -> tuple[Panel, ...]:
        """Every step in order; the panels they return, in the same order."""
        found = (step(session, submission) for _, step in self.steps)
        return tuple(panel for panel in found if panel is not None)


@dataclass(frozen=True)
class Outcome:
    submission: Submission
    panels: tuple[Panel, ...]


def store_submission(
    session: Session,
    pipeline: SubmissionPipeline,
    survey: Survey,
    channel: ChannelLike | None,
    answers: Mapping[int, Parsed],
    *,
    on: date,
    nonce: str | None,
    mode: Mode = Mode.ONLINE,
    language: str = SOURCE,
) -> Outcome | None:
    """Store one response and run every step on it. None if this form was already stored."""
    stored = record_response(
        session, survey, channel, answers, on=on, nonce=nonce, mode=mode, language=language
    )
    if stored is None:
        return None
    submission = Submission(
        survey_id=survey.id, stored=stored, answers=answers, on=on, mode=mode, language=language
    )
    return Outcome(submission=submission, panels=pipeline.run(session, submission))
