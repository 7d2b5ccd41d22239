"""The submission pipeline: every stored response goes through the same steps, in one transaction."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import func, select

from engage.auth.roles import Role
from engage.safeguarding.models import SafeguardingFlag
from engage.surveys.models import Answer, Mode, Response, SubmissionReceipt
from engage.surveys.panels import SURVEY_PANELS, Panel
from engage.surveys.pipeline import SUBMISSION_PIPELINE, Submission
from tests.helpers import question, submit_all, youth_answers

DISCLOSURE = "someone threatened to stab me last week and they said theyll get me after school"


def count(session, model) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_app_registers_the_steps_and_panels_in_the_documented_order(app) -> None:
    pipeline = app.extensions[SUBMISSION_PIPELINE]
    assert pipeline.names == ["safeguarding.flag_disclosures"]
    panels = app.extensions[SURVEY_PANELS]
    assert [name for name, _ in panels.thanks] == ["feedback.last_time"]
    assert [name for name, _ in panels.overview] == ["reach.alerts", "safeguarding.waiting"]


def test_a_step_that_raises_rolls_back_the_whole_submission(
    app, client, make_survey, session
) -> None:
    def broken(_session, _submission: Submission) -> Panel | None:
        raise RuntimeError("a step failed")

    pipeline = app.extensions[SUBMISSION_PIPELINE]
    app.extensions[SUBMISSION_PIPELINE] = replace(
        pipeline, steps=(*pipeline.steps, ("test.broken", broken))
    )
    survey = make_survey()
    # A disclosure, so the safeguarding step has added a flag before the broken step runs.
    answers = youth_answers(survey, unsafe_reasons=DISCLOSURE)
    response = submit_all(client, survey, survey.channels[0].code, answers)
    assert response.status_code == 500
    assert "Nothing was saved" in response.get_data(as_text=True)
    for model in (Response, Answer, SubmissionReceipt, SafeguardingFlag):
        assert count(session, model) == 0, model.__name__


def test_every_step_sees_the_stored_response_and_its_panels_reach_the_thank_you_page(
    app, client, make_survey, make_user, login, session
) -> None:
    seen: list[Submission] = []

    def record(_session, submission: Submission) -> Panel | None:
        seen.append(submission)
        data = {"lead": "A step added this", "href": "/r/example"}
        return Panel("feedback/_last_time.html", data)

    pipeline = app.extensions[SUBMISSION_PIPELINE]
    app.extensions[SUBMISSION_PIPELINE] = replace(
        pipeline, steps=(*pipeline.steps, ("test.record", record))
    )
    survey = make_survey()
    online = submit_all(client, survey, survey.channels[0].code, youth_answers(survey))
    assert "A step added this" in online.get_data(as_text=True)

    login(make_user(Role.OFFICER))
    feel = question(survey, "feel_safe_area").field_name
    keyed = client.post(
        f"/surveys/{survey.id}/responses/new",
        data={"channel": survey.channels[0].id, "mode": "paper", feel: "2"},
    )
    assert keyed.status_code == 302
    assert [s.mode for s in seen] == [Mode.ONLINE, Mode.PAPER]
    stored = set(session.scalars(select(Response.id)))
    assert {s.stored.response_id for s in seen} == stored
    assert {s.survey_id for s in seen} == {survey.id}
