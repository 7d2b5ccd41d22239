"""Choosing quotes to share: redacted, attributed only by a band enough people share."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from engage.analysis.attribution import attribute
from engage.analysis.redaction import redact_text
from engage.errors import Conflict, InvalidInput, NotFound
from engage.population.areas import area_names
from engage.quotes.models import Quote
from engage.reach.services import respondent_frame
from engage.surveys.models import Answer, Channel, Kind, Response, Survey


def local_names(session: Session, instance_path: str) -> list[str]:
    """Names that identify places and groups locally: every channel name, plus the
    partnership's own list (``local_names.txt`` in the instance folder, one per line)."""
    names = set(session.scalars(select(Channel.name)))
    listed = Path(instance_path) / "local_names.txt"
    if listed.exists():
        names |= {line.strip() for line in listed.read_text("utf-8").splitlines() if line.strip()}
    names -= {"Web link", "Instagram", "Facebook", "Snapchat", "TikTok", "Library"}
    return sorted(names)


def choose_quote(
    session: Session,
    survey: Survey,
    answer_id: str,
    *,
    chosen_by_id: int,
    threshold: int,
    names: Iterable[str],
) -> Quote:
    try:
        key = uuid.UUID(answer_id)
    except ValueError as exc:
        raise InvalidInput("That is not an answer of this survey.") from exc
    row = session.execute(
        select(Answer, Response.id)
        .join(Response, Response.id == Answer.response_id)
        .where(Answer.id == key, Response.survey_id == survey.id)
    ).one_or_none()
    if row is None:
        raise NotFound("That is not an answer of this survey.")
    answer, response_id = row
    question = next((q for q in survey.questions if q.id == answer.question_id), None)
    if question is None or question.kind != Kind.TEXT.value or not answer.text_value:
        raise InvalidInput("Only written answers can be shared as quotes.")
    if session.scalar(select(Quote.id).where(Quote.answer_id == key)) is not None:
        raise Conflict("This answer is already among the shared quotes.")
    respondents = respondent_frame(session, survey)
    quote = Quote(
        survey_id=survey.id,
        answer_id=key,
        question_id=question.id,
        text=redact_text(answer.text_value, local_names=names),
        attribution=attribute(
            respondents,
            response_id,
            audience=survey.audience,
            threshold=threshold,
            areas={c: area_names().get(c, c) for c in survey.area_codes},
        ),
        chosen_by_id=chosen_by_id,
    )
    session.add(quote)
    session.flush()
    return quote


def list_quotes(session: Session, survey_id: int) -> list[Quote]:
    return list(
        session.scalars(select(Quote).where(Quote.survey_id == survey_id).order_by(Quote.id))
    )


def remove_quote(session: Session, survey_id: int, quote_id: int) -> None:
    quote = session.get(Quote, quote_id)
    if quote is None or quote.survey_id != survey_id:
        raise NotFound("There is no such quote.")
    session.delete(quote)
