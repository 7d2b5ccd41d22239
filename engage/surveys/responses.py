"""Storing anonymous responses exactly once, and reading them back as frames."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Protocol

import pandas as pd
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from engage.db import Base, insert_or_skip
from engage.errors import NotAccepting, NotFound
from engage.exports import escape_frame
from engage.i18n import N_, SOURCE
from engage.surveys.logic import Parsed
from engage.surveys.models import (
    PREFER_NOT_TO_SAY,
    Answer,
    Channel,
    Kind,
    Mode,
    Question,
    Response,
    SubmissionReceipt,
    Survey,
)


def nonce_hash(nonce: str) -> str:
    return hashlib.sha256(nonce.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Stored:
    """A response just stored, with the ids of its free-text answers (for safeguarding)."""

    response_id: uuid.UUID
    text_answer_ids: dict[int, uuid.UUID]


class ChannelLike(Protocol):
    # Read-only, so the frozen ChannelRef the respondent flow carries satisfies it.
    @property
    def id(self) -> int: ...
    @property
    def cap(self) -> int | None: ...


# Core inserts on the tables (the mapped classes' __table__ is typed as any FromClause).
_INSERT_RESPONSE = insert(Base.metadata.tables[Response.__tablename__])
_INSERT_ANSWER = insert(Base.metadata.tables[Answer.__tablename__])


def record_response(
    session: Session,
    survey: Survey,
    channel: ChannelLike | None,
    answers: Mapping[int, Parsed],
    *,
    on: date,
    nonce: str | None,
    mode: Mode = Mode.ONLINE,
    language: str = SOURCE,
) -> Stored | None:
    """Store one response and its answers. Returns None if this form was already stored.

    Only ``engage.surveys.pipeline.store_submission`` calls this (a test holds every
    other module to that), so no response is stored without the pipeline's steps.

    The receipt (nonce hash) is inserted first with ON CONFLICT DO NOTHING: a retry
    or double click inserts nothing and stores nothing else. The caller commits
    once, so the receipt, the response and its answers land together or not at all.
    """
    if nonce and not _insert_receipt(session, nonce_hash(nonce), survey.id, on):
        return None
    if channel is not None and channel.cap is not None:
        used = session.scalar(select(func.count()).where(Response.channel_id == channel.id)) or 0
        if used >= channel.cap:
            raise NotAccepting(
                N_(
                    "This link has reached the number of responses it was set up for. "
                    "Thank you for your interest."
                )
            )
    response_id = uuid.uuid4()
    # Core inserts on the tables: the ORM's bulk machinery costs more than the write here.
    session.execute(
        _INSERT_RESPONSE,
        {
            "id": response_id,
            "survey_id": survey.id,
            "channel_id": channel.id if channel else None,
            "mode": mode.value,
            "submitted_on": on,
            "language": language,
        },
    )
    rows: list[dict[str, object]] = []
    text_ids: dict[int, uuid.UUID] = {}
    for qid, parsed in answers.items():
        for values in _answer_values(parsed):
            answer_id = uuid.uuid4()
            rows.append({"id": answer_id, "response_id": response_id, "question_id": qid, **values})
            if values["text_value"] is not None:
                text_ids[qid] = answer_id
    if rows:
        session.execute(_INSERT_ANSWER, rows)
    return Stored(response_id=response_id, text_answer_ids=text_ids)


def _insert_receipt(session: Session, key: str, survey_id: int, on: date) -> bool:
    """Insert the receipt unless it exists; True if this call inserted it.

    RETURNING tells us reliably on both SQLite and PostgreSQL (rowcount is not
    dependable across drivers for ON CONFLICT DO NOTHING).
    """
    table = SubmissionReceipt.__table__
    statement = (
        insert_or_skip(session, table)
        .values(nonce_hash=key, survey_id=survey_id, received_on=on)
        .on_conflict_do_nothing()
        .returning(table.c.nonce_hash)
    )
    return session.execute(statement).first() is not None


def _answer_values(parsed: Parsed) -> list[dict[str, object]]:
    empty: dict[str, object] = {"option_code": None, "text_value": None, "number_value": None}
    if parsed.text is not None:
        return [{**empty, "text_value": parsed.text}]
    if len(parsed.codes) > 1:
        return [{**empty, "option_code": code} for code in parsed.codes]
    return [
        {
            **empty,
            "option_code": parsed.codes[0] if parsed.codes else None,
            "number_value": parsed.number,
        }
    ]


def get_response(session: Session, survey: Survey, response_id: str) -> Response:
    try:
        key = uuid.UUID(response_id)
    except ValueError as exc:
        raise NotFound("There is no such response.") from exc
    response = session.get(Response, key)
    if response is None or response.survey_id != survey.id:
        raise NotFound("There is no such response.")
    return response


def list_response_ids(
    session: Session, survey_id: int, *, limit: int, offset: int
) -> list[Response]:
    # Ordered by random id, not arrival: the list must not reveal who answered when.
    return list(
        session.scalars(
            select(Response)
            .where(Response.survey_id == survey_id)
            .order_by(Response.id)
            .limit(limit)
            .offset(offset)
        )
    )


def counts_frame(session: Session, survey_id: int) -> pd.DataFrame:
    """Responses per (date, channel name, mode): the raw material for the overview."""
    rows = session.execute(
        select(Response.submitted_on, Channel.name, Response.mode, func.count())
        .outerjoin(Channel, Channel.id == Response.channel_id)
        .where(Response.survey_id == survey_id)
        .group_by(Response.submitted_on, Channel.name, Response.mode)
    ).all()
    frame = pd.DataFrame(rows, columns=["date", "channel", "mode", "count"])
    frame["channel"] = frame["channel"].fillna("(deleted channel)")
    return frame


def responses_frame(session: Session, survey: Survey) -> pd.DataFrame:
    """One row per response, one column per question key, values as people read them.

    Single choice gives the option label, ratings their number, multiple choice
    the labels joined with "; ", numbers the number (or "Prefer not to say").
    """
    base = pd.DataFrame(
        session.execute(
            select(
                Response.id, Response.submitted_on, Channel.name, Response.mode, Response.language
            )
            .outerjoin(Channel, Channel.id == Response.channel_id)
            .where(Response.survey_id == survey.id)
        ).all(),
        # ``language``: the code of the language the survey was answered in (en, ur, ...).
        columns=["response_id", "submitted_on", "channel", "mode", "language"],
    )
    answers = pd.DataFrame(
        session.execute(
            select(
                Answer.response_id,
                Answer.question_id,
                Answer.option_code,
                Answer.text_value,
                Answer.number_value,
            )
            .join(Response, Response.id == Answer.response_id)
            .where(Response.survey_id == survey.id)
        ).all(),
        columns=["response_id", "question_id", "option_code", "text_value", "number_value"],
    )
    questions = survey.questions
    wide = base.set_index("response_id")
    for question in questions:
        subset = answers[answers["question_id"] == question.id]
        wide[question.key] = _column_for(question, subset).reindex(wide.index)
    wide = wide.reset_index()
    wide["response_id"] = wide["response_id"].astype(str)
    wide["mode"] = wide["mode"].map({m.value: m.label for m in Mode})
    return wide


def _column_for(question: Question, subset: pd.DataFrame) -> pd.Series:
    if subset.empty:
        return pd.Series(dtype="object")
    indexed = subset.set_index("response_id")
    kind = question.kind_enum
    labels = {o.code: o.label for o in question.options} | {PREFER_NOT_TO_SAY: "Prefer not to say"}
    if kind is Kind.TEXT:
        return indexed["text_value"]
    if kind is Kind.RATING:
        return indexed["number_value"].astype("Int64")
    if kind is Kind.NUMBER:
        numbers = indexed["number_value"].astype("object")
        prefer_not = indexed["option_code"] == PREFER_NOT_TO_SAY
        numbers[prefer_not] = "Prefer not to say"
        return numbers.map(lambda v: int(v) if isinstance(v, float) and v.is_integer() else v)
    if kind is Kind.MULTI:
        # In the order the options appear on the page, whatever order they were ticked.
        order = {o.code: n for n, o in enumerate(question.options)}
        ranked = indexed["option_code"].map(lambda c: order.get(c, len(order)))
        ordered = indexed.assign(rank=ranked).sort_values("rank")["option_code"]
        return ordered.map(lambda c: labels.get(c, c)).groupby(level=0).agg("; ".join)
    return indexed["option_code"].map(lambda c: labels.get(c, c))


def export_frame(frame: pd.DataFrame, *, seed: int | None = None) -> pd.DataFrame:
    """Shuffled (row order must not reveal arrival order) and escaped against formula injection."""
    shuffled = frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    shuffled = shuffled.astype("object").where(shuffled.notna(), None)
    return escape_frame(shuffled)
