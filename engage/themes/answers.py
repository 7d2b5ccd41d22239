"""The free-text answers being coded, whichever task is at hand: the questions that
have them, their text, the codes on them and the groups of the people who gave them.

Every task module reads answers through here, so "an answer" and "its current
code" mean the same on the queue, the reliability page and the summaries.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from engage.errors import NotFound
from engage.population.categories import broad_ethnic_groups
from engage.reach.context import respondent_groups
from engage.surveys.models import Answer, AnswerTranslation, Kind, Question, Response, Survey
from engage.themes.models import CodeAssignment, CodeStatus, Source

NOT_KNOWN = "Not known"
PREFER_NOT = "Prefer not to say"
DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("audience", "Audience"),
    ("age_band", "Age band"),
    ("sex", "Sex"),
    ("ethnic_group", "Ethnic group"),
    ("area", "Area"),
    ("channel", "Channel"),
)
SOURCE_LABELS = {
    Source.SEED.value: "seed terms",
    Source.MODEL.value: "model",
    Source.HUMAN.value: "added by a person",
    Source.BLIND.value: "blind coding",
}


def human_coder(user_id: int) -> str:
    """The coder name of a person's codes (machine coders are ``seed:`` and ``model:``)."""
    return f"user:{user_id}"


def text_questions(survey: Survey) -> list[Question]:
    return [q for q in survey.questions if q.kind == Kind.TEXT.value]


def get_text_question(survey: Survey, raw: str | None) -> Question:
    """The text question chosen by id, or the first one."""
    questions = text_questions(survey)
    if not questions:
        raise NotFound("This survey has no free-text questions to code.")
    if raw and raw.isdigit():
        for question in questions:
            if question.id == int(raw):
                return question
        raise NotFound("There is no such free-text question in this survey.")
    return questions[0]


FRAME_COLUMNS = (
    "answer_id",
    "response_id",
    "channel_id",
    "language",
    "original",
    "translation",
    "text",
)


def answer_frame(session: Session, question: Question) -> pd.DataFrame:
    """One row per non-empty answer.

    ``original`` is the answer as written, in ``language`` (its response's);
    ``translation`` is an officer's translation or None. ``text`` is what the coders
    and discovery read: the translation where there is one, else the original
    (coding and seed terms understand English only).
    """
    rows = session.execute(
        select(
            Answer.id,
            Answer.response_id,
            Response.channel_id,
            Response.language,
            Answer.text_value,
            AnswerTranslation.text,
        )
        .join(Response, Response.id == Answer.response_id)
        .outerjoin(AnswerTranslation, AnswerTranslation.answer_id == Answer.id)
        .where(Answer.question_id == question.id, Answer.text_value.is_not(None))
        .order_by(Answer.id)
    ).all()
    frame = pd.DataFrame(rows, columns=list(FRAME_COLUMNS[:-1]))
    frame = frame[frame["original"].str.strip().astype(bool)].reset_index(drop=True)
    translated = frame["translation"].notna()
    frame["text"] = frame["original"].where(~translated, frame["translation"])
    return frame


def get_answer(session: Session, survey: Survey, answer_id: str) -> Answer:
    try:
        key = uuid.UUID(answer_id)
    except ValueError as exc:
        raise NotFound("There is no such answer.") from exc
    answer = session.get(Answer, key)
    if answer is None or answer.text_value is None:
        raise NotFound("There is no such answer.")
    question = session.get(Question, answer.question_id)
    if question is None or question.survey_id != survey.id:
        raise NotFound("There is no such answer.")
    return answer


def assignments_for(session: Session, answer_ids: Sequence[uuid.UUID]) -> list[CodeAssignment]:
    """Every code on these answers except blind double coding."""
    result: list[CodeAssignment] = []
    ids = list(answer_ids)
    for start in range(0, len(ids), 500):
        result += session.scalars(
            select(CodeAssignment)
            .where(
                CodeAssignment.answer_id.in_(ids[start : start + 500]),
                CodeAssignment.source != Source.BLIND.value,
            )
            .order_by(CodeAssignment.id)
        ).unique()
    return result


def best_codes(assignments: Sequence[CodeAssignment]) -> list[CodeAssignment]:
    """One code per theme: what people decided wins over a pending suggestion."""
    rank = {CodeStatus.ACCEPTED.value: 0, CodeStatus.REJECTED.value: 1}
    chosen: dict[int, CodeAssignment] = {}
    for assignment in assignments:
        current = chosen.get(assignment.theme_id)
        if current is None or (rank.get(assignment.status, 2), -assignment.id) < (
            rank.get(current.status, 2),
            -current.id,
        ):
            chosen[assignment.theme_id] = assignment
    return list(chosen.values())


def respondent_group_frame(
    session: Session, survey: Survey
) -> tuple[pd.DataFrame, pd.Series | None, str]:
    """Groups per response (index: response id; a column per dimension) and weights."""
    frame, mapped, weights, note = respondent_groups(session, survey)
    index = pd.Index(list(frame["response_id"]) if "response_id" in frame else [])
    groups = pd.DataFrame(index=index)
    groups["audience"] = survey.audience_enum.label
    broad = broad_ethnic_groups()
    for column, source in (("age_band", "age"), ("sex", "sex"), ("ethnic_group", "ethnic_group")):
        if source in mapped.columns and len(mapped) == len(frame):
            values = pd.Series(mapped[source].to_numpy(dtype="object"), index=index)
            if column == "ethnic_group":
                values = values.map(lambda v: broad.get(v, v) if isinstance(v, str) else v)
        elif source in frame.columns and source != "age":
            question = next((q for q in survey.questions if q.demographic == source), None)
            values = pd.Series(frame[source].to_numpy(dtype="object"), index=index)
            if question is not None:
                values = values.map(
                    lambda v, q=question: q.option_label(v) if isinstance(v, str) else v
                )
        else:
            values = pd.Series(pd.NA, index=index, dtype="object")
        groups[column] = values
    area_question = next((q for q in survey.questions if q.demographic == "area"), None)
    if "area" in frame.columns and area_question is not None:
        groups["area"] = [
            area_question.option_label(v) if isinstance(v, str) else pd.NA for v in frame["area"]
        ]
    else:
        groups["area"] = pd.NA
    groups["channel"] = list(frame["channel"]) if "channel" in frame else pd.NA
    groups = groups.astype("object").where(groups.notna(), NOT_KNOWN)
    if weights is not None and len(weights) == len(frame):
        weights = pd.Series(weights.to_numpy(dtype="float64"), index=index, name="weight")
    else:
        weights = None
    return groups, weights, note


def percent(value: float | None, decimals: int = 0) -> str:
    """A share as every themes page prints it; "–" when there is none to show."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value * 100:.{decimals}f}%"
