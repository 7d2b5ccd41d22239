"""Flagging possible disclosures at submission, and the safeguarding lead's queue."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from engage.analysis.safeguarding import Risk, triage
from engage.errors import InvalidInput, NotFound
from engage.safeguarding.models import FlagStatus, SafeguardingFlag, SafeguardingNote
from engage.surveys.logic import Parsed
from engage.surveys.models import Answer
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
        text = answers[question_id].text or ""
        result = triage(text)
        if not result.flagged:
            continue
        found |= result.risks
        session.add(
            SafeguardingFlag(
                answer_id=answer_id,
                survey_id=survey_id,
                risks=",".join(sorted(r.value for r in result.risks)),
                status=FlagStatus.NEW.value,
                flagged_on=on,
            )
        )
    return frozenset(found)


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
