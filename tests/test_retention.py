"""Retention: free text removed (or whole responses deleted) once a survey's period has passed.

The clock is frozen: services get ``today`` explicitly, and the CLI test replaces
``engage.surveys.services.today``, the one function the app asks for today's date.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from engage.audit.models import AuditEvent
from engage.auth.roles import Role
from engage.surveys import services
from engage.surveys.models import Answer, AnswerTranslation, Response, Survey
from engage.surveys.retention import REMOVED_TEXT, purge
from tests.helpers import submit_all, youth_answers

TODAY = date(2026, 6, 30)
EXPIRED = TODAY - timedelta(days=31)  # 31 + 30 days old: submitted_on + 30 < today
BOUNDARY = TODAY - timedelta(days=30)  # submitted_on + 30 == today: kept one more day
RECENT = TODAY - timedelta(days=1)


def _respond(client, session, survey, dates: list[date]) -> list[uuid.UUID]:
    """One response per date through the real respondent flow, then dated as given."""
    ids: list[uuid.UUID] = []
    code = survey.channels[0].code
    for on in dates:
        before = set(session.scalars(select(Response.id).where(Response.survey_id == survey.id)))
        assert submit_all(client, survey, code, youth_answers(survey)).status_code == 200
        session.rollback()  # see the request's commit
        [new_id] = (
            set(session.scalars(select(Response.id).where(Response.survey_id == survey.id)))
            - before
        )
        session.execute(update(Response).where(Response.id == new_id).values(submitted_on=on))
        session.commit()  # release SQLite's write lock before the next submission
        ids.append(new_id)
    return ids


def _set_retention(session, survey, days: int | None, purge_responses: bool = False) -> None:
    survey.retention_days = days
    survey.purge_responses = purge_responses
    session.commit()


def _texts(session, response_id: uuid.UUID) -> list[str | None]:
    """The text_value of every free-text answer the response gave (None once removed)."""
    session.rollback()
    return list(
        session.scalars(
            select(Answer.text_value)
            .where(Answer.response_id == response_id)
            .where(Answer.option_code.is_(None), Answer.number_value.is_(None))
        )
    )


def _answer_count(session, response_id: uuid.UUID) -> int:
    return int(session.scalar(select(func.count()).where(Answer.response_id == response_id)) or 0)


def _purge_events(session) -> list[AuditEvent]:
    session.rollback()
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == "retention_purge")))


@pytest.fixture
def survey_with_responses(client, session, make_survey):
    survey = make_survey(title="Knife crime in Dudley")
    ids = _respond(client, session, survey, [EXPIRED, BOUNDARY, RECENT])
    return survey, dict(zip(["expired", "boundary", "recent"], ids, strict=True))


def test_old_free_text_is_removed_and_everything_else_kept(session, survey_with_responses) -> None:
    survey, ids = survey_with_responses
    _set_retention(session, survey, 30)
    before = {name: _answer_count(session, rid) for name, rid in ids.items()}
    assert _texts(session, ids["expired"]) == [
        "Gangs hang round the park after dark and people carry knives."
    ]

    report = purge(session, today=TODAY)
    session.commit()

    [done] = report.surveys
    assert (done.survey_id, done.title) == (survey.id, "Knife crime in Dudley")
    assert (done.answers_anonymised, done.responses_anonymised, done.responses_deleted) == (1, 1, 0)
    assert _texts(session, ids["expired"]) == [None]
    assert _texts(session, ids["boundary"]) == _texts(session, ids["recent"]) != [None]
    # The rows survive, so counts of who answered each question are unchanged.
    assert {name: _answer_count(session, rid) for name, rid in ids.items()} == before
    assert session.scalar(select(func.count()).select_from(Response)) == 3

    [event] = _purge_events(session)
    assert (event.actor_id, event.actor_email) == (None, None)
    assert (event.object_type, event.object_id) == ("survey", str(survey.id))

    # A second run finds nothing more to do and records nothing.
    assert purge(session, today=TODAY).nothing
    session.commit()
    assert len(_purge_events(session)) == 1


def test_purge_responses_deletes_whole_old_responses(session, survey_with_responses) -> None:
    survey, ids = survey_with_responses
    _set_retention(session, survey, 30, purge_responses=True)
    report = purge(session, today=TODAY)
    session.commit()

    [done] = report.surveys
    assert (done.answers_anonymised, done.responses_anonymised, done.responses_deleted) == (0, 0, 1)
    session.rollback()
    remaining = set(session.scalars(select(Response.id)))
    assert remaining == {ids["boundary"], ids["recent"]}
    assert _answer_count(session, ids["expired"]) == 0  # answers went with the response
    assert _answer_count(session, ids["recent"]) > 0
    assert len(_purge_events(session)) == 1


def test_dry_run_changes_nothing(session, survey_with_responses) -> None:
    survey, ids = survey_with_responses
    _set_retention(session, survey, 30)
    dry = purge(session, today=TODAY, dry_run=True)
    session.commit()
    assert dry.dry_run
    assert [(s.answers_anonymised, s.responses_anonymised) for s in dry.surveys] == [(1, 1)]
    assert _texts(session, ids["expired"]) != [None]
    assert _purge_events(session) == []

    _set_retention(session, survey, 30, purge_responses=True)
    assert [s.responses_deleted for s in purge(session, today=TODAY, dry_run=True).surveys] == [1]
    session.commit()
    assert session.scalar(select(func.count()).select_from(Response)) == 3


def test_surveys_without_retention_are_untouched(
    client, session, make_survey, survey_with_responses
) -> None:
    kept_survey, kept_ids = survey_with_responses  # no retention set
    other = make_survey(title="With a rule")
    [other_id] = _respond(client, session, other, [EXPIRED])
    _set_retention(session, other, 30)

    report = purge(session, today=TODAY + timedelta(days=3650))
    session.commit()

    assert [s.survey_id for s in report.surveys] == [other.id]
    assert _texts(session, other_id) == [None]
    for rid in kept_ids.values():
        assert _texts(session, rid) != [None]
    assert kept_survey.retention_days is None


def test_removed_text_reads_as_removed(client, session, make_user, login, survey_with_responses):
    survey, ids = survey_with_responses
    _set_retention(session, survey, 30)
    purge(session, today=TODAY)
    session.commit()
    login(make_user(Role.ANALYST))
    page = client.get(f"/surveys/{survey.id}/responses/{ids['expired']}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert REMOVED_TEXT.replace("'", "&#39;") in html
    assert "carry knives" not in html
    assert client.get(f"/surveys/{survey.id}/export.csv").status_code == 200


# ---------------------------------------------------------------- settings


def _settings(survey, **extra: str) -> dict[str, str]:
    return {
        "title": survey.title,
        "introduction": "",
        "audience": "young_people",
        "areas": "E08000027",
        **extra,
    }


def _stored_rule(session, survey_id: int) -> tuple[int | None, bool]:
    session.rollback()  # end the read snapshot and expire what was loaded
    row = session.execute(
        select(Survey.retention_days, Survey.purge_responses).where(Survey.id == survey_id)
    ).one()
    return row.retention_days, row.purge_responses


def test_retention_is_set_on_the_settings_page(client, session, make_user, login, make_survey):
    survey = make_survey()
    login(make_user(Role.OFFICER))
    page = client.get(f"/surveys/{survey.id}/settings").get_data(as_text=True)
    assert "Free text is removed this many days after each response&#39;s date" in page

    saved = client.post(
        f"/surveys/{survey.id}/settings", data=_settings(survey, retention_days="90")
    )
    assert saved.status_code == 302
    assert _stored_rule(session, survey.id) == (90, False)
    page = client.get(f"/surveys/{survey.id}/settings").get_data(as_text=True)
    assert "Free text is removed 90 days after each response&#39;s date" in page

    both = _settings(survey, retention_days="365", purge_responses="y")
    assert client.post(f"/surveys/{survey.id}/settings", data=both).status_code == 302
    assert _stored_rule(session, survey.id) == (365, True)
    assert "Responses are deleted 365 days" in client.get(
        f"/surveys/{survey.id}/settings"
    ).get_data(as_text=True)

    cleared = client.post(f"/surveys/{survey.id}/settings", data=_settings(survey))
    assert cleared.status_code == 302
    assert _stored_rule(session, survey.id) == (None, False)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"retention_days": "0"}, "Remove free text after (days)"),
        ({"retention_days": "soon"}, "Remove free text after (days)"),
        ({"purge_responses": "y"}, "Say after how many days"),
    ],
)
def test_bad_retention_settings_are_refused(
    client, session, make_user, login, make_survey, extra, message
) -> None:
    survey = make_survey()
    login(make_user(Role.OFFICER))
    response = client.post(f"/surveys/{survey.id}/settings", data=_settings(survey, **extra))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_settings_service_refuses_a_non_positive_period(make_survey) -> None:
    from engage.errors import InvalidInput

    survey = make_survey()
    settings = services.SurveySettings(
        title="t",
        introduction="",
        audience="young_people",
        areas="E08000027",
        age_min=None,
        age_max=None,
        opens_on=None,
        closes_on=None,
        retention_days=0,
    )
    with pytest.raises(InvalidInput):
        services.apply_settings(survey, settings)


# ---------------------------------------------------------------- the command


@pytest.fixture
def frozen_today(monkeypatch: pytest.MonkeyPatch) -> date:
    monkeypatch.setattr(services, "today", lambda: TODAY)
    return TODAY


def test_purge_command(app, session, survey_with_responses, frozen_today) -> None:
    survey, ids = survey_with_responses
    _set_retention(session, survey, 30)
    runner = app.test_cli_runner()

    dry = runner.invoke(args=["purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert dry.output.splitlines() == [
        f"Survey {survey.id} 'Knife crime in Dudley': would remove free text from 1 answer "
        "in 1 response; would delete 0 responses",
        "Dry run: nothing was changed.",
    ]
    assert _texts(session, ids["expired"]) != [None]

    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"Survey {survey.id} 'Knife crime in Dudley': removed free text from 1 answer "
        "in 1 response; deleted 0 responses\n"
    )
    assert _texts(session, ids["expired"]) == [None]
    assert len(_purge_events(session)) == 1

    again = runner.invoke(args=["purge"])
    assert again.output == "Nothing to purge.\n"


def test_purge_command_deletes_responses(app, session, survey_with_responses, frozen_today):
    survey, _ = survey_with_responses
    _set_retention(session, survey, 1, purge_responses=True)
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "deleted 2 responses" in result.output  # the expired and the boundary one
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Response)) == 1


def test_purge_command_with_nothing_to_do(app, frozen_today) -> None:
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0
    assert result.output == "Nothing to purge.\n"


# ---------------------------------------------------------------- the migration


def test_migration_0004_keeps_existing_surveys_and_their_pages(tmp_path) -> None:
    """Adding the retention columns must not rebuild ``survey`` on SQLite.

    A rebuild drops the old table, and with foreign keys on that cascades to
    every section, question and response.
    """
    from engage.db import make_engine
    from engage.migrate import upgrade

    engine = make_engine(f"sqlite:///{tmp_path}/upgrade.sqlite3")
    upgrade(engine, "0003")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO survey (id, title, introduction, audience, status, created_at, "
            "updated_at, version) VALUES (1, 't', '', 'young_people', 'open', "
            "'2026-01-01', '2026-01-01', 1)"
        )
        conn.exec_driver_sql(
            "INSERT INTO section (id, survey_id, position, title, intro) VALUES (1, 1, 0, 'p', '')"
        )
    upgrade(engine, "0004")
    with engine.connect() as conn:
        surveys = conn.exec_driver_sql(
            "SELECT id, retention_days, purge_responses FROM survey"
        ).all()
        sections = conn.exec_driver_sql("SELECT count(*) FROM section").scalar()
    engine.dispose()
    assert surveys == [(1, None, 0)]
    assert sections == 1


def _translate_all(session, ids: dict[str, uuid.UUID]) -> dict[str, uuid.UUID]:
    """A translation beside each response's written answer; returns the answer ids."""
    answers = {}
    for name, response_id in ids.items():
        answer_id = session.scalar(
            select(Answer.id).where(
                Answer.response_id == response_id, Answer.text_value.is_not(None)
            )
        )
        session.add(
            AnswerTranslation(answer_id=answer_id, language="ur", text=f"translated {name}")
        )
        answers[name] = answer_id
    session.commit()
    return answers


@pytest.mark.parametrize("purge_responses", [False, True])
def test_purge_removes_translations_of_the_text_it_removes(
    session, survey_with_responses, purge_responses: bool
) -> None:
    survey, ids = survey_with_responses
    answers = _translate_all(session, ids)
    _set_retention(session, survey, 30, purge_responses=purge_responses)
    dry = purge(session, today=TODAY, dry_run=True)
    session.commit()
    assert not dry.nothing
    assert session.scalar(select(func.count()).select_from(AnswerTranslation)) == 3

    purge(session, today=TODAY)
    session.commit()
    session.rollback()
    kept = set(session.scalars(select(AnswerTranslation.answer_id)))
    assert kept == {answers["boundary"], answers["recent"]}
    assert (
        session.scalar(
            select(AnswerTranslation.text).where(AnswerTranslation.answer_id == answers["recent"])
        )
        == "translated recent"
    )
