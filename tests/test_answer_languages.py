"""Written answers in other languages: translations beside the original, the review
queue by language, coding from the translation, and the safeguarding lead's
"not checked: language" list."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from engage.audit.models import AuditEvent
from engage.auth.models import User
from engage.auth.roles import Role
from engage.safeguarding.models import FlagStatus, SafeguardingFlag
from engage.surveys import services as survey_services
from engage.surveys.logic import Parsed
from engage.surveys.models import Answer, AnswerTranslation, Response, Survey
from engage.surveys.responses import record_response
from engage.themes.answers import answer_frame
from engage.themes.discovery import discovery_texts
from engage.themes.models import CodeAssignment
from tests.helpers import question

URDU = "پارک میں لوگ رات کو چاقو لے کر گھومتے ہیں"
URDU_IN_ENGLISH = "People walk around the park at night carrying knives"
POLISH = "Ktoś groził, że mnie dźgnie po szkole"
POLISH_IN_ENGLISH = (
    "someone threatened to stab me last week and they said theyll get me after school"
)
ENGLISH = "The buses stop running too early to get home safely"


def add_answers(
    session: Session, survey: Survey, written: Sequence[tuple[str, str]]
) -> list[Answer]:
    """One response per (language, text), stored through the service."""
    unsafe = question(survey, "unsafe_reasons").id
    answers = []
    for language, text in written:
        stored = record_response(
            session,
            survey,
            survey.channels[0],
            {unsafe: Parsed(text=text)},
            on=survey_services.today(),
            nonce=None,
        )
        assert stored is not None
        session.execute(
            update(Response).where(Response.id == stored.response_id).values(language=language)
        )
        answers.append(session.get(Answer, stored.text_answer_ids[unsafe]))
    session.commit()
    return answers


def fresh(session: Session) -> Session:
    session.commit()
    session.expire_all()
    return session


def actions_of(session: Session, user: User) -> list[str]:
    fresh(session)
    return list(
        session.scalars(
            select(AuditEvent.action).where(AuditEvent.actor_id == user.id).order_by(AuditEvent.id)
        )
    )


def make_user_now(session: Session, make_user: Callable[..., User], role: Role) -> User:
    """A new account, written after ending the test's read snapshot (SQLite cannot
    upgrade a snapshot older than the requests' writes)."""
    fresh(session)
    return make_user(role)


@pytest.fixture
def officer(make_user: Callable[..., User], login: Callable[[User], None]) -> User:
    user = make_user(Role.OFFICER)
    login(user)
    return user


def review_url(survey: Survey, **args: str) -> str:
    extra = "".join(f"&{k}={v}" for k, v in args.items())
    return f"/surveys/{survey.id}/themes/review?question={question(survey, 'unsafe_reasons').id}{extra}"


def translate_url(survey: Survey, answer: Answer) -> str:
    return f"/surveys/{survey.id}/themes/review/answers/{answer.id}/translation"


# ---------------------------------------------------------------- the review queue


def test_queue_shows_each_answers_language_and_filters_by_it(
    client: FlaskClient, session: Session, make_survey, officer: User
) -> None:
    survey = make_survey()
    add_answers(session, survey, [("ur", URDU), ("en", ENGLISH), ("pl", POLISH)])
    html = client.get(review_url(survey)).get_data(as_text=True)
    assert "Urdu" in html and "Polish" in html
    # The Urdu answer runs right to left inside the English page.
    assert f'lang="ur" dir="rtl">{URDU}</p>' in html
    assert f'lang="pl" dir="ltr">{POLISH}</p>' in html
    assert '<option value="ur">Urdu</option>' in html

    only_urdu = client.get(review_url(survey, language="ur")).get_data(as_text=True)
    assert URDU in only_urdu
    assert ENGLISH not in only_urdu and POLISH not in only_urdu
    assert "1 answers match" in only_urdu
    nothing = client.get(review_url(survey, language="bn")).get_data(as_text=True)
    assert "No answers match." in nothing


def test_translation_is_stored_beside_the_answer_shown_on_the_card_and_audited(
    client: FlaskClient, session: Session, make_survey, officer: User
) -> None:
    survey = make_survey()
    (answer,) = add_answers(session, survey, [("ur", URDU)])
    saved = client.post(translate_url(survey, answer), data={"translation": URDU_IN_ENGLISH})
    assert saved.status_code == 302

    fresh(session)
    translation = session.get(AnswerTranslation, answer.id)
    assert translation is not None
    assert translation.text == URDU_IN_ENGLISH
    assert translation.language == "ur" and translation.translated_by_id == officer.id
    assert session.get(Answer, answer.id).text_value == URDU  # never replaced
    html = client.get(review_url(survey)).get_data(as_text=True)
    assert URDU in html and "Translation into English" in html
    # Trigger words are marked in the translation, which is what the coders read.
    assert re.search(r"data-translation>People walk around the [^<]*<mark>[^<]*knives</mark>", html)

    changed = "Men carry knives in the park at night"
    client.post(translate_url(survey, answer), data={"translation": changed})
    assert fresh(session).get(AnswerTranslation, answer.id).text == changed
    empty = client.post(translate_url(survey, answer), data={"translation": "   "})
    assert empty.status_code == 302
    assert fresh(session).get(AnswerTranslation, answer.id).text == changed
    client.post(translate_url(survey, answer), data={"action": "remove"})
    assert fresh(session).get(AnswerTranslation, answer.id) is None
    assert session.get(Answer, answer.id).text_value == URDU

    events = actions_of(session, officer)
    assert events.count("answer_translated") == 2  # the empty one saved nothing
    assert events.count("answer_translation_removed") == 1
    objects = set(
        session.scalars(
            select(AuditEvent.object_id).where(AuditEvent.action == "answer_translated")
        )
    )
    assert objects == {str(answer.id)}


def test_a_translation_of_an_answer_in_another_survey_is_refused(
    client: FlaskClient, session: Session, make_survey, officer: User
) -> None:
    survey = make_survey()
    other = make_survey(title="Another survey")
    (answer,) = add_answers(session, other, [("ur", URDU)])
    refused = client.post(translate_url(survey, answer), data={"translation": "x"})
    assert refused.status_code == 404
    assert fresh(session).get(AnswerTranslation, answer.id) is None


def test_coding_and_discovery_read_the_translation(
    client: FlaskClient, session: Session, make_survey, officer: User
) -> None:
    survey = make_survey()
    (answer,) = add_answers(session, survey, [("ur", URDU)])
    client.get(review_url(survey))  # suggestions from the original: no English seed words

    def suggested() -> set[str]:
        fresh(session)
        rows = session.scalars(
            select(CodeAssignment).where(
                CodeAssignment.answer_id == answer.id, CodeAssignment.status == "suggested"
            )
        ).unique()
        return {a.theme.key for a in rows}

    assert "knives_weapons" not in suggested()
    client.post(translate_url(survey, answer), data={"translation": URDU_IN_ENGLISH})
    # The new translation redid the answer's suggestions at once, from its words.
    assert "knives_weapons" in suggested()
    seeds = session.scalars(
        select(CodeAssignment).where(
            CodeAssignment.answer_id == answer.id, CodeAssignment.source == "seed"
        )
    ).unique()
    knives = [a for a in seeds if a.theme.key == "knives_weapons"]
    assert knives and "knives" in knives[0].reasons.lower()

    client.post(translate_url(survey, answer), data={"action": "remove"})
    assert "knives_weapons" not in suggested()


def test_discovery_reads_the_translation(
    client: FlaskClient, session: Session, make_survey, officer: User
) -> None:
    survey = make_survey()
    original = "Fioletowe zebry tańczą cicho"
    english = "purple zebras dance quietly"
    (answer,) = add_answers(session, survey, [("pl", original)])
    unsafe = question(survey, "unsafe_reasons")
    assert discovery_texts(fresh(session), unsafe) == [original]
    fresh(session)  # the read may have created the codebook: end its transaction
    client.post(translate_url(survey, answer), data={"translation": english})
    assert discovery_texts(fresh(session), unsafe) == [english]
    frame = answer_frame(session, unsafe)
    assert list(frame["original"]) == [original] and list(frame["language"]) == ["pl"]


# ---------------------------------------------------------------- safeguarding


def test_not_checked_list_holds_untranslated_answers_in_other_languages(
    client: FlaskClient, session: Session, make_survey, make_user, login
) -> None:
    survey = make_survey()
    urdu, _, polish, easy, blank = add_answers(
        session,
        survey,
        [
            ("ur", URDU),
            ("en", ENGLISH),
            ("pl", POLISH),
            ("en-x-easy", "Buses stop early"),
            ("ar", "  "),
        ],
    )
    session.add(AnswerTranslation(answer_id=polish.id, language="pl", text=POLISH_IN_ENGLISH))
    session.commit()

    officer = make_user(Role.OFFICER)
    login(officer)
    assert client.get("/safeguarding/not-checked").status_code == 403
    refused = client.post(f"/safeguarding/not-checked/{urdu.id}", data={"translation": "x"})
    assert refused.status_code == 403
    assert fresh(session).get(AnswerTranslation, urdu.id) is None
    overview = client.get(f"/surveys/{survey.id}").get_data(as_text=True)
    assert "1 written answer in a language other than English has not been checked" in overview
    assert URDU not in overview
    client.post("/logout")
    assert client.get("/safeguarding/not-checked").status_code == 302  # to the login page

    lead = make_user_now(session, make_user, Role.SAFEGUARDING)
    login(lead)
    page = client.get("/safeguarding/not-checked")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert URDU in html and f'lang="ur" dir="rtl">{URDU}</blockquote>' in html
    assert "written in <strong>Urdu</strong>" in html
    assert "1 answer not checked." in html
    # English, easy read, a translated answer and an empty one are not listed.
    assert ENGLISH not in html and POLISH not in html and "Buses stop early" not in html
    assert (
        f'data-not-checked="{blank.id}"' not in html and f'data-not-checked="{easy.id}"' not in html
    )
    assert client.get("/safeguarding/").get_data(as_text=True).count("Not checked: language")
    events = actions_of(session, lead)
    assert events.count("safeguarding_viewed") == 2
    assert "safeguarding_not_checked" in set(
        session.scalars(select(AuditEvent.object_type).where(AuditEvent.actor_id == lead.id))
    )


def test_no_flag_at_submission_does_not_count_as_checked(
    client: FlaskClient, session: Session, make_survey, make_user, login
) -> None:
    survey = make_survey()
    # Partly English: triage runs on it at submission and flags it, yet it stays unchecked.
    mixed = "Mój ojczym, my stepdad hits me when he's drunk"
    (_, quiet) = add_answers(session, survey, [("pl", mixed), ("pl", POLISH)])
    from engage.hooks import submission_pipeline
    from engage.surveys.pipeline import store_submission

    unsafe = question(survey, "unsafe_reasons").id
    outcome = store_submission(
        session,
        submission_pipeline(),
        survey,
        survey.channels[0],
        {unsafe: Parsed(text=mixed)},
        on=survey_services.today(),
        nonce=None,
    )
    assert outcome is not None
    stored_id = outcome.submission.stored.text_answer_ids[unsafe]
    session.execute(
        update(Response)
        .where(Response.id == outcome.submission.stored.response_id)
        .values(language="pl")
    )
    session.commit()
    assert session.scalar(select(SafeguardingFlag).where(SafeguardingFlag.answer_id == stored_id))
    login(make_user_now(session, make_user, Role.SAFEGUARDING))
    html = client.get("/safeguarding/not-checked").get_data(as_text=True)
    assert f'data-not-checked="{stored_id}"' in html  # flagged, still not checked
    assert f'data-not-checked="{quiet.id}"' in html  # no flag, not checked either
    assert "flagged as item #" in html


def test_a_translation_is_triaged_and_the_answer_leaves_the_list(
    client: FlaskClient, session: Session, make_survey, make_user, login
) -> None:
    survey = make_survey()
    (polish, urdu) = add_answers(session, survey, [("pl", POLISH), ("ur", URDU)])
    assert fresh(session).scalar(select(func.count()).select_from(SafeguardingFlag)) == 0

    # An officer's translation in the review queue is triaged like an English answer.
    login(make_user_now(session, make_user, Role.OFFICER))
    client.post(translate_url(survey, polish), data={"translation": POLISH_IN_ENGLISH})
    flag = fresh(session).scalars(select(SafeguardingFlag)).one()
    assert flag.answer_id == polish.id and "threatened_or_hurt" in flag.risks
    assert flag.status == FlagStatus.NEW.value and flag.survey_id == survey.id
    client.post("/logout")

    # The lead translates from the list: no risk in it, no flag, and it leaves the list.
    lead = make_user_now(session, make_user, Role.SAFEGUARDING)
    login(lead)
    empty = client.post(f"/safeguarding/not-checked/{urdu.id}", data={"translation": " "})
    assert empty.status_code == 302
    assert "Write the translation" in client.get("/safeguarding/not-checked").get_data(as_text=True)
    saved = client.post(
        f"/safeguarding/not-checked/{urdu.id}", data={"translation": URDU_IN_ENGLISH}
    )
    assert saved.status_code == 302
    html = client.get("/safeguarding/not-checked").get_data(as_text=True)
    assert URDU not in html and POLISH not in html
    assert "Nothing here" in html
    assert fresh(session).scalar(select(func.count()).select_from(SafeguardingFlag)) == 1
    assert "answer_translated" in actions_of(session, lead)

    item = client.get(f"/safeguarding/{flag.id}").get_data(as_text=True)
    assert POLISH in item and POLISH_IN_ENGLISH in item
    assert (
        "<q>threatened to stab</q>" in item or "<q>stab</q>" in item or "Words that raised" in item
    )

    # A translation that adds a risk to a reviewed flag sends it back to the lead.
    client.post(
        f"/safeguarding/{flag.id}", data={"status": "reviewed", "note": "Spoke to the school."}
    )
    assert fresh(session).get(SafeguardingFlag, flag.id).status == "reviewed"
    client.post("/logout")
    login(make_user_now(session, make_user, Role.OFFICER))
    client.post(
        translate_url(survey, polish),
        data={"translation": POLISH_IN_ENGLISH + ". honestly i want to kill myself most days"},
    )
    again = fresh(session).get(SafeguardingFlag, flag.id)
    assert again.status == FlagStatus.NEW.value and "self_harm" in again.risks
