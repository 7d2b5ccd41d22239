"""The demo seed: accounts, open surveys, a varied, valid, re-runnable sample, last year's
wave and its commitments, and the Youth Assembly's review."""

from __future__ import annotations

import time
from collections import Counter

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engage.assembly.members import voter_key
from engage.assembly.models import AssemblyProfile, Comment, Participant, Review, Statement
from engage.auth import services as auth_services
from engage.auth.models import User
from engage.demo.partnership import ANALYST_EMAIL, OFFICER_EMAIL, SAFEGUARDING_EMAIL, seed_demo
from engage.feedback.models import Commitment, CommitmentStatus, SurveyWave
from engage.priorities.models import Priority
from engage.surveys import logic, services
from engage.surveys.models import (
    PREFER_NOT_TO_SAY,
    Answer,
    Mode,
    Question,
    Response,
    Status,
    Survey,
)
from tests.conftest import today
from tests.test_assembly import SECRET, text_of

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


def test_seed_loop_builds_a_previous_wave_and_is_idempotent(app, session) -> None:
    from engage.demo.loop import PREVIOUS_TITLE, seed_loop
    from engage.demo.partnership import OFFICER_EMAIL, seed_demo
    from engage.feedback import services

    result = seed_demo(session, responses=60, seed=3)
    officer_id = session.scalar(
        select(func.min(Survey.created_by_id)).where(Survey.created_by_id.is_not(None))
    )
    assert officer_id is not None
    started = time.perf_counter()
    created = seed_loop(session, surveys=result.surveys, officer_id=officer_id, secret_key="k" * 40)
    session.commit()
    elapsed = time.perf_counter() - started
    assert elapsed < 15, elapsed

    previous = session.get(Survey, created["previous_survey_id"])
    assert previous.title == PREVIOUS_TITLE and previous.status == Status.CLOSED.value
    assert previous.closes_on < today()
    youth_id = result.surveys["young_people"]
    assert services.previous_wave(session, youth_id).id == previous.id
    assert 250 <= created["previous_responses"] <= 350
    items = services.list_commitments(session, previous.id)
    assert 5 <= len(items) <= 7
    assert {c.status for c in items} == {s.value for s in CommitmentStatus}
    assert all(1 <= len(c.updates) <= 4 and c.themes for c in items)
    assert any(c.status == "done" and c.done_on for c in items)
    assert all(c.reason for c in items if c.status == "not_taken_forward")
    assert {"West Midlands Police", "Birmingham and Solihull ICB"} <= {c.partner for c in items}
    assert all(u.on <= today() for c in items for u in c.updates)
    wm = session.scalars(select(Priority).where(Priority.set_key == "wmvrp")).all()
    assert len(wm) == 5 and all(p.themes for p in wm)
    assert session.scalar(select(func.count()).select_from(Priority)) == 5
    assert OFFICER_EMAIL  # the officer who made it is the demo officer

    again = seed_loop(session, surveys=result.surveys, officer_id=officer_id, secret_key="k" * 40)
    session.commit()
    assert again["previous_survey_id"] == previous.id
    assert again["previous_responses"] == 0 and again["commitments_created"] == 0
    assert session.scalar(select(func.count()).select_from(Commitment)) == len(items)
    assert session.scalar(select(func.count()).select_from(Priority)) == 5
    assert session.scalar(select(func.count()).select_from(SurveyWave)) == 1
    assert (
        session.scalar(
            select(func.count()).select_from(Survey).where(Survey.title == PREVIOUS_TITLE)
        )
        == 1
    )


def test_demo_assembly_seeds_an_open_review_to_explore(app: Flask, session: Session) -> None:
    from engage.demo.assembly import seed_assembly
    from engage.demo.partnership import seed_demo
    from engage.surveys import services as survey_services

    demo = seed_demo(session, responses=150, seed=3)
    officer = session.scalar(select(User).where(User.email == demo.officer_email))
    survey = survey_services.get_survey(session, demo.surveys["young_people"])
    result = seed_assembly(session, survey=survey, officer_id=officer.id, secret_key=SECRET)
    session.commit()
    assert result["created"] is True
    review = session.get(Review, result["review_id"])
    assert review.status == "open" and review.survey_id == survey.id
    assert 5 <= len(review.themes) <= 6 and all(t.note for t in review.themes)
    assert 3 <= len(review.quotes) <= 4
    statements = session.scalars(select(Statement).where(Statement.review_id == review.id)).all()
    by = {(s.origin, s.status) for s in statements}
    assert by == {("officer", "approved"), ("member", "approved"), ("member", "pending")}
    assert 8 <= sum(s.origin == "officer" for s in statements) <= 10
    assert sum(s.status == "pending" for s in statements) == 2
    assert session.scalar(select(func.count()).select_from(Comment)) == 1
    people = session.scalars(select(Participant)).all()
    assert len(people) == 24 and len({p.age_band for p in people}) >= 4

    emails = [email for email, _, _ in result["members"]]
    members = session.scalars(select(User).where(User.email.in_(emails))).all()
    assert {m.role for m in members} == {"assembly"}
    bands = {session.get(AssemblyProfile, m.id).age_band for m in members}
    assert len(bands) == 2
    real_keys = {voter_key(SECRET, review.id, m.id) for m in members}
    assert not real_keys & {p.voter for p in people}  # the real members have voted on nothing

    again = seed_assembly(session, survey=survey, officer_id=officer.id, secret_key=SECRET)
    session.commit()
    assert again["created"] is False and again["review_id"] == review.id
    assert session.scalar(select(func.count()).select_from(Review)) == 1
    demo_member = next(m for m in members if m.email == emails[0])
    client = app.test_client()
    login = client.post(
        "/login", data={"email": demo_member.email, "password": again["members"][0][2]}
    )
    assert login.status_code == 302
    body = text_of(client.get(f"/assembly/{review.id}/results"))
    assert "Group A" in body and "Group B" in body and "Divided" in body
    assert "10 statements to vote on" in text_of(client.get("/assembly/"))
