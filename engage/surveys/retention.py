"""Retention: removing free text, or whole responses, once a survey's period has passed.

A survey with ``retention_days`` set keeps what each respondent wrote for that
many days after the response's date (``submitted_on``: we store no time of day).
A response has expired when ``submitted_on + retention_days < today``.

By default only free text goes: ``text_value`` is set to NULL and the answer row
is kept, so the count of people who answered a free-text question survives while
what they wrote does not; an officer's translation of it is deleted with it.
Choices, ratings and numbers are kept. With ``purge_responses`` the whole response
is deleted instead, and its answers and their translations with it (ON DELETE
CASCADE in the database).

``purge`` changes nothing with ``dry_run``; otherwise it records one
``retention_purge`` audit event per survey it touched and never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, delete, distinct, func, select, update
from sqlalchemy.orm import Session

from engage.audit.services import AuditAction, record
from engage.surveys.models import Answer, AnswerTranslation, Response, Survey

REMOVED_TEXT = "(Removed under the survey's retention rule.)"


def retention_hint(days: int | None, purge_responses: bool) -> str:
    """The hint beside the retention setting: the rule as it stands."""
    keep = "Leave empty to keep answers."
    if days is None:
        return f"Free text is removed this many days after each response's date. {keep}"
    if purge_responses:
        return f"Responses are deleted {days} days after each response's date. {keep}"
    return f"Free text is removed {days} days after each response's date. {keep}"


@dataclass(frozen=True)
class SurveyPurge:
    survey_id: int
    title: str
    answers_anonymised: int
    responses_anonymised: int
    responses_deleted: int


@dataclass(frozen=True)
class PurgeReport:
    surveys: list[SurveyPurge]
    dry_run: bool

    @property
    def nothing(self) -> bool:
        return not self.surveys


def expired_before(today: date, days: int) -> date:
    """Responses dated before this day have expired (``submitted_on + days < today``)."""
    return today - timedelta(days=days)


def purge(session: Session, *, today: date, dry_run: bool = False) -> PurgeReport:
    surveys = session.scalars(
        select(Survey).where(Survey.retention_days.is_not(None)).order_by(Survey.id)
    )
    done: list[SurveyPurge] = []
    for survey in surveys:
        result = _purge_survey(session, survey, today, dry_run)
        if result is None:
            continue
        done.append(result)
        if not dry_run:
            record(session, AuditAction.RETENTION_PURGE, object_type="survey", object_id=survey.id)
    return PurgeReport(surveys=done, dry_run=dry_run)


def _purge_survey(
    session: Session, survey: Survey, today: date, dry_run: bool
) -> SurveyPurge | None:
    assert survey.retention_days is not None
    expired = select(Response.id).where(
        Response.survey_id == survey.id,
        Response.submitted_on < expired_before(today, survey.retention_days),
    )
    if survey.purge_responses:
        deleted = int(session.scalar(select(func.count()).select_from(expired.subquery())) or 0)
        if not deleted:
            return None
        if not dry_run:
            session.execute(
                delete(Response)
                .where(Response.id.in_(expired))
                .execution_options(synchronize_session="fetch")
            )
        return SurveyPurge(survey.id, survey.title, 0, 0, deleted)

    with_text: list[ColumnElement[bool]] = [
        Answer.response_id.in_(expired),
        Answer.text_value.is_not(None),
    ]
    answers, responses = session.execute(
        select(func.count(), func.count(distinct(Answer.response_id))).where(*with_text)
    ).one()
    # A translation is free text too: it goes with the answer it translates.
    translated = (
        select(AnswerTranslation.answer_id)
        .join(Answer, Answer.id == AnswerTranslation.answer_id)
        .where(Answer.response_id.in_(expired))
    )
    if not answers and not session.scalar(select(func.count()).select_from(translated.subquery())):
        return None
    if not dry_run:
        session.execute(
            delete(AnswerTranslation)
            .where(AnswerTranslation.answer_id.in_(translated))
            .execution_options(synchronize_session="fetch")
        )
        session.execute(
            update(Answer)
            .where(*with_text)
            .values(text_value=None)
            .execution_options(synchronize_session="fetch")
        )
    return SurveyPurge(survey.id, survey.title, int(answers), int(responses), 0)
