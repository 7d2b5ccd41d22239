"""Designing consultations: settings, pages and questions, conditions, locks, copies, channels."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from sqlalchemy import func, select

from engage.auth.roles import Role
from engage.errors import Conflict, InvalidInput, SurveyLocked
from engage.surveys import services
from engage.surveys.models import Question, Status, Survey
from tests.helpers import question, submit_all, youth_answers


def settings(**overrides) -> services.SurveySettings:
    values = dict(
        title="Safer streets",
        introduction="",
        audience="young_people",
        areas="E08000027",
        age_min=11,
        age_max=25,
        opens_on=None,
        closes_on=None,
    )
    values.update(overrides)
    return services.SurveySettings(**values)


@pytest.mark.parametrize("starter", ["young_people", "parents", "community"])
def test_starters_build_valid_surveys_with_demographics(session, starter) -> None:
    survey = services.create_survey(session, settings(), created_by_id=None, starter=starter)
    session.commit()
    keys = {q.key for q in survey.questions}
    assert {
        "age",
        "sex",
        "ethnic_group",
        "religion",
        "gender_identity",
        "long_term_condition",
        "main_language",
        "area",
    } <= keys
    assert len(survey.sections) >= 6
    assert services.publish_problems(survey) == []
    demographic = [q for q in survey.questions if q.demographic]
    assert all(not q.required for q in demographic)
    for q in demographic:
        if q.kind == "number":
            assert q.prefer_not_option
        else:
            assert q.options[-1].code == "prefer_not_to_say"


def test_ethnic_group_has_the_19_census_categories(session) -> None:
    survey = services.create_survey(session, settings(), created_by_id=None, starter="young_people")
    ethnic = question(survey, "ethnic_group")
    assert len([o for o in ethnic.options if o.code != "prefer_not_to_say"]) == 19
    spec = json.loads(
        resources.files("engage.surveys").joinpath("starters/demographics.json").read_text()
    )
    census = spec["census_categories"]["ethnic_group"]
    assert set(census) == {o.code for o in ethnic.options} - {"prefer_not_to_say"}
    assert len(set(census.values())) == 19


def test_gender_identity_and_disability_are_for_16_plus(session) -> None:
    survey = services.create_survey(session, settings(), created_by_id=None, starter="young_people")
    for key in ("gender_identity", "long_term_condition"):
        q = question(survey, key)
        assert (q.condition_question.key, q.condition_operator, q.condition_value) == (
            "age",
            "at_least",
            "16",
        )


def test_area_question_lists_the_survey_areas(session) -> None:
    survey = services.create_survey(
        session, settings(areas="E08000025, E08000027"), created_by_id=None, starter="young_people"
    )
    area = question(survey, "area")
    assert [o.label for o in area.options][:2] == ["Birmingham", "Dudley"]
    services.update_settings(session, survey, settings(areas="E08000028"))
    assert area.options[0].label == "Sandwell"


def test_settings_are_validated(session) -> None:
    with pytest.raises(InvalidInput, match="E99999999"):
        services.create_survey(session, settings(areas="E99999999"), created_by_id=None)
    with pytest.raises(InvalidInput, match="youngest"):
        services.create_survey(session, settings(age_min=30, age_max=20), created_by_id=None)
    with pytest.raises(InvalidInput, match="at least one area"):
        services.create_survey(session, settings(areas=" "), created_by_id=None)


def test_west_midlands_survey_pools_seven_areas(session) -> None:
    codes = " ".join(f"E080000{n}" for n in range(25, 32))
    survey = services.create_survey(session, settings(areas=codes), created_by_id=None)
    assert len(survey.area_codes) == 7


def test_lifecycle(session) -> None:
    survey = services.create_survey(session, settings(), created_by_id=None)
    with pytest.raises(Conflict, match="Add at least one question"):
        services.set_status(session, survey, "open")
    section = services.add_section(session, survey, "Page one")
    services.add_question(
        session, survey, section, services.QuestionSpec(key="feel", kind="text", text="How is it?")
    )
    services.set_status(session, survey, "open")
    with pytest.raises(Conflict):
        services.set_status(session, survey, "draft")
    services.set_status(session, survey, "closed")
    services.set_status(session, survey, "open")
    services.set_status(session, survey, "closed")
    services.set_status(session, survey, "archived")
    with pytest.raises(Conflict):
        services.set_status(session, survey, "open")


def test_conditions_must_point_to_an_earlier_page(session) -> None:
    survey = services.create_survey(session, settings(), created_by_id=None)
    first = services.add_section(session, survey, "One")
    services.add_question(
        session,
        survey,
        first,
        services.QuestionSpec(
            key="tell", kind="single", text="Tell?", options=[("yes", "Yes"), ("no", "No")]
        ),
    )
    with pytest.raises(InvalidInput, match="earlier page"):
        services.add_question(
            session,
            survey,
            first,
            services.QuestionSpec(
                key="why", kind="text", text="Why?", condition={"question": "tell", "value": "no"}
            ),
        )
    second = services.add_section(session, survey, "Two")
    with pytest.raises(InvalidInput, match="not one of the options"):
        services.add_question(
            session,
            survey,
            second,
            services.QuestionSpec(
                key="why",
                kind="text",
                text="Why?",
                condition={"question": "tell", "value": "maybe"},
            ),
        )
    q = services.add_question(
        session,
        survey,
        second,
        services.QuestionSpec(
            key="why", kind="text", text="Why?", condition={"question": "tell", "value": "no"}
        ),
    )
    assert q.condition_question.key == "tell"
    with pytest.raises(Conflict, match="depends on this one"):
        services.delete_question(session, survey, survey.sections[0].questions[0])
    with pytest.raises(Conflict, match="before the question"):
        services.move_section(session, survey, second, -1)


def test_question_validation(session) -> None:
    survey = services.create_survey(session, settings(), created_by_id=None)
    section = services.add_section(session, survey, "One")
    bad = [
        (services.QuestionSpec(key="Bad Key", kind="text", text="x"), "short name"),
        (
            services.QuestionSpec(key="k", kind="single", text="x", options=[("a", "A")]),
            "at least two",
        ),
        (
            services.QuestionSpec(
                key="k", kind="rating", text="x", options=[("a", "A"), ("b", "B")]
            ),
            "numbers",
        ),
        (
            services.QuestionSpec(key="k", kind="number", text="x", min_value=10, max_value=1),
            "smallest",
        ),
        (services.QuestionSpec(key="k", kind="sideways", text="x"), "type"),
    ]
    for spec, message in bad:
        with pytest.raises(InvalidInput, match=message):
            services.add_question(session, survey, section, spec)


def test_options_from_lines() -> None:
    assert services.options_from_lines("1 | Very unsafe\n\n2 | Unsafe") == [
        ("1", "Very unsafe"),
        ("2", "Unsafe"),
    ]
    assert services.options_from_lines("No one at all\nA friend") == [
        ("no_one_at_all", "No one at all"),
        ("a_friend", "A friend"),
    ]


def test_questions_lock_once_anyone_has_answered(client, session, make_survey) -> None:
    survey = make_survey()
    submit_all(client, survey, survey.channels[0].code, youth_answers(survey))
    session.rollback()  # end the read snapshot; see what the requests committed
    session.expire_all()
    survey = services.get_survey(session, survey.id)
    with pytest.raises(SurveyLocked):
        services.add_section(session, survey, "More")
    with pytest.raises(SurveyLocked):
        services.update_question(
            session,
            survey,
            survey.questions[0],
            services.QuestionSpec(key="x", kind="text", text="x"),
        )
    with pytest.raises(SurveyLocked):
        services.delete_question(session, survey, survey.questions[0])


def test_locked_survey_page_is_409_for_officer(
    client, session, make_survey, make_user, login
) -> None:
    survey = make_survey()
    submit_all(client, survey, survey.channels[0].code, youth_answers(survey))
    login(make_user(Role.OFFICER))
    q = survey.questions[0]
    response = client.post(
        f"/surveys/{survey.id}/questions/{q.id}",
        data={"text": "changed", "key": q.key, "kind": "text"},
    )
    assert response.status_code == 409
    assert "Make a copy" in response.get_data(as_text=True)
    assert session.scalar(select(Question.text).where(Question.id == q.id)) != "changed"


def test_copy_makes_an_editable_draft(client, session, make_survey) -> None:
    survey = make_survey()
    submit_all(client, survey, survey.channels[0].code, youth_answers(survey))
    session.rollback()  # end the read snapshot; see what the requests committed
    session.expire_all()
    original = services.get_survey(session, survey.id)
    original.retention_days, original.purge_responses = 90, True
    copy = services.copy_survey(session, original, created_by_id=None)
    session.commit()
    assert copy.status == Status.DRAFT.value and copy.copied_from_id == original.id
    assert (copy.retention_days, copy.purge_responses) == (90, True)
    assert [q.key for q in copy.questions] == [q.key for q in original.questions]
    assert {q.id for q in copy.questions}.isdisjoint({q.id for q in original.questions})
    why = question(copy, "why_not_tell")
    assert why.condition_question.key == "who_tell" and why.condition_question.survey_id == copy.id
    assert [c.name for c in copy.channels] == [c.name for c in original.channels]
    assert {c.code for c in copy.channels}.isdisjoint({c.code for c in original.channels})
    services.add_section(session, copy, "A new page")  # not locked


def test_channels_links_and_qr_codes(client, session, make_survey, make_user, login) -> None:
    survey = make_survey()
    login(make_user(Role.OFFICER))
    response = client.post(
        f"/surveys/{survey.id}/channels", data={"name": "Oak Park School", "cap": "30"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/surveys/{survey.id}/channels")
    session.rollback()  # end the read snapshot; see what the requests committed
    session.expire_all()
    survey = services.get_survey(session, survey.id)
    channel = next(c for c in survey.channels if c.name == "Oak Park School")
    assert channel.cap == 30 and len(channel.code) == 7
    duplicate = client.post(f"/surveys/{survey.id}/channels", data={"name": "oak park school"})
    assert duplicate.status_code == 422
    svg = client.get(f"/surveys/{survey.id}/channels/{channel.id}/qr.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert b"<svg" in svg.data
    png = client.get(f"/surveys/{survey.id}/channels/{channel.id}/qr.png")
    assert png.status_code == 200 and png.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert client.get(f"/surveys/{survey.id}/channels/{channel.id}/qr.gif").status_code == 422
    closed = client.post(
        f"/surveys/{survey.id}/channels/{channel.id}", data={"cap": "", "closed": "y"}
    )
    assert closed.status_code == 302
    assert client.get(f"/s/{channel.code}").status_code == 410


def test_officer_designs_a_survey_through_the_pages(client, session, make_user, login) -> None:
    login(make_user(Role.OFFICER))
    created = client.post(
        "/surveys/new",
        data={
            "starter": "",
            "title": "Youth club voices",
            "audience": "young_people",
            "areas": "E08000027",
            "age_min": "11",
            "age_max": "18",
        },
    )
    assert created.status_code == 302
    survey = session.scalars(select(Survey).where(Survey.title == "Youth club voices")).one()
    assert (
        client.post(f"/surveys/{survey.id}/sections", data={"title": "About the club"}).status_code
        == 302
    )
    session.rollback()  # end the read snapshot; see what the requests committed
    session.expire_all()
    survey = services.get_survey(session, survey.id)
    section = survey.sections[0]
    added = client.post(
        f"/surveys/{survey.id}/sections/{section.id}/questions/new",
        data={
            "text": "How safe do you feel here?",
            "key": "club_safe",
            "kind": "rating",
            "options": "1 | Very unsafe\n2 | Unsafe\n3 | Safe\n4 | Very safe",
        },
    )
    assert added.status_code == 302
    bad = client.post(
        f"/surveys/{survey.id}/sections/{section.id}/questions/new",
        data={"text": "Pick", "key": "pick", "kind": "single", "options": "Only one"},
    )
    assert bad.status_code == 422 and "at least two options" in bad.get_data(as_text=True)
    assert client.post(f"/surveys/{survey.id}/demographics").status_code == 302
    assert client.post(f"/surveys/{survey.id}/status", data={"status": "open"}).status_code == 302
    session.rollback()  # end the read snapshot; see what the requests committed
    session.expire_all()
    survey = services.get_survey(session, survey.id)
    assert (
        survey.status == "open" and question(survey, "club_safe").options[0].label == "Very unsafe"
    )
    for page in (
        "",
        "/questions",
        "/channels",
        "/settings",
        "/preview",
        "/responses",
        "/responses/new",
    ):
        assert client.get(f"/surveys/{survey.id}{page}").status_code == 200, page
    assert (
        session.scalar(
            select(func.count()).select_from(Question).where(Question.survey_id == survey.id)
        )
        > 5
    )
