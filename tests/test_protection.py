"""Keeping respondents safe through the pages: safeguarding flags, signposting, quotes,
and small numbers that never leave unmasked."""

from __future__ import annotations

from sqlalchemy import func, select

from engage.audit.models import AuditEvent
from engage.auth.roles import Role
from engage.quotes.models import Quote
from engage.safeguarding.models import FlagStatus, SafeguardingFlag
from engage.surveys import services
from engage.surveys.models import Answer
from tests.helpers import question, submit_all, youth_answers

DISCLOSURE = "someone threatened to stab me last week and they said theyll get me after school"
OPINION = "knife crime is a big problem round here and the police never come"


def test_disclosure_is_flagged_and_thank_you_page_signposts(client, make_survey, session) -> None:
    survey = make_survey()
    code = survey.channels[0].code
    plain = submit_all(client, survey, code, youth_answers(survey, unsafe_reasons=OPINION))
    assert "Something you wrote worried us" not in plain.get_data(as_text=True)
    worried = submit_all(client, survey, code, youth_answers(survey, unsafe_reasons=DISCLOSURE))
    html = worried.get_data(as_text=True)
    assert worried.status_code == 200
    assert "Something you wrote worried us" in html
    assert "We cannot see who you are and we cannot contact you" in html and "999" in html
    flags = session.scalars(select(SafeguardingFlag)).all()
    assert len(flags) == 1 and "threatened_or_hurt" in flags[0].risks
    answer = session.get(Answer, flags[0].answer_id)
    assert answer.text_value == DISCLOSURE


def test_self_harm_disclosure_gets_specific_signposting(client, make_survey) -> None:
    survey = make_survey()
    response = submit_all(
        client,
        survey,
        survey.channels[0].code,
        youth_answers(survey, unsafe_reasons="honestly i want to kill myself most days"),
    )
    assert "116 123" in response.get_data(as_text=True)


def test_only_the_safeguarding_lead_opens_the_queue_and_every_view_is_audited(
    client, app, make_survey, make_user, login, session
) -> None:
    survey = make_survey()
    submit_all(
        client, survey, survey.channels[0].code, youth_answers(survey, unsafe_reasons=DISCLOSURE)
    )
    flag = session.scalars(select(SafeguardingFlag)).one()
    officer = make_user(Role.OFFICER)
    login(officer)
    assert client.get("/safeguarding/").status_code == 403
    assert client.get(f"/safeguarding/{flag.id}").status_code == 403
    overview = client.get(f"/surveys/{survey.id}").get_data(as_text=True)
    assert "1 answer may describe someone at risk" in overview
    assert DISCLOSURE not in overview
    client.post("/logout")
    lead = make_user(Role.SAFEGUARDING)
    login(lead)
    queue = client.get("/safeguarding/")
    assert queue.status_code == 200 and "Being threatened or hurt" in queue.get_data(as_text=True)
    item = client.get(f"/safeguarding/{flag.id}")
    assert DISCLOSURE in item.get_data(as_text=True)
    no_note = client.post(f"/safeguarding/{flag.id}", data={"status": "acted_on", "note": "  "})
    assert no_note.status_code == 422 and "Write a note" in no_note.get_data(as_text=True)
    saved = client.post(
        f"/safeguarding/{flag.id}", data={"status": "acted_on", "note": "Passed to the school DSL."}
    )
    assert saved.status_code == 302
    session.rollback()
    session.expire_all()
    assert session.get(SafeguardingFlag, flag.id).status == FlagStatus.ACTED_ON.value
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.actor_id == lead.id).order_by(AuditEvent.id)
    ).all()
    assert actions.count("safeguarding_viewed") >= 3  # the queue, the item, the item again
    assert "safeguarding_updated" in actions
    details = session.scalars(
        select(AuditEvent.object_id).where(AuditEvent.action == "safeguarding_updated")
    ).all()
    assert details == [str(flag.id)]


def test_paper_responses_are_triaged_too(client, make_survey, make_user, login, session) -> None:
    survey = make_survey()
    login(make_user(Role.OFFICER))
    client.post(
        f"/surveys/{survey.id}/responses/new",
        data={
            "channel": survey.channels[0].id,
            "mode": "paper",
            question(survey, "feel_safe_area").field_name: "1",
            question(survey, "unsafe_reasons").field_name: "my stepdad hits me when he's drunk",
        },
    )
    assert session.scalar(select(func.count()).select_from(SafeguardingFlag)) == 1


def test_quotes_are_redacted_and_attributed_by_a_shared_band(
    client, make_survey, make_user, login, session
) -> None:
    survey = make_survey()
    code = survey.channels[0].code
    secret = "Ask Jaylen Smith on 07700 900123 or @roadman_j99, he lives at 12 Oak Road B15 2TT"
    submit_all(
        client, survey, code, youth_answers(survey, unsafe_reasons=secret, sex="female", age="15")
    )
    # Fewer than ten 15-16 year old girls so far: the attribution must be coarser.
    login(make_user(Role.ANALYST))
    answer_id = session.scalar(select(Answer.id).where(Answer.text_value == secret))
    chosen = client.post(f"/surveys/{survey.id}/quotes/", data={"answer_id": str(answer_id)})
    assert chosen.status_code == 302
    session.rollback()  # end this session's read snapshot to see what the request stored
    session.expire_all()
    quote = session.scalars(select(Quote)).one()
    for leaked in ("Jaylen", "07700", "@roadman", "12 Oak Road", "B15"):
        assert leaked not in quote.text
    assert "[phone]" in quote.text and "[handle]" in quote.text
    assert quote.attribution == "Young person"
    page = client.get(f"/surveys/{survey.id}/quotes/").get_data(as_text=True)
    assert "Young person" in page and survey.channels[0].name not in page.split("<main")[1]
    again = client.post(f"/surveys/{survey.id}/quotes/", data={"answer_id": str(answer_id)})
    assert again.status_code == 409


def test_quote_gets_a_band_when_enough_people_share_it(
    client, make_survey, make_user, login, session
) -> None:
    survey = make_survey()
    code = survey.channels[0].code
    for n in range(10):
        submit_all(
            client,
            survey,
            code,
            youth_answers(survey, unsafe_reasons=f"the park at night {n}", sex="female", age="16"),
        )
    login(make_user(Role.OFFICER))
    answer_id = session.scalar(select(Answer.id).where(Answer.text_value == "the park at night 3"))
    client.post(f"/surveys/{survey.id}/quotes/", data={"answer_id": str(answer_id)})
    session.rollback()
    session.expire_all()
    assert session.scalars(select(Quote.attribution)).one() == "Female, 15-16"


def test_quote_of_a_choice_answer_is_refused(
    client, make_survey, make_user, login, session
) -> None:
    survey = make_survey()
    submit_all(client, survey, survey.channels[0].code, youth_answers(survey))
    login(make_user(Role.OFFICER))
    choice = session.scalar(select(Answer.id).where(Answer.option_code == "female"))
    assert (
        client.post(f"/surveys/{survey.id}/quotes/", data={"answer_id": str(choice)}).status_code
        == 422
    )
    assert (
        client.post(f"/surveys/{survey.id}/quotes/", data={"answer_id": "nonsense"}).status_code
        == 422
    )


def test_retention_purge_keeps_flags_pointing_at_nothing_readable(
    session, make_survey, client
) -> None:
    from datetime import timedelta

    from engage.surveys.retention import purge

    survey = make_survey()
    submit_all(
        client, survey, survey.channels[0].code, youth_answers(survey, unsafe_reasons=DISCLOSURE)
    )
    survey = services.get_survey(session, survey.id)
    survey.retention_days = 30
    session.commit()
    purge(session, today=services.today() + timedelta(days=31))
    session.commit()
    assert (
        session.scalar(
            select(func.count()).select_from(Answer).where(Answer.text_value == DISCLOSURE)
        )
        == 0
    )
