"""Frames of respondents' demographics and ratings, for the reach analysis."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from engage.surveys.models import PREFER_NOT_TO_SAY, Answer, Channel, Kind, Response, Survey


def respondent_frame(session: Session, survey: Survey) -> pd.DataFrame:
    """One row per response: ``response_id``, ``channel``, and a column per demographic
    key and per rating key.

    Demographic columns hold the stored option codes (ages as numbers, or
    "prefer_not_to_say"); rating columns hold the rating as a number. Missing
    means not answered or not asked.
    """
    demographic = {q.id: q.demographic for q in survey.questions if q.demographic}
    ratings = {q.id: q.key for q in survey.questions if q.kind == Kind.RATING.value}
    base = pd.DataFrame(
        session.execute(
            select(Response.id, Channel.name)
            .outerjoin(Channel, Channel.id == Response.channel_id)
            .where(Response.survey_id == survey.id)
        ).all(),
        columns=["response_id", "channel"],
    ).set_index("response_id")
    base["channel"] = base["channel"].fillna("(deleted channel)")
    wanted = list(demographic) + list(ratings)
    if base.empty or not wanted:
        return base.reset_index()
    answers = pd.DataFrame(
        session.execute(
            select(Answer.response_id, Answer.question_id, Answer.option_code, Answer.number_value)
            .join(Response, Response.id == Answer.response_id)
            .where(Response.survey_id == survey.id, Answer.question_id.in_(wanted))
        ).all(),
        columns=["response_id", "question_id", "option_code", "number_value"],
    )
    for qid, name in demographic.items():
        rows = answers[answers["question_id"] == qid].set_index("response_id")
        if name == "age":
            values = rows["number_value"].astype("object")
            values[rows["option_code"] == PREFER_NOT_TO_SAY] = PREFER_NOT_TO_SAY
        else:
            values = rows["option_code"]
        base[name] = values.reindex(base.index)
    for qid, key in ratings.items():
        rows = answers[answers["question_id"] == qid].set_index("response_id")
        base[f"rating:{key}"] = rows["number_value"].astype("float64").reindex(base.index)
    return base.reset_index()
