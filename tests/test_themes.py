"""Coding free-text answers into themes: codebook, review queue, training, reliability,
discovery and summaries, driven through the pages."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engage.audit.models import AuditAction, AuditEvent
from engage.auth.models import User
from engage.auth.roles import Role
from engage.surveys import services as survey_services
from engage.surveys.logic import Parsed
from engage.surveys.models import Answer, Survey
from engage.surveys.responses import record_response
from engage.themes.models import (
    BlindSample,
    CodeAssignment,
    SuggestionState,
    Theme,
    TrainedModel,
)
from engage.themes.review import add_code
from tests.helpers import question, submit_all, youth_answers

KNIVES = "Gangs hang round the park after dark and people carry knives."


def add_responses(
    session: Session,
    survey: Survey,
    texts: Sequence[str],
    *,
    key: str = "unsafe_reasons",
    sexes: Sequence[str] = ("female", "male"),
    ages: Sequence[int] = (15, 19),
) -> list[Answer]:
    """Responses stored through the service (fast), with a little demographic variety."""
    q = {k: question(survey, k).id for k in (key, "age", "sex", "ethnic_group")}
    channel = survey.channels[0]
    for n, text in enumerate(texts):
        answers = {
            q[key]: Parsed(text=text),
            q["age"]: Parsed(number=float(ages[n % len(ages)])),
            q["sex"]: Parsed(codes=(sexes[n % len(sexes)],)),
            q["ethnic_group"]: Parsed(codes=("white_british",)),
        }
        record_response(session, survey, channel, answers, on=survey_services.today(), nonce=None)
    session.commit()
    return list(
        session.scalars(
            select(Answer).where(Answer.question_id == q[key], Answer.text_value.is_not(None))
        )
    )


def fresh(session: Session) -> Session:
    """End the test's read snapshot and forget loaded rows: see what requests committed."""
    session.commit()
    session.expire_all()
    return session


def assignments(session: Session, **where: Any) -> list[CodeAssignment]:
    fresh(session)
    query = select(CodeAssignment)
    for name, value in where.items():
        query = query.where(getattr(CodeAssignment, name) == value)
    return list(session.scalars(query.order_by(CodeAssignment.id)).unique())


def theme(session: Session, key: str) -> Theme:
    fresh(session)
    return session.scalars(select(Theme).where(Theme.key == key)).one()


@pytest.fixture
def officer(make_user: Callable[..., User], login: Callable[[User], None]) -> User:
    user = make_user(Role.OFFICER)
    login(user)
    return user


def review_url(survey: Survey, key: str = "unsafe_reasons", **args: Any) -> str:
    extra = "".join(f"&{k}={v}" for k, v in args.items())
    return f"/surveys/{survey.id}/themes/review?question={question(survey, key).id}{extra}"


# ---------------------------------------------------------------- suggestions and decisions


def test_seed_suggestions_appear_with_reasons(
    client: FlaskClient, session: Session, make_survey, officer: User
) -> None:
    survey = make_survey()
    code = survey.channels[0].code
    assert submit_all(client, survey, code, youth_answers(survey)).status_code in (200, 302, 303)

    page = client.get(review_url(survey))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Knives and weapons" in html
    assert re.search(r"<mark>[^<]*knives</mark>", html)  # trigger words highlighted
    assert 'src="/static/js/review.js"' in html
    assert "<script>" not in html  # no inline script (CSP script-src 'self')

    rows = assignments(session, source="seed")
    by_key = {a.theme.key: a for a in rows}
    assert {"knives_weapons", "gangs_exploitation"} <= set(by_key)
    knives = by_key["knives_weapons"]
    assert knives.coder == "seed:1"
    assert knives.status == "suggested"
    assert "knives" in knives.reasons.lower()
    assert knives.confidence is not None and 0 < knives.confidence <= 1
    assert session.scalar(select(func.count()).select_from(SuggestionState)) == 1

    # Opening the queue again does not redo up-to-date suggestions.
    client.get(review_url(survey))
    assert [a.id for a in assignments(session, source="seed")] == [a.id for a in rows]


def test_accept_reject_and_add_store_who_decided(
    client: FlaskClient, session: Session, make_survey, officer: User
) -> None:
    survey = make_survey()
    [answer] = add_responses(session, survey, [KNIVES])
    client.get(review_url(survey))
    suggested = {a.theme.key: a for a in assignments(session, answer_id=answer.id)}
    knives, gangs = suggested["knives_weapons"], suggested["gangs_exploitation"]

    accepted = client.post(
        f"/surveys/{survey.id}/themes/review/codes/{knives.id}",
        data={"status": "accepted", "next": review_url(survey)},
    )
    assert accepted.status_code == 302
    assert f"#a-{answer.id}" in accepted.headers["Location"]
    client.post(f"/surveys/{survey.id}/themes/review/codes/{gangs.id}", data={"status": "rejected"})
    other = theme(session, "other")
    added = client.post(
        f"/surveys/{survey.id}/themes/review/answers/{answer.id}/add",
        data={"theme": str(other.id)},
    )
    assert added.status_code == 302

    rows = {a.theme.key: a for a in assignments(session, answer_id=answer.id)}
    assert rows["knives_weapons"].status == "accepted"
    assert rows["knives_weapons"].reviewer_id == officer.id
    assert rows["knives_weapons"].coder == "seed:1"  # who suggested it is kept
    assert rows["gangs_exploitation"].status == "rejected"
    human = rows["other"]
    assert (human.coder, human.source, human.status) == (f"user:{officer.id}", "human", "accepted")
    assert human.confidence is None

    # A rejected theme is not suggested again when suggestions are redone.
    client.post(
        f"/surveys/{survey.id}/themes/review/suggest",
        data={"question": question(survey, "unsafe_reasons").id},
    )
    again = assignments(session, answer_id=answer.id, theme_id=rows["gangs_exploitation"].theme_id)
    assert [a.status for a in again] == ["rejected"]

    # The overview's button redoes the suggestions of every free-text question.
    everything = client.post(f"/surveys/{survey.id}/themes/review/suggest", data={"all": "1"})
    assert everything.status_code == 302
    assert everything.headers["Location"].endswith(f"/surveys/{survey.id}/themes/")

    # With JavaScript, the same post returns just the updated card.
    card = client.post(
        f"/surveys/{survey.id}/themes/review/codes/{rows['knives_weapons'].id}",
        data={"status": "toggle"},
        headers={"X-Engage-Partial": "card"},
    )
    assert card.status_code == 200
    fragment = card.get_data(as_text=True)
    assert fragment.lstrip().startswith("<article") and "<html" not in fragment
    assert assignments(session, id=rows["knives_weapons"].id)[0].status == "rejected"


def test_accept_all_and_reject_all_on_an_answer(
    client: FlaskClient, session: Session, make_survey, officer: User
) -> None:
    survey = make_survey()
    first, second = add_responses(
        session, survey, [KNIVES, "Police stop and search us for nothing and gangs everywhere"]
    )
    client.get(review_url(survey))
    client.post(
        f"/surveys/{survey.id}/themes/review/answers/{first.id}/all", data={"status": "accepted"}
    )
    client.post(
        f"/surveys/{survey.id}/themes/review/answers/{second.id}/all", data={"status": "rejected"}
    )
    assert {a.status for a in assignments(session, answer_id=first.id)} == {"accepted"}
    assert {a.status for a in assignments(session, answer_id=second.id)} == {"rejected"}


def test_bulk_accept_above_a_confidence(
    client: FlaskClient, session: Session, make_survey, officer: User
) -> None:
    survey = make_survey()
    add_responses(session, survey, [KNIVES, "Scared of the gangs in the park"])
    client.get(review_url(survey))
    rows = assignments(session)
    assert len(rows) >= 2
    high, low = rows[0], rows[1]
    high.confidence, low.confidence = 0.92, 0.4
    for other in rows[2:]:
        other.confidence = 0.1
    session.commit()

    response = client.post(
        f"/surveys/{survey.id}/themes/review/bulk",
        data={"question": question(survey, "unsafe_reasons").id, "minimum": "80"},
    )
    assert response.status_code == 302
    statuses = {a.id: a.status for a in assignments(session)}
    assert statuses[high.id] == "accepted"
    assert statuses[low.id] == "suggested"
    assert sum(s == "accepted" for s in statuses.values()) == 1
    bad = client.post(
        f"/surveys/{survey.id}/themes/review/bulk",
        data={"question": question(survey, "unsafe_reasons").id, "minimum": "lots"},
    )
    assert bad.status_code == 303
    assert "percentage" in client.get(bad.headers["Location"]).get_data(as_text=True)


def test_queue_filters_and_orders(
    client: FlaskClient, session: Session, make_survey, officer: User
) -> None:
    survey = make_survey()
    add_responses(
        session,
        survey,
        [KNIVES, "nothing to do round here, so bored", "the weather"],
        sexes=("female", "male", "male"),
    )
    client.get(review_url(survey))
    knives = theme(session, "knives_weapons")
    by_theme = client.get(review_url(survey, theme=knives.id)).get_data(as_text=True)
    assert "carry" in by_theme and "bored" not in by_theme
    by_group = client.get(review_url(survey, group="sex:Male")).get_data(as_text=True)
    assert "bored" in by_group and "carry" not in by_group
    # Most useful next: the answer with nothing suggested comes first.
    html = client.get(review_url(survey)).get_data(as_text=True)
    assert html.index("the weather") < html.index("carry")
    other_channel = survey_services.add_channel(session, survey, "Youth club")
    session.commit()
    empty = client.get(review_url(survey, channel=other_channel.id)).get_data(as_text=True)
    assert "No answers match" in empty


# ---------------------------------------------------------------- training


TRAINING_KNIVES = [
    "people carry knives round here",
    "too many knives on the street",
    "lads carrying blades for protection",
    "my mate got stabbed last year",
    "knife crime is getting worse",
    "someone pulled a knife at the bus stop",
    "everyone has a shank now",
    "stabbings in the town centre",
]
TRAINING_BORED = [
    "nothing to do for young people",
    "the youth club shut down",
    "bored with nowhere to go",
    "no activities in the holidays",
    "they closed the youth centre",
    "nowhere to hang out that is safe",
]


def _training_texts(n: int) -> tuple[list[str], list[str]]:
    knives = [f"{TRAINING_KNIVES[i % len(TRAINING_KNIVES)]} ({i})" for i in range(n)]
    bored = [f"{TRAINING_BORED[i % len(TRAINING_BORED)]} ({i})" for i in range(n)]
    return knives, bored


def test_training_refuses_without_enough_examples_then_works(
    client: FlaskClient, session: Session, make_survey, officer: User
) -> None:
    survey = make_survey()
    refused = client.post(f"/surveys/{survey.id}/themes/train")
    assert refused.status_code == 303
    page = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "Not enough confirmed codes to train a model yet" in page
    assert "at least 20 answers" in page
    assert session.scalar(select(func.count()).select_from(TrainedModel)) == 0

    knives_texts, bored_texts = _training_texts(22)
    answers = add_responses(session, survey, knives_texts + bored_texts)
    knives, youth = theme(session, "knives_weapons"), theme(session, "youth_provision")
    for answer in answers:
        target = knives if answer.text_value in knives_texts else youth
        add_code(session, answer, target, officer.id)
    session.commit()

    trained = client.post(f"/surveys/{survey.id}/themes/train")
    assert trained.status_code == 302
    model = fresh(session).scalars(select(TrainedModel)).one()
    assert "knives_weapons" in model.themes
    assert model.trained_on == 44
    assert model.metrics["scores"]["knives_weapons"]["f1"] is not None

    page = client.get(f"/surveys/{survey.id}/themes/reliability").get_data(as_text=True)
    assert "Knives and weapons" in page and "Precision" in page

    # The model is a named coder; its suggestions replace the seeds for its themes.
    add_responses(session, survey, ["kids carry knives to feel safe"])
    client.get(review_url(survey))
    by_model = [
        a for a in assignments(session, status="suggested") if a.theme.key == "knives_weapons"
    ]
    assert by_model and all(a.coder == f"model:{model.version}" for a in by_model)
    assert all(a.source == "model" for a in by_model)


def test_fifty_reviews_retrain_the_model(
    client: FlaskClient, session: Session, make_survey, officer: User
) -> None:
    survey = make_survey()
    knives_texts, bored_texts = _training_texts(30)
    add_responses(session, survey, knives_texts + bored_texts)
    client.get(review_url(survey))  # seed suggestions
    assert session.scalar(select(func.count()).select_from(TrainedModel)) == 0
    response = client.post(
        f"/surveys/{survey.id}/themes/review/bulk",
        data={"question": question(survey, "unsafe_reasons").id, "minimum": "0"},
    )
    assert response.status_code == 302
    assert fresh(session).scalar(select(func.count()).select_from(TrainedModel)) == 1
    assert "the model was retrained" in client.get(review_url(survey)).get_data(as_text=True)


# ---------------------------------------------------------------- blind double coding


def test_blind_double_coding_and_agreement(
    client: FlaskClient, app, session: Session, make_survey, make_user, login
) -> None:
    officer = make_user(Role.OFFICER)
    analyst = make_user(Role.ANALYST)
    outsider = make_user(Role.ANALYST)
    survey = make_survey()
    texts = [KNIVES, "bored, nothing to do", "police never come", "scared walking home"]
    answers = add_responses(session, survey, texts)
    login(officer)
    client.get(review_url(survey))  # suggestions exist for every answer
    created = client.post(
        f"/surveys/{survey.id}/themes/reliability/samples",
        data={
            "question": question(survey, "unsafe_reasons").id,
            "first": officer.id,
            "second": analyst.id,
            "size": "4",
        },
    )
    assert created.status_code == 302
    sample = fresh(session).scalars(select(BlindSample)).one()
    assert len(sample.items) == 4
    # While coding blind, the officer's queue hides the sample's answers.
    assert "carry" not in client.get(review_url(survey)).get_data(as_text=True)

    ids = {t.key: t.id for t in session.scalars(select(Theme))}
    plan = {
        officer: ["knives_weapons", "youth_provision", "policing", "fear_of_violence"],
        analyst: ["knives_weapons", "youth_provision", "services_trust", "fear_of_violence"],
    }
    for coder, keys in plan.items():
        wanted = dict(zip(texts, keys, strict=True))
        coder_client = app.test_client()
        assert (
            coder_client.post(
                "/login", data={"email": coder.email, "password": "correct horse battery staple 42"}
            ).status_code
            == 302
        )
        for _ in texts:
            page = coder_client.get(f"/surveys/{survey.id}/themes/blind/{sample.id}")
            html = page.get_data(as_text=True)
            assert page.status_code == 200
            assert 'class="status' not in html and "seed terms" not in html
            assert " checked" not in html  # nobody else's codes are shown
            answer_id = re.search(r'name="answer_id" value="([^"]+)"', html).group(1)
            text = next(a.text_value for a in answers if str(a.id) == answer_id)
            key = wanted[text]
            saved = coder_client.post(
                f"/surveys/{survey.id}/themes/blind/{sample.id}",
                data={"answer_id": answer_id, "theme": [str(ids[key])]},
            )
            assert saved.status_code == 302

    blind = assignments(session, source="blind")
    assert len(blind) == 8
    assert {a.coder for a in blind} == {f"user:{officer.id}", f"user:{analyst.id}"}

    # Someone who is not one of the two coders cannot open the sample.
    other = app.test_client()
    other.post(
        "/login", data={"email": outsider.email, "password": "correct horse battery staple 42"}
    )
    assert other.get(f"/surveys/{survey.id}/themes/blind/{sample.id}").status_code == 403

    page = client.get(f"/surveys/{survey.id}/themes/reliability").get_data(as_text=True)
    alpha = re.search(r"<span data-alpha>([^<]+)</span>", page).group(1)
    assert 0 < float(alpha) < 1
    kappas = re.findall(r"<td class=\"num\" data-kappa>([^<]+)</td>", page)
    assert "1.00" in kappas
    assert "disagreements to discuss" in page
    assert "Policing" in page


def test_blind_coding_needs_a_theme(
    client: FlaskClient, session: Session, make_survey, make_user, officer: User
) -> None:
    analyst = make_user(Role.ANALYST)
    survey = make_survey()
    add_responses(session, survey, [KNIVES, "bored"])
    client.post(
        f"/surveys/{survey.id}/themes/reliability/samples",
        data={
            "question": question(survey, "unsafe_reasons").id,
            "first": officer.id,
            "second": analyst.id,
            "size": "2",
        },
    )
    sample = fresh(session).scalars(select(BlindSample)).one()
    html = client.get(f"/surveys/{survey.id}/themes/blind/{sample.id}").get_data(as_text=True)
    answer_id = re.search(r'name="answer_id" value="([^"]+)"', html).group(1)
    empty = client.post(
        f"/surveys/{survey.id}/themes/blind/{sample.id}", data={"answer_id": answer_id}
    )
    assert empty.status_code == 422
    assert "Choose at least one theme" in empty.get_data(as_text=True)
    same = client.post(
        f"/surveys/{survey.id}/themes/reliability/samples",
        data={
            "question": question(survey, "unsafe_reasons").id,
            "first": officer.id,
            "second": officer.id,
            "size": "2",
        },
    )
    assert same.status_code == 422
    assert "two different coders" in same.get_data(as_text=True)


# ---------------------------------------------------------------- discovery


LITTER = [
    "litter everywhere and fly tipping on the corner",
    "graffiti and litter all over the precinct",
    "the fly tipping behind the flats is disgusting",
    "clean up the litter and graffiti",
    "overflowing bins and litter on every road",
    "graffiti on every wall, fly tipping too",
    "bins never emptied, litter blowing about",
    "fly tipping and rats near the bins",
    "the graffiti makes the place look abandoned",
    "more bins and less litter",
    "ring 07700 900123 about the fly tipping",
    "litter pickers needed, graffiti removal too",
]


def test_discovery_finds_topics_and_promotes_one(
    client: FlaskClient, session: Session, make_survey, officer: User
) -> None:
    survey = make_survey()
    add_responses(session, survey, LITTER + [f"{t} again" for t in LITTER])
    client.get(review_url(survey))
    page = client.get(
        f"/surveys/{survey.id}/themes/discover?question={question(survey, 'unsafe_reasons').id}"
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Topic 1" in html
    assert "07700 900123" not in html  # representative answers are redacted
    assert "graffiti" in html

    promoted = client.post(
        f"/surveys/{survey.id}/themes/discover/promote",
        data={
            "question": question(survey, "unsafe_reasons").id,
            "name": "Litter and graffiti",
            "term": ["litter", "graffiti"],
        },
    )
    assert promoted.status_code == 302
    new = theme(session, "litter_and_graffiti")
    assert new.seeds == ["litter", "graffiti"]
    assert new.active
    coded = assignments(session, theme_id=new.id)
    assert len(coded) >= 10
    assert all(a.source == "seed" and a.coder == "seed:2" for a in coded)


# ---------------------------------------------------------------- summaries


def test_summary_masks_small_counts(
    client: FlaskClient, session: Session, make_survey, officer: User
) -> None:
    survey = make_survey()
    texts = [KNIVES] * 14 + ["bored, nothing to do"] * 11 + ["scared of gangs"] * 4
    add_responses(session, survey, texts, sexes=("female", "male", "male"), ages=(12, 15, 19, 22))
    client.get(review_url(survey))
    page = client.get(
        f"/surveys/{survey.id}/themes/summary?question={question(survey, 'unsafe_reasons').id}"
    )
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    cells = re.findall(r"data-count>([^<]*)<", html)
    assert cells
    for cell in cells:
        text = cell.strip()
        assert text in ("&lt;10", "[c]", "0") or int(text.replace(",", "")) >= 10, cell
    assert "&lt;10" in cells
    assert "By age band" in html and "By sex" in html
    assert "Channel: everyone who answered is in one group (Web link)" in html
    assert 'data-figure="chart-prevalence-data"' in html
    # No share is printed beside a masked count.
    for row in re.findall(
        r"<td class=\"num\"><span data-count>([^<]*)</span>(<span[^>]*>[^<]*)?", html
    ):
        if row[0] in ("&lt;10", "[c]"):
            assert not row[1]
    confirmed = client.get(
        f"/surveys/{survey.id}/themes/summary?question={question(survey, 'unsafe_reasons').id}"
        "&basis=confirmed"
    )
    assert "No coded answers yet" in confirmed.get_data(as_text=True)


# ---------------------------------------------------------------- the codebook


def test_codebook_is_created_from_the_default_and_edits_bump_versions(
    client: FlaskClient, session: Session, make_survey, officer: User
) -> None:
    survey = make_survey()
    page = client.get(f"/surveys/{survey.id}/themes/codebook")
    assert page.status_code == 200
    assert "Knives and weapons" in page.get_data(as_text=True)
    knives = theme(session, "knives_weapons")
    form = {
        "name": "Knives, blades and weapons",
        "definition": knives.definition,
        "include": knives.include,
        "exclude": knives.exclude,
        "examples": "\n".join(knives.examples),
        "seeds": "\n".join([*knives.seeds, "blade"]),
        "parent_id": "",
    }
    saved = client.post(f"/surveys/{survey.id}/themes/codebook/{knives.id}", data=form)
    assert saved.status_code == 302
    session.expire_all()
    knives = theme(session, "knives_weapons")
    assert (knives.name, knives.version) == ("Knives, blades and weapons", 2)
    assert "blade" in knives.seeds
    bad = client.post(
        f"/surveys/{survey.id}/themes/codebook/{knives.id}", data={**form, "name": " "}
    )
    assert bad.status_code == 422
    assert "Enter a name" in bad.get_data(as_text=True)

    added = client.post(
        f"/surveys/{survey.id}/themes/codebook/new",
        data={"name": "Street lighting", "definition": "Lights, dark places.", "seeds": "lights"},
    )
    assert added.status_code == 302
    assert theme(session, "street_lighting").seeds == ["lights"]


def test_merge_moves_codes(
    client: FlaskClient, session: Session, make_survey, officer: User
) -> None:
    survey = make_survey()
    [answer] = add_responses(session, survey, ["Police stop and search us for nothing"])
    client.get(review_url(survey))
    stop, policing = theme(session, "stop_and_search"), theme(session, "policing")
    before = assignments(session, theme_id=stop.id)
    assert before
    merged = client.post(
        f"/surveys/{survey.id}/themes/codebook/merge",
        data={"source": str(stop.id), "target": str(policing.id)},
    )
    assert merged.status_code == 302
    session.expire_all()
    assert assignments(session, theme_id=stop.id) == []
    moved = assignments(session, answer_id=answer.id, theme_id=policing.id)
    assert len(moved) == 1
    assert not theme(session, "stop_and_search").active
    assert "stop and search" in theme(session, "policing").seeds


def test_csv_import_lists_every_problem_and_imports_nothing(
    client: FlaskClient, session: Session, make_survey, officer: User
) -> None:
    survey = make_survey()
    client.get(f"/surveys/{survey.id}/themes/codebook")
    count = session.scalar(select(func.count()).select_from(Theme))
    bad_csv = (
        "key,name,definition,seeds\nnew_theme,New theme,A new theme,one|two\nBad Key,Broken,,x\n"
    )
    response = client.post(
        f"/surveys/{survey.id}/themes/codebook/import",
        data={"file": (io.BytesIO(bad_csv.encode()), "codebook.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "row 3" in html and "Nothing was imported" in html
    assert session.scalar(select(func.count()).select_from(Theme)) == count
    assert session.scalar(select(Theme).where(Theme.key == "new_theme")) is None

    good_csv = "key,name,definition,seeds\nnew_theme,New theme,A new theme,one|two\n"
    ok = client.post(
        f"/surveys/{survey.id}/themes/codebook/import",
        data={"file": (io.BytesIO(good_csv.encode()), "codebook.csv")},
        content_type="multipart/form-data",
    )
    assert ok.status_code == 302
    assert theme(session, "new_theme").seeds == ["one", "two"]


def test_codebook_exports_are_audited(
    client: FlaskClient, session: Session, make_survey, officer: User
) -> None:
    survey = make_survey()
    qdc = client.get(f"/surveys/{survey.id}/themes/codebook.qdc")
    assert qdc.status_code == 200
    root = ET.fromstring(qdc.data)  # noqa: S314 - our own export
    assert root.tag == "{urn:QDA-XML:codebook:1.0}CodeBook"
    names = {c.get("name") for c in root.iter("{urn:QDA-XML:codebook:1.0}Code")}
    assert "Knives and weapons" in names
    csv_response = client.get(f"/surveys/{survey.id}/themes/codebook.csv")
    assert csv_response.status_code == 200
    assert csv_response.get_data(as_text=True).lstrip("\ufeff").startswith("key,name,definition")
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.action == AuditAction.CODEBOOK_EXPORTED.value)
    ).all()
    assert {e.object_type for e in events} == {"codebook_qdc", "codebook_csv"}
    assert all(e.actor_id == officer.id for e in events)


# ---------------------------------------------------------------- roles


def test_roles(client: FlaskClient, session: Session, make_survey, make_user, login) -> None:
    survey = make_survey()
    analyst = make_user(Role.ANALYST)
    login(analyst)
    assert client.get(review_url(survey)).status_code == 200
    assert client.post(f"/surveys/{survey.id}/themes/train").status_code == 403
    assert client.get(f"/surveys/{survey.id}/themes/codebook/new").status_code == 403
    client.post("/logout")
    admin = make_user(Role.ADMIN)
    login(admin)
    assert client.get(f"/surveys/{survey.id}/themes/codebook").status_code == 200
    assert client.get(review_url(survey)).status_code == 403
    assert client.get(f"/surveys/{survey.id}/themes/summary").status_code == 200
    assert client.get(f"/surveys/{survey.id}/themes/").status_code == 200


# ---------------------------------------------------------------- command line and demo


def test_code_answers_command(app, session: Session, make_survey) -> None:
    survey = make_survey()
    add_responses(session, survey, [KNIVES, "bored, nothing to do"])
    runner = app.test_cli_runner()
    result = runner.invoke(args=["code-answers"])
    assert result.exit_code == 0, result.output
    assert "Suggested codes for 2 answers." in result.output
    assert {a.theme.key for a in assignments(session, source="seed")} >= {"knives_weapons"}
    again = runner.invoke(args=["code-answers", "--survey", str(survey.id), "--train"])
    assert again.exit_code == 0
    assert "Suggested codes for 0 answers." in again.output  # already up to date
    assert "Not enough confirmed codes" in again.output
    missing = runner.invoke(args=["code-answers", "--survey", "999"])
    assert missing.exit_code == 2


def test_demo_has_theme_suggestions(session: Session) -> None:
    from engage.demo.partnership import seed_demo

    seed_demo(session, responses=40, seed=3)
    session.commit()
    rows = assignments(session, source="seed")
    assert rows and all(a.status == "suggested" and a.coder == "seed:1" for a in rows)
