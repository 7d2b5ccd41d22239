"""Flagging possible disclosures at submission, and the safeguarding lead's queue.

Triage reads English only. A written answer given in another language, with no
translation yet, is listed for the lead as not checked, whatever triage made of it
at submission (some answers are partly English, so triage runs on them anyway, but
"no flag" on them means nothing). A translation added later is triaged like an
English answer, and the answer leaves that list.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from engage.analysis.safeguarding import Risk, triage
from engage.errors import InvalidInput, NotFound
from engage.i18n import get_language
from engage.safeguarding.models import FlagStatus, SafeguardingFlag, SafeguardingNote
from engage.surveys.answer_translations import ENGLISH, Translated
from engage.surveys.logic import Parsed
from engage.surveys.models import Answer, AnswerTranslation, Question, Response, Survey
from engage.surveys.responses import Stored

MAX_NOTE = 4000


def flag_disclosures(
    session: Session,
    survey_id: int,
    stored: Stored,
    answers: Mapping[int, Parsed],
    *,
    on: date,
) -> frozenset[Risk]:
    """Triage the free-text answers just stored; flag any that may disclose current risk.

    Runs in the submission's transaction, so the flag and the response land together.
    Returns the risks found, for the thank-you page's signposting (nothing is stored
    about the respondent beyond the flag on the answer).
    """
    found: set[Risk] = set()
    for question_id, answer_id in stored.text_answer_ids.items():
        # Every language is triaged (answers are often partly English); for answers
        # in another language the not-checked list, not this, says what was checked.
        text = answers[question_id].text or ""
        result = triage(text)
        if not result.flagged:
            continue
        found |= result.risks
        session.add(
            SafeguardingFlag(
                answer_id=answer_id,
                survey_id=survey_id,
                risks=_risk_text(result.risks),
                status=FlagStatus.NEW.value,
                flagged_on=on,
            )
        )
    return frozenset(found)


def _risk_text(risks: frozenset[Risk] | set[Risk]) -> str:
    return ",".join(sorted(r.value for r in risks))


def triage_translation(session: Session, translated: Translated) -> frozenset[Risk]:
    """Triage a translation just added or changed, exactly as an English answer is.

    A flag already on the answer (from the partly English original, or an earlier
    translation) gains the new risks, and goes back to the lead as new if there are
    any. A removed translation changes no flag: the answer is simply not checked again.
    """
    if translated.text is None:
        return frozenset()
    result = triage(translated.text)
    if not result.flagged:
        return frozenset()
    flag = session.scalar(
        select(SafeguardingFlag).where(SafeguardingFlag.answer_id == translated.answer_id)
    )
    if flag is None:
        session.add(
            SafeguardingFlag(
                answer_id=translated.answer_id,
                survey_id=translated.survey_id,
                risks=_risk_text(result.risks),
                status=FlagStatus.NEW.value,
                flagged_on=translated.on,
            )
        )
        session.flush()
        return result.risks
    known = {Risk(r) for r in flag.risks.split(",") if r}
    if not result.risks <= known:
        flag.risks = _risk_text(known | result.risks)
        flag.status = FlagStatus.NEW.value
    session.flush()
    return result.risks


@dataclass(frozen=True)
class NotChecked:
    """A written answer in another language that triage could not read."""

    answer_id: uuid.UUID
    survey_id: int
    survey_title: str
    question: str
    language: str  # the code
    language_name: str
    direction: str
    submitted_on: date
    text: str
    flag_id: int | None  # triage flagged the (partly English) original anyway


# answer id, survey id and title, question, language, date, text, flag id
_NotCheckedRow = Select[uuid.UUID, int, str, str, str, date, str | None, int]


def _not_checked_query(survey_id: int | None) -> _NotCheckedRow:
    query = (
        select(
            Answer.id,
            Survey.id,
            Survey.title,
            Question.text,
            Response.language,
            Response.submitted_on,
            Answer.text_value,
            SafeguardingFlag.id,
        )
        .join(Response, Response.id == Answer.response_id)
        .join(Survey, Survey.id == Response.survey_id)
        .join(Question, Question.id == Answer.question_id)
        .outerjoin(AnswerTranslation, AnswerTranslation.answer_id == Answer.id)
        .outerjoin(SafeguardingFlag, SafeguardingFlag.answer_id == Answer.id)
        .where(
            Answer.text_value.is_not(None),
            func.trim(Answer.text_value) != "",
            Response.language.not_in(sorted(ENGLISH)),
            AnswerTranslation.answer_id.is_(None),
        )
    )
    if survey_id is not None:
        query = query.where(Response.survey_id == survey_id)
    return query


def list_not_checked(session: Session, survey_id: int | None = None) -> list[NotChecked]:
    """Written answers in a language other than English with no translation, newest first."""
    query = _not_checked_query(survey_id).order_by(
        Response.submitted_on.desc(), Survey.id, Question.position, Answer.id
    )
    result = []
    for answer_id, sid, title, prompt, code, on, text, flag_id in session.execute(query):
        language = get_language(code)
        result.append(
            NotChecked(
                answer_id=answer_id,
                survey_id=sid,
                survey_title=title,
                question=prompt,
                language=code,
                language_name=language.english_name if language else code,
                direction=language.direction if language else "auto",
                submitted_on=on,
                text=text or "",
                flag_id=flag_id,
            )
        )
    return result


def not_checked_count(session: Session, survey_id: int | None = None) -> int:
    query = select(func.count()).select_from(_not_checked_query(survey_id).subquery())
    return int(session.scalar(query) or 0)


def get_not_checked(session: Session, answer_id: str) -> Answer:
    """A written answer the lead may translate from the not-checked list."""
    try:
        key = uuid.UUID(answer_id)
    except ValueError as exc:
        raise NotFound("There is no such answer.") from exc
    answer = session.get(Answer, key)
    if answer is None or answer.text_value is None:
        raise NotFound("There is no such answer.")
    return answer


def survey_of(session: Session, answer: Answer) -> int:
    survey_id = session.scalar(select(Response.survey_id).where(Response.id == answer.response_id))
    if survey_id is None:  # pragma: no cover - the answer cascades with its response
        raise NotFound("There is no such answer.")
    return int(survey_id)


def open_count(session: Session, survey_id: int | None = None) -> int:
    """How many flags await the lead: the only thing other roles may see."""
    query = (
        select(func.count())
        .select_from(SafeguardingFlag)
        .where(SafeguardingFlag.status.in_([FlagStatus.NEW.value]))
    )
    if survey_id is not None:
        query = query.where(SafeguardingFlag.survey_id == survey_id)
    return int(session.scalar(query) or 0)


def list_flags(session: Session, status: str | None) -> list[SafeguardingFlag]:
    query = select(SafeguardingFlag).order_by(
        SafeguardingFlag.status != FlagStatus.NEW.value,
        SafeguardingFlag.flagged_on.desc(),
        SafeguardingFlag.id.desc(),
    )
    if status:
        query = query.where(SafeguardingFlag.status == status)
    return list(session.scalars(query.options(selectinload(SafeguardingFlag.notes))))


def get_flag(session: Session, flag_id: int) -> tuple[SafeguardingFlag, Answer]:
    flag = session.get(SafeguardingFlag, flag_id)
    if flag is None:
        raise NotFound("There is no such safeguarding item.")
    answer = session.get(Answer, flag.answer_id)
    if answer is None:  # pragma: no cover - the flag cascades with its answer
        raise NotFound("The answer behind this item has been deleted.")
    return flag, answer


def update_flag(
    session: Session, flag: SafeguardingFlag, *, status: str, note: str, author_id: int
) -> None:
    try:
        FlagStatus(status)
    except ValueError as exc:
        raise InvalidInput("Choose a status.") from exc
    note = note.strip()
    if not note:
        raise InvalidInput("Write a note: what you decided and why.")
    if len(note) > MAX_NOTE:
        raise InvalidInput(f"Keep the note to {MAX_NOTE:,} characters or fewer.")
    flag.status = status
    flag.notes.append(SafeguardingNote(author_id=author_id, status=status, note=note))
