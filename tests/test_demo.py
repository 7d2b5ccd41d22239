"""The demo seed: accounts, open surveys, and a varied, valid, re-runnable sample."""

from __future__ import annotations

from collections import Counter

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engage.auth import services as auth_services
from engage.demo.partnership import ANALYST_EMAIL, OFFICER_EMAIL, SAFEGUARDING_EMAIL, seed_demo
from engage.surveys import logic, services
from engage.surveys.models import (
    PREFER_NOT_TO_SAY,
    Answer,
    Mode,
    Question,
    Response,
    Status,
)

# Asked of everyone who reaches the "About you" page. english_proficiency and
# disability_impact are follow-ups only a handful of respondents see.
CORE_DEMOGRAPHICS = {"age", "sex", "area", "ethnic_group", "religion", "main_language"}


def response_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Response)) or 0)


def test_seed_demo_builds_open_surveys_with_a_varied_sample(session: Session) -> None:
    result = seed_demo(session, responses=120, seed=1)
    session.commit()

    assert set(result.surveys) == {"young_people", "parents", "community"}
    surveys = {key: services.get_survey(session, sid) for key, sid in result.surveys.items()}
    assert all(s.status == Status.OPEN.value for s in surveys.values())
    assert result.responses_created == 120
    assert response_count(session) == 120

    youth = surveys["young_people"]
    assert {c.name for c in youth.channels} >= {"Web link", "Oak Park School", "Street outreach"}
    rows = session.execute(
        select(Response.channel_id, Response.mode, Response.submitted_on).where(
            Response.survey_id == youth.id
        )
    ).all()
    assert 60 <= len(rows) <= 80  # about 60% of the sample
    youth_channel_ids = {c.id for c in youth.channels}
    assert all(channel_id in youth_channel_ids for channel_id, _, _ in rows)
    assert len({channel_id for channel_id, _, _ in rows}) >= 5
    assert Mode.PAPER.value in {mode for _, mode, _ in rows}
    assert all(youth.opens_on <= on <= services.today() for _, _, on in rows)
    assert len({on for _, _, on in rows}) > 5


def test_demo_answers_are_valid_and_include_prefer_not_to_say(session: Session) -> None:
    result = seed_demo(session, responses=120, seed=1)
    session.commit()

    for survey_id in result.surveys.values():
        survey = services.get_survey(session, survey_id)
        for response in session.scalars(select(Response).where(Response.survey_id == survey_id)):
            raw: dict[int, list[str]] = {}
            for answer in response.answers:
                value = answer.text_value or answer.option_code
                if value is None and answer.number_value is not None:
                    value = str(int(answer.number_value))
                assert value is not None
                raw.setdefault(answer.question_id, []).append(value)
            assert logic.check_survey(survey, raw).errors == {}
            _, dropped = logic.prune_hidden(survey, raw)
            assert dropped == []

    declined = set(
        session.scalars(
            select(Question.demographic)
            .join(Answer, Answer.question_id == Question.id)
            .where(Answer.option_code == PREFER_NOT_TO_SAY)
        )
    )
    assert declined >= CORE_DEMOGRAPHICS


def test_demo_free_text_is_varied(session: Session) -> None:
    result = seed_demo(session, responses=120, seed=1)
    session.commit()

    texts = list(
        session.scalars(
            select(Answer.text_value)
            .join(Response, Response.id == Answer.response_id)
            .where(Answer.text_value.is_not(None), Response.survey_id.in_(result.surveys.values()))
        )
    )
    assert len(texts) > 100
    assert len(set(texts)) > 0.5 * len(texts)
    most_common, times = Counter(texts).most_common(1)[0]
    assert times < 0.05 * len(texts), most_common


def test_running_demo_again_creates_nothing_and_resets_passwords(session: Session) -> None:
    first = seed_demo(session, responses=120, seed=1)
    session.commit()
    second = seed_demo(session, responses=120, seed=1)
    session.commit()

    assert second.responses_created == 0
    assert second.surveys == first.surveys
    assert response_count(session) == 120
    assert second.officer_password != first.officer_password
    assert second.analyst_password != first.analyst_password
    assert second.analyst_password != second.officer_password

    officer = auth_services.authenticate(session, OFFICER_EMAIL, second.officer_password)
    assert officer is not None and officer.role == "officer"
    analyst = auth_services.authenticate(session, ANALYST_EMAIL, second.analyst_password)
    assert analyst is not None and analyst.role == "analyst"
    assert auth_services.authenticate(session, OFFICER_EMAIL, first.officer_password) is None
    lead = auth_services.authenticate(session, SAFEGUARDING_EMAIL, second.safeguarding_password)
    assert lead is not None and lead.role == "safeguarding"
    session.commit()

    summary = second.summary()
    assert OFFICER_EMAIL in summary and second.officer_password in summary
    assert ANALYST_EMAIL in summary and second.analyst_password in summary
    assert SAFEGUARDING_EMAIL in summary and second.safeguarding_password in summary
    for survey_id in second.surveys.values():
        assert f"/surveys/{survey_id}" in summary
    youth = services.get_survey(session, second.surveys["young_people"])
    assert all(f"/s/{channel.code}" in summary for channel in youth.channels)


def test_demo_command_prints_the_login(app: Flask, session: Session) -> None:
    result = app.test_cli_runner().invoke(args=["demo", "--responses", "20", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert OFFICER_EMAIL in result.output
    assert "Created 20 sample responses." in result.output
    assert "assembly.amira@demo.engage.local" in result.output
    # This year's 20, and last year's wave (three quarters as many) for "you said, we did".
    assert response_count(session) == 20 + 15
