"""The respondent's flow: pages, back, validation, headers, anonymity, exactly-once storage."""

from __future__ import annotations

import logging
import os
import re

import pytest
from sqlalchemy import func, inspect, select

from engage import create_app
from engage.auth.roles import Role
from engage.surveys import services
from engage.surveys.models import Answer, Response, Status, SubmissionReceipt
from tests.conftest import app_config, require
from tests.helpers import question, start_form, submit_all, youth_answers


def count(session, model=Response) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_start_page_has_privacy_notice_quick_exit_and_signposting(client, make_survey) -> None:
    survey = make_survey()
    html = client.get(f"/s/{survey.channels[0].code}").get_data(as_text=True)
    assert "Before you start" in html and "anonymous" in html
    assert "Leave this site quickly" in html
    for text in ("999", "0800 1111", "Fearless", "We cannot identify you or contact you"):
        assert text in html


def test_respondent_pages_send_strict_headers_and_load_nothing_off_site(
    client, make_survey
) -> None:
    survey = make_survey()
    code = survey.channels[0].code
    for url in (f"/s/{code}", f"/s/{code}/start"):
        response = client.get(url)
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "script-src" not in csp
        html = response.get_data(as_text=True)
        assert "<script" not in html
        assert not re.search(r'(src|href)="https?://[^"]+\.(css|js)', html)
        assert not re.search(r'src="(https?:)?//', html)


def test_only_the_csrf_cookie_is_set(database_url, tmp_path, make_survey) -> None:
    app = create_app(app_config(database_url, tmp_path, WTF_CSRF_ENABLED=True))
    client = app.test_client()
    survey = make_survey()
    response = client.get(f"/s/{survey.channels[0].code}/start")
    cookies = response.headers.getlist("Set-Cookie")
    assert len(cookies) == 1 and cookies[0].startswith("engage=")
    with client.session_transaction() as sess:
        assert set(sess.keys()) == {"csrf_token"}
    app.extensions["engage.engine"].dispose()


def test_full_journey_with_csrf_on(database_url, tmp_path, make_survey, session) -> None:
    app = create_app(app_config(database_url, tmp_path, WTF_CSRF_ENABLED=True))
    client = app.test_client()
    survey = make_survey()
    code = survey.channels[0].code
    state = start_form(client, code)
    assert "csrf_token" in state
    response = submit_all(client, survey, code, youth_answers(survey), state)
    assert response.status_code == 200
    assert "Thank you" in response.get_data(as_text=True)
    assert count(session) == 1
    no_token = {k: v for k, v in state.items() if k != "csrf_token"}
    refused = submit_all(client, survey, code, youth_answers(survey), no_token)
    assert refused.status_code == 400
    assert count(session) == 1
    app.extensions["engage.engine"].dispose()


def test_pages_progress_and_back_keeps_answers(client, make_survey) -> None:
    survey = make_survey()
    code = survey.channels[0].code
    state = start_form(client, code)
    first, second = survey.sections[0], survey.sections[1]
    feel = question(survey, "feel_safe_area")
    reasons = question(survey, "unsafe_reasons")
    page2 = client.post(
        f"/s/{code}",
        data={
            **state,
            "_page": first.id,
            "_action": "next",
            feel.field_name: "4",
            reasons.field_name: "The park <b>at night</b>",
        },
    )
    html = page2.get_data(as_text=True)
    assert page2.status_code == 200
    assert second.title in html and "Page 2 of" in html
    assert f'name="{feel.field_name}" value="4"' in html  # carried forward in a hidden field
    back = client.post(
        f"/s/{code}",
        data={
            **state,
            "_page": second.id,
            "_action": "back",
            feel.field_name: "4",
            reasons.field_name: "The park <b>at night</b>",
        },
    )
    html = back.get_data(as_text=True)
    assert first.title in html and "Page 1 of" in html
    assert re.search(rf'id="{feel.field_name}-3" name="{feel.field_name}" value="4" checked', html)
    assert "The park &lt;b&gt;at night&lt;/b&gt;</textarea>" in html


def test_validation_error_reshows_page_with_answers_and_summary(
    client, make_survey, session
) -> None:
    survey = make_survey()
    code = survey.channels[0].code
    state = start_form(client, code)
    reasons = question(survey, "unsafe_reasons")
    response = client.post(
        f"/s/{code}",
        data={
            **state,
            "_page": survey.sections[0].id,
            "_action": "next",
            reasons.field_name: "kept text",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in html
    assert f'href="#{question(survey, "feel_safe_area").field_name}"' in html
    assert "kept text</textarea>" in html
    assert count(session) == 0


def test_condition_shows_follow_up_only_when_it_applies(client, make_survey, session) -> None:
    survey = make_survey()
    code = survey.channels[0].code
    who, why = question(survey, "who_tell"), question(survey, "why_not_tell")
    # Under 16 and English as main language: gender identity page has nothing, so it is skipped.
    ok = submit_all(
        client,
        survey,
        code,
        youth_answers(survey, who_tell="no_one", why_not_tell="I'd be called a snitch"),
    )
    assert ok.status_code == 200
    stored = session.scalar(select(Answer.text_value).where(Answer.question_id == why.id))
    assert stored == "I'd be called a snitch"
    hidden = submit_all(
        client, survey, code, youth_answers(survey, who_tell="friend", why_not_tell="sneaky")
    )
    assert hidden.status_code == 422
    assert "did not apply" in hidden.get_data(as_text=True)
    assert count(session) == 1
    assert who.id


def test_age_condition_reveals_16_plus_questions(client, make_survey, session) -> None:
    survey = make_survey()
    code = survey.channels[0].code
    gender = question(survey, "gender_identity")
    too_young = submit_all(
        client, survey, code, youth_answers(survey, age="14", gender_identity="yes")
    )
    assert too_young.status_code == 422
    ok = submit_all(
        client,
        survey,
        code,
        youth_answers(
            survey,
            age="17",
            gender_identity="yes",
            long_term_condition="yes",
            disability_impact="yes_a_little",
        ),
    )
    assert ok.status_code == 200, ok.get_data(as_text=True)[:2000]
    assert (
        session.scalar(select(Answer.option_code).where(Answer.question_id == gender.id)) == "yes"
    )


def test_double_submit_stores_exactly_one_response(client, make_survey, session) -> None:
    survey = make_survey()
    code = survey.channels[0].code
    state = start_form(client, code)
    first = submit_all(client, survey, code, youth_answers(survey), state)
    again = submit_all(client, survey, code, youth_answers(survey), state)
    assert first.status_code == again.status_code == 200
    assert "Thank you" in again.get_data(as_text=True)
    assert count(session) == 1
    assert count(session, SubmissionReceipt) == 1


def test_response_row_holds_nothing_identifying(client, make_survey, session) -> None:
    columns = {c["name"] for c in inspect(session.get_bind()).get_columns("response")}
    # language: the coarse language the survey was answered in (issue 11), never finer.
    assert columns == {"id", "survey_id", "channel_id", "mode", "submitted_on", "language"}
    answer_columns = {c["name"] for c in inspect(session.get_bind()).get_columns("answer")}
    assert answer_columns == {
        "id",
        "response_id",
        "question_id",
        "option_code",
        "text_value",
        "number_value",
    }
    receipt_columns = {
        c["name"] for c in inspect(session.get_bind()).get_columns("submission_receipt")
    }
    assert "response_id" not in receipt_columns
    survey = make_survey()
    code = survey.channels[0].code
    submit_all(client, survey, code, youth_answers(survey), None)
    response = session.scalars(select(Response)).one()
    assert response.id.version == 4
    assert type(response.submitted_on).__name__ == "date"
    assert response.channel_id == survey.channels[0].id


def test_logs_never_contain_answers(client, make_survey, caplog) -> None:
    survey = make_survey()
    secret = "my cousin Jaylen carries a blade"
    with caplog.at_level(logging.DEBUG):
        submit_all(
            client, survey, survey.channels[0].code, youth_answers(survey, unsafe_reasons=secret)
        )
        submit_all(
            client,
            survey,
            survey.channels[0].code,
            youth_answers(survey, unsafe_reasons=secret * 200),
        )
    assert "Jaylen" not in caplog.text


@pytest.mark.parametrize("status", [Status.CLOSED, Status.DRAFT])
def test_closed_or_unopened_survey_gets_clear_410(client, make_survey, status) -> None:
    survey = make_survey(status=status)
    for url in (f"/s/{survey.channels[0].code}", f"/s/{survey.channels[0].code}/start"):
        response = client.get(url)
        assert response.status_code == 410
        assert "not taking responses" in response.get_data(as_text=True)
        assert "0800 1111" in response.get_data(as_text=True)


def test_past_close_date_is_closed(client, make_survey, session) -> None:
    from datetime import timedelta

    survey = make_survey()
    survey = session.merge(survey)
    survey.closes_on = services.today() - timedelta(days=1)
    session.commit()
    assert client.get(f"/s/{survey.channels[0].code}").status_code == 410


def test_closed_channel_and_capped_channel(client, make_survey, session) -> None:
    survey = make_survey()
    survey = services.get_survey(session, survey.id)
    closed = services.add_channel(session, survey, "Old poster")
    closed.closed = True
    capped = services.add_channel(session, survey, "Oak Park School", cap=1)
    session.commit()
    assert client.get(f"/s/{closed.code}").status_code == 410
    assert submit_all(client, survey, capped.code, youth_answers(survey)).status_code == 200
    assert client.get(f"/s/{capped.code}").status_code == 410
    assert count(session) == 1


def test_unknown_link_is_404_with_signposting(client) -> None:
    response = client.get("/s/nosuchcode")
    assert response.status_code == 404
    assert "0800 1111" in response.get_data(as_text=True)


def test_bad_posts_get_4xx_and_store_nothing(client, make_survey, session) -> None:
    survey = make_survey()
    code = survey.channels[0].code
    state = start_form(client, code)
    last = survey.sections[-1].id
    feel = question(survey, "feel_safe_area").field_name
    reasons = question(survey, "unsafe_reasons").field_name
    cases = {
        "unknown question": {"q999999": "x", feel: "3"},
        "unknown option": {feel: "7"},
        "two answers to a single choice": {feel: ["3", "4"]},
        "over-long text": {feel: "3", reasons: "a" * 5000},
        "unknown page": {feel: "3", "_page": "999999"},
        "page not a number": {feel: "3", "_page": "abc"},
    }
    for name, extra in cases.items():
        data = {**state, "_page": last, "_action": "next", **extra}
        response = client.post(f"/s/{code}", data=data)
        assert 400 <= response.status_code < 500, (name, response.status_code)
        assert count(session) == 0, name
    missing_nonce = client.post(f"/s/{code}", data={"_page": last, feel: "3"})
    assert missing_nonce.status_code == 422


def test_over_long_text_message_is_clear(client, make_survey) -> None:
    survey = make_survey()
    response = submit_all(
        client, survey, survey.channels[0].code, youth_answers(survey, unsafe_reasons="b" * 1500)
    )
    assert response.status_code == 422
    assert "Keep it to 1,000 or fewer" in response.get_data(as_text=True)


def test_non_utf8_bytes_are_refused(client, make_survey, session) -> None:
    survey = make_survey()
    code = survey.channels[0].code
    state = start_form(client, code)
    feel = question(survey, "feel_safe_area").field_name
    body = f"nonce={state['nonce']}&started={state['started']}&_page={survey.sections[-1].id}&_action=next&{feel}=3&{question(survey, 'unsafe_reasons').field_name}=caf%E9%FF"
    response = client.post(
        f"/s/{code}", data=body.encode(), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 422
    assert "could not be read as text" in response.get_data(as_text=True)
    assert count(session) == 0


def test_body_over_the_limit_is_413(client, make_survey, session) -> None:
    survey = make_survey()
    code = survey.channels[0].code
    response = client.post(f"/s/{code}", data={"q1": "x" * 300_000})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
    assert count(session) == 0


def test_control_characters_are_removed_not_stored(client, make_survey, session) -> None:
    survey = make_survey()
    response = submit_all(
        client,
        survey,
        survey.channels[0].code,
        youth_answers(survey, unsafe_reasons="bad\x00 things\x07 happen 🔪"),
    )
    assert response.status_code == 200
    assert (
        session.scalar(select(Answer.text_value).where(Answer.text_value.is_not(None)))
        == "bad things happen 🔪"
    )


def test_honeypot_discards_silently(client, make_survey, session) -> None:
    survey = make_survey()
    response = submit_all(
        client, survey, survey.channels[0].code, {**youth_answers(survey), "website": "http://spam"}
    )
    assert response.status_code == 200 and "Thank you" in response.get_data(as_text=True)
    assert count(session) == 0


def test_too_fast_completion_discards_silently(
    database_url, tmp_path, make_survey, session
) -> None:
    app = create_app(app_config(database_url, tmp_path, MIN_COMPLETION_SECONDS=60))
    client = app.test_client()
    survey = make_survey()
    response = submit_all(client, survey, survey.channels[0].code, youth_answers(survey))
    assert response.status_code == 200 and "Thank you" in response.get_data(as_text=True)
    forged = submit_all(
        client,
        survey,
        survey.channels[0].code,
        youth_answers(survey),
        {"nonce": "a" * 32, "started": "forged.token"},
    )
    assert forged.status_code == 200
    assert count(session) == 0
    app.extensions["engage.engine"].dispose()


def test_rate_limit_keeps_answers_and_says_why(
    database_url, tmp_path, make_survey, session
) -> None:
    app = create_app(
        app_config(database_url, tmp_path, SUBMIT_RATE_LIMIT="2 per minute", RATELIMIT_ENABLED=True)
    )
    client = app.test_client()
    survey = make_survey()
    code = survey.channels[0].code
    for _ in range(2):
        assert submit_all(client, survey, code, youth_answers(survey)).status_code == 200
    limited = submit_all(client, survey, code, youth_answers(survey, unsafe_reasons="still here"))
    assert limited.status_code == 429
    html = limited.get_data(as_text=True)
    assert "Wait a minute" in html and "still here" in html
    assert count(session) == 2
    app.extensions["engage.engine"].dispose()


def test_response_appears_for_officer(client, make_survey, make_user, login, session) -> None:
    survey = make_survey()
    submit_all(
        client,
        survey,
        survey.channels[0].code,
        youth_answers(survey, unsafe_reasons="The bus stop by the chippy"),
    )
    login(make_user(Role.ANALYST))
    listing = client.get(f"/surveys/{survey.id}/responses").get_data(as_text=True)
    response_id = session.scalar(select(Response.id))
    assert str(response_id)[:8] in listing
    detail = client.get(f"/surveys/{survey.id}/responses/{response_id}").get_data(as_text=True)
    assert "The bus stop by the chippy" in detail
    assert "Asian or Asian British: Pakistani" in detail


def test_rate_limit_can_be_shared_through_redis(
    database_url, tmp_path, make_survey, session
) -> None:
    import uuid

    import redis

    url = os.environ.get("ENGAGE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        reachable = True
    except redis.exceptions.ConnectionError:
        reachable = False
    require(reachable, f"Redis is not reachable at {url}")
    prefix = f"engage-test-{uuid.uuid4().hex}"
    extra = {
        "SUBMIT_RATE_LIMIT": "1 per minute",
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": url,
        "RATELIMIT_KEY_PREFIX": prefix,
    }
    first_worker = create_app(app_config(database_url, tmp_path, **extra))
    second_worker = create_app(app_config(database_url, tmp_path, **extra))
    survey = make_survey()
    code = survey.channels[0].code
    ok = submit_all(first_worker.test_client(), survey, code, youth_answers(survey))
    assert ok.status_code == 200
    limited = submit_all(second_worker.test_client(), survey, code, youth_answers(survey))
    assert limited.status_code == 429  # the second worker sees the first worker's count
    assert count(session) == 1
    for app in (first_worker, second_worker):
        app.extensions["engage.engine"].dispose()


def test_cached_survey_follows_every_change(client, make_survey, session) -> None:
    survey = make_survey()
    code = survey.channels[0].code
    assert "Your area, your safety" in client.get(f"/s/{code}").get_data(as_text=True)
    survey = services.get_survey(session, survey.id)
    services.update_settings(
        session,
        survey,
        services.SurveySettings(
            title="A new title",
            introduction="",
            audience="young_people",
            areas="E08000027",
            age_min=11,
            age_max=25,
            opens_on=None,
            closes_on=None,
        ),
    )
    session.commit()
    assert "A new title" in client.get(f"/s/{code}").get_data(as_text=True)
    services.set_status(session, survey, "closed")
    session.commit()
    assert client.get(f"/s/{code}").status_code == 410


def test_concurrent_retries_of_one_form_store_one_response(app, make_survey, session) -> None:
    import threading

    survey = make_survey()
    code = survey.channels[0].code
    state = start_form(app.test_client(), code)
    statuses: list[int] = []

    def post() -> None:
        response = submit_all(app.test_client(), survey, code, youth_answers(survey), state)
        statuses.append(response.status_code)

    threads = [threading.Thread(target=post) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 8
    assert count(session) == 1
    assert count(session, SubmissionReceipt) == 1
