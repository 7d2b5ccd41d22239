"""The Youth Assembly review: preparing a pack, moderation, rating, voting and results,
driven through the pages."""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engage.assembly import services
from engage.assembly.members import participant_for, submit_comment, voter_key
from engage.assembly.models import (
    AssemblyProfile,
    Comment,
    Origin,
    Participant,
    Review,
    ReviewQuote,
    ReviewTheme,
    Statement,
    ThemeRating,
    Vote,
)
from engage.audit.models import AuditEvent
from engage.auth.models import User
from engage.auth.roles import Role
from engage.feedback.models import Commitment
from engage.quotes.services import choose_quote
from engage.surveys import services as survey_services
from engage.surveys.logic import Parsed
from engage.surveys.models import Answer, Survey
from engage.surveys.responses import record_response
from engage.themes.codebook import list_themes
from engage.themes.models import Theme
from engage.themes.review import add_code
from tests.conftest import PASSWORD
from tests.helpers import question

SECRET = "test-secret-key-" + "x" * 32  # the app fixture's SECRET_KEY
PHONE_AND_NAME = "Tell Jamal Smith to ring 07700 900123 about the youth club"


# ---------------------------------------------------------------- helpers


def fresh(session: Session) -> Session:
    """End the test's read snapshot and forget loaded rows: see what requests committed."""
    session.rollback()
    session.expire_all()
    return session


def client_for(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def text_of(response: Any) -> str:
    return str(response.get_data(as_text=True))


def theme_ids(session: Session, *keys: str) -> list[int]:
    themes = {t.key: t.id for t in list_themes(session)}
    session.commit()
    return [themes[k] for k in keys]


def make_review(
    session: Session,
    survey: Survey,
    *,
    status: str = "open",
    group_by: str = "age_band",
    themes: Sequence[str] = ("knives_weapons", "gangs_exploitation"),
    statements: Sequence[str] = ("More youth clubs open late", "Police should walk the parks"),
) -> Review:
    review = services.create_review(
        session,
        survey,
        title="What you told us",
        introduction="Read, rate and vote.",
        group_by=group_by,
        created_by_id=None,
    )
    ids = theme_ids(session, *themes)
    services.set_pack_themes(
        session,
        review,
        [services.ThemeChoice(t, n, f"Note {n}") for n, t in enumerate(ids, start=1)],
    )
    for text in statements:
        services.add_statement(
            session,
            review,
            text,
            kind="finding",
            origin=Origin.OFFICER,
            names=[],
            today=survey_services.today(),
        )
    if status != "draft":
        services.open_review(session, review)
    if status == "closed":
        services.close_review(session, review)
    session.commit()
    return review


def statement_ids(session: Session, review: Review) -> list[int]:
    return list(
        session.scalars(
            select(Statement.id).where(Statement.review_id == review.id).order_by(Statement.id)
        )
    )


def add_responses(
    session: Session, survey: Survey, rows: Sequence[tuple[str, int, str]]
) -> list[Answer]:
    """Responses (text, age, sex) stored through the service, fast."""
    key = {k: question(survey, k).id for k in ("unsafe_reasons", "age", "sex", "ethnic_group")}
    channel = survey.channels[0]
    for text, age, sex in rows:
        answers = {
            key["unsafe_reasons"]: Parsed(text=text),
            key["age"]: Parsed(number=float(age)),
            key["sex"]: Parsed(codes=(sex,)),
            key["ethnic_group"]: Parsed(codes=("white_british",)),
        }
        record_response(session, survey, channel, answers, on=survey_services.today(), nonce=None)
    session.commit()
    return list(
        session.scalars(
            select(Answer)
            .where(Answer.question_id == key["unsafe_reasons"])
            .order_by(Answer.text_value)
        )
    )


def synthetic_voters(
    session: Session, review: Review, bands: Sequence[str], votes: Sequence[Sequence[int | None]]
) -> list[Participant]:
    """Participants with random keys (as the demo makes) and their votes on the statements."""
    ids = statement_ids(session, review)
    people = []
    for n, (band, row) in enumerate(zip(bands, votes, strict=True)):
        person = Participant(
            review_id=review.id, voter=hashlib.sha256(f"p{n}".encode()).hexdigest(), age_band=band
        )
        session.add(person)
        session.flush()
        for statement_id, value in zip(ids, row, strict=True):
            if value is not None:
                session.add(Vote(statement_id=statement_id, participant_id=person.id, value=value))
        people.append(person)
    session.commit()
    return people


def audit_actions(session: Session) -> list[tuple[str, str | None, str | None]]:
    fresh(session)
    return [
        (e.action, e.object_type, e.object_id)
        for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))
    ]


@pytest.fixture
def officer(make_user: Callable[..., User], login: Callable[[User], None]) -> User:
    user = make_user(Role.OFFICER)
    login(user)
    return user


@pytest.fixture
def member(make_user: Callable[..., User]) -> User:
    return make_user(Role.ASSEMBLY)


@pytest.fixture
def member_client(app: Flask, member: User) -> FlaskClient:
    return client_for(app, member)


# ---------------------------------------------------------------- officers prepare a review


def test_officer_creates_prepares_opens_and_closes_a_review(
    client: FlaskClient, session: Session, make_survey, officer: User
) -> None:
    survey = make_survey()
    base = f"/surveys/{survey.id}/assembly/"
    assert client.get(base).status_code == 200

    refused = client.post(base, data={"title": " ", "group_by": "age_band"})
    assert refused.status_code == 422
    assert "Give the review a title" in text_of(refused)

    created = client.post(
        base, data={"title": "Feeling safe", "introduction": "Hi", "group_by": "opinion"}
    )
    assert created.status_code == 302
    review = fresh(session).scalars(select(Review)).one()
    assert (review.title, review.group_by, review.status) == ("Feeling safe", "opinion", "draft")
    page = f"{base}{review.id}/"
    assert client.get(page).status_code == 200

    # Opening needs at least one theme.
    too_soon = client.post(f"{page}open")
    assert too_soon.status_code == 422
    assert "at least one theme" in text_of(too_soon)

    knives, gangs, parks = theme_ids(
        session, "knives_weapons", "gangs_exploitation", "youth_provision"
    )
    saved = client.post(
        f"{page}themes",
        data={
            "theme": [str(knives), str(gangs)],
            f"position-{knives}": "2",
            f"position-{gangs}": "1",
            f"note-{gangs}": "Older teenagers talked about being groomed.",
            f"note-{parks}": "not ticked, so ignored",
        },
    )
    assert saved.status_code == 302
    rows = fresh(session).scalars(select(ReviewTheme).order_by(ReviewTheme.position)).all()
    assert [(r.theme_id, r.position) for r in rows] == [(gangs, 1), (knives, 2)]
    assert rows[0].note == "Older teenagers talked about being groomed."
    bad_order = client.post(
        f"{page}themes", data={"theme": [str(knives)], f"position-{knives}": "first"}
    )
    assert bad_order.status_code == 422

    statement = client.post(
        f"{page}statements",
        data={"text": "Knife crime worries younger teenagers most", "kind": "finding"},
    )
    assert statement.status_code == 302
    seeded = fresh(session).scalars(select(Statement)).one()
    assert (seeded.origin, seeded.status, seeded.kind) == ("officer", "approved", "finding")
    assert (
        client.post(f"{page}statements", data={"text": "x", "kind": "recommendation"}).status_code
        == 422
    )

    assert client.post(f"{page}open").status_code == 302
    assert fresh(session).get(Review, review.id).status == "open"
    # The pack of an open review can still change.
    assert client.post(f"{page}themes", data={"theme": [str(knives)]}).status_code == 302
    assert client.post(f"{page}close").status_code == 302
    assert fresh(session).get(Review, review.id).status == "closed"

    for path, data in (
        ("themes", {"theme": [str(gangs)]}),
        ("quotes", {}),
        ("statements", {"text": "Too late", "kind": "finding"}),
        ("open", {}),
    ):
        locked = client.post(f"{page}{path}", data=data)
        assert locked.status_code == 409, path
        assert "closed" in text_of(locked)
    assert [r.theme_id for r in fresh(session).scalars(select(ReviewTheme))] == [knives]

    actions = [a for a in audit_actions(session) if a[0].startswith("review_")]
    assert actions == [
        ("review_opened", "review", str(review.id)),
        ("review_closed", "review", str(review.id)),
    ]
    listing = text_of(client.get(base))
    assert "Feeling safe" in listing and "closed" in listing


def test_pack_quotes_are_this_surveys_shared_quotes_only(
    client: FlaskClient, session: Session, make_survey, officer: User
) -> None:
    survey = make_survey()
    other = make_survey(title="Another survey")
    answers = add_responses(
        session, survey, [("Call Jamal on 07700 900123 at the park", 15, "female")]
    )
    other_answers = add_responses(session, other, [("Nothing to do round here", 16, "male")])
    quote = choose_quote(
        session, survey, str(answers[0].id), chosen_by_id=officer.id, threshold=10, names=[]
    )
    foreign = choose_quote(
        session, other, str(other_answers[0].id), chosen_by_id=officer.id, threshold=10, names=[]
    )
    session.commit()
    review = make_review(session, survey, status="draft")
    knives = theme_ids(session, "knives_weapons")[0]
    page = f"/surveys/{survey.id}/assembly/{review.id}/"
    assert "[phone]" in text_of(client.get(page))
    assert "Nothing to do round here" not in text_of(client.get(page))

    refused = client.post(f"{page}quotes", data={"quote": [str(foreign.id)]})
    assert refused.status_code == 422
    parks = theme_ids(session, "youth_provision")[0]
    not_in_pack = client.post(
        f"{page}quotes", data={"quote": [str(quote.id)], f"quote-theme-{quote.id}": str(parks)}
    )
    assert not_in_pack.status_code == 422
    saved = client.post(
        f"{page}quotes", data={"quote": [str(quote.id)], f"quote-theme-{quote.id}": str(knives)}
    )
    assert saved.status_code == 302
    row = fresh(session).scalars(select(ReviewQuote)).one()
    assert (row.quote_id, row.theme_id) == (quote.id, knives)


# ---------------------------------------------------------------- the pack members read


def test_pack_shows_masked_counts_only(
    app: Flask, session: Session, make_survey, make_user, member_client: FlaskClient
) -> None:
    survey = make_survey()
    officer = make_user(Role.OFFICER)
    rows = [("Knives everywhere, people carry blades", 15, "female")] * 3 + [
        ("Gangs hang round the shops", 19 if n % 2 else 15, "male" if n % 3 else "female")
        for n in range(12)
    ]
    answers = add_responses(session, survey, rows)
    list_themes(session)  # the codebook, created on first use
    knives, gangs = (
        session.scalars(select(Theme).where(Theme.key == k)).one()
        for k in ("knives_weapons", "gangs_exploitation")
    )
    for answer in answers:
        theme = knives if answer.text_value.startswith("Knives") else gangs
        add_code(session, answer, theme, officer.id)
    knife_answer = next(a for a in answers if a.text_value.startswith("Knives"))
    quote = choose_quote(
        session, survey, str(knife_answer.id), chosen_by_id=officer.id, threshold=10, names=[]
    )
    session.commit()
    review = make_review(session, survey)
    review = fresh(session).get(Review, review.id)
    services.set_pack_quotes(session, review, [services.QuoteChoice(quote.id, knives.id)])
    session.commit()

    page = member_client.get(f"/assembly/{review.id}/")
    assert page.status_code == 200
    html = text_of(page)
    assert survey.title in html
    knives_block = html.split(f'id="theme-{knives.id}"')[1].split("</section>")[0]
    assert re.search(r"<strong data-count>&lt;10</strong> people mentioned this", knives_block)
    assert "Note 1" in knives_block
    assert "Knives everywhere" in knives_block  # the quote, under its theme
    gangs_block = html.split(f'id="theme-{gangs.id}"')[1].split("</section>")[0]
    assert re.search(r"<strong data-count>12</strong> people mentioned this", gangs_block)
    assert "80%" in gangs_block  # 12 of the 15 who answered
    counts = re.findall(r"data-count>([^<]*)<", html)
    assert counts, "the pack shows counts"
    assert not [c for c in counts if re.fullmatch(r"[1-9]", c.strip())], counts
    assert "<strong>15</strong> people answered the survey" in html
    assert 'id="chart-reach-age"' in html and 'id="pack-themes-' in html  # charts, via the macro
    assert "<script>" not in html  # CSP: no inline script
    # Drafts do not exist for members.
    draft = make_review(session, survey, status="draft")
    assert member_client.get(f"/assembly/{draft.id}/").status_code == 404


def test_drafts_are_invisible_and_home_lists_what_is_waiting(
    app: Flask, session: Session, make_survey, member: User, member_client: FlaskClient
) -> None:
    survey = make_survey()
    open_review = make_review(session, survey)
    draft = make_review(session, survey, status="draft")
    draft.title = "Secret draft"
    closed = make_review(session, survey, status="closed")
    closed.title = "Last year's review"
    session.commit()

    home = text_of(member_client.get("/assembly/"))
    assert "Secret draft" not in home
    assert "Last year&#39;s review" in home
    assert "2 issues to rate and 2 statements to vote on" in home
    for path in ("/", "/vote", "/results", "/statements", "/comments"):
        assert member_client.get(f"/assembly/{draft.id}{path}").status_code == 404, path
    assert (
        member_client.post(f"/assembly/{draft.id}/rate", data={"score-1": "3"}).status_code == 404
    )

    ids = statement_ids(session, open_review)
    member_client.post(f"/assembly/{open_review.id}/vote/{ids[0]}", data={"choice": "agree"})
    knives = theme_ids(session, "knives_weapons")[0]
    member_client.post(f"/assembly/{open_review.id}/rate", data={f"score-{knives}": "4"})
    home = text_of(member_client.get("/assembly/"))
    assert "1 issue to rate and 1 statement to vote on" in home
    # Looking around creates no participant; only rating or voting does.
    assert fresh(session).scalar(select(func.count()).select_from(Participant)) == 1


# ---------------------------------------------------------------- rating


def test_rating_a_theme_stores_one_row_per_member_and_can_change(
    app: Flask, session: Session, make_survey, member_client: FlaskClient
) -> None:
    survey = make_survey()
    review = make_review(session, survey)
    knives, gangs, parks = theme_ids(
        session, "knives_weapons", "gangs_exploitation", "youth_provision"
    )
    url = f"/assembly/{review.id}/rate"

    saved = member_client.post(url, data={f"score-{knives}": "5"})
    assert saved.status_code == 302
    assert saved.headers["Location"].endswith(f"/assembly/{review.id}/#theme-{knives}")
    assert (
        member_client.post(url, data={f"score-{knives}": "2", f"score-{gangs}": "4"}).status_code
        == 302
    )
    ratings = fresh(session).scalars(select(ThemeRating).order_by(ThemeRating.theme_id)).all()
    assert sorted((r.theme_id, r.score) for r in ratings) == sorted([(knives, 2), (gangs, 4)])
    assert len({r.participant_id for r in ratings}) == 1
    assert 'value="2" checked' in text_of(member_client.get(f"/assembly/{review.id}/"))

    assert member_client.post(url, data={f"score-{knives}": "6"}).status_code == 422
    assert member_client.post(url, data={f"score-{knives}": "x"}).status_code == 422
    assert member_client.post(url, data={}).status_code == 422
    assert member_client.post(url, data={f"score-{parks}": "3"}).status_code == 404
    services.close_review(session, session.get(Review, review.id))
    session.commit()
    closed = member_client.post(url, data={f"score-{knives}": "1"})
    assert closed.status_code == 409
    assert "closed" in text_of(closed)
    assert {r.score for r in fresh(session).scalars(select(ThemeRating))} == {2, 4}


# ---------------------------------------------------------------- voting


def test_voting_one_statement_at_a_time_once_each(
    app: Flask, session: Session, make_survey, member_client: FlaskClient
) -> None:
    survey = make_survey()
    review = make_review(session, survey, statements=("First", "Second", "Third"))
    ids = statement_ids(session, review)
    seen: list[int] = []
    for choice in ("agree", "disagree", "pass"):
        page = text_of(member_client.get(f"/assembly/{review.id}/vote"))
        shown = int(re.search(rf"/assembly/{review.id}/vote/(\d+)", page).group(1))
        assert shown not in seen
        assert f"Statement {len(seen) + 1} of 3" in page
        seen.append(shown)
        response = member_client.post(
            f"/assembly/{review.id}/vote/{shown}", data={"choice": choice}
        )
        assert response.status_code == 302
    assert sorted(seen) == ids
    assert "You have voted on all 3 statements" in text_of(
        member_client.get(f"/assembly/{review.id}/vote")
    )
    votes = {v.statement_id: v.value for v in fresh(session).scalars(select(Vote))}
    assert votes == {seen[0]: 1, seen[1]: -1, seen[2]: 0}

    again = member_client.post(f"/assembly/{review.id}/vote/{seen[0]}", data={"choice": "disagree"})
    assert again.status_code == 409
    assert "already voted on this statement" in text_of(again)
    assert fresh(session).scalars(select(Vote.value).where(Vote.statement_id == seen[0])).all() == [
        1
    ]

    assert member_client.post(
        f"/assembly/{review.id}/vote/{ids[0]}", data={"choice": "maybe"}
    ).status_code in (409, 422)
    other = make_review(session, survey, statements=("Elsewhere",))
    elsewhere = statement_ids(session, other)[0]
    assert (
        member_client.post(
            f"/assembly/{review.id}/vote/{elsewhere}", data={"choice": "agree"}
        ).status_code
        == 404
    )


def test_no_votes_on_pending_or_rejected_statements_or_closed_reviews(
    app: Flask, session: Session, make_survey, member_client: FlaskClient, make_user
) -> None:
    survey = make_survey()
    review = make_review(session, survey, statements=("Approved one",))
    pending = services.add_statement(
        session, review, "A member's idea", kind="recommendation", origin=Origin.MEMBER,
        names=[], today=survey_services.today(),
    )  # fmt: skip
    rejected = services.add_statement(
        session, review, "Another idea", kind="recommendation", origin=Origin.MEMBER,
        names=[], today=survey_services.today(),
    )  # fmt: skip
    services.moderate_statement(
        session, rejected, approve=False, reason="Off topic", moderator_id=make_user().id, names=[]
    )
    session.commit()
    for statement in (pending, rejected):
        response = member_client.post(
            f"/assembly/{review.id}/vote/{statement.id}", data={"choice": "agree"}
        )
        assert response.status_code == 409
        assert "not open for voting" in text_of(response)
    page = text_of(member_client.get(f"/assembly/{review.id}/vote"))
    assert "A member&#39;s idea" not in page and "Another idea" not in page
    approved = statement_ids(session, review)[0]
    services.close_review(session, fresh(session).get(Review, review.id))
    session.commit()
    closed = member_client.post(f"/assembly/{review.id}/vote/{approved}", data={"choice": "agree"})
    assert closed.status_code == 409
    assert "has closed" in text_of(closed)
    assert "Voting on" in text_of(member_client.get(f"/assembly/{review.id}/vote"))
    assert fresh(session).scalar(select(func.count()).select_from(Vote)) == 0


def test_two_votes_racing_store_one(
    app: Flask, session: Session, make_survey, member: User
) -> None:
    survey = make_survey()
    review = make_review(session, survey, statements=("Only one",))
    statement = statement_ids(session, review)[0]
    clients = [client_for(app, member) for _ in range(2)]
    start = threading.Barrier(2)
    statuses: list[int] = []

    def vote(client: FlaskClient, choice: str) -> None:
        start.wait()
        response = client.post(f"/assembly/{review.id}/vote/{statement}", data={"choice": choice})
        statuses.append(response.status_code)

    threads = [
        threading.Thread(target=vote, args=(c, choice))
        for c, choice in zip(clients, ("agree", "disagree"), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [302, 409]
    assert fresh(session).scalar(select(func.count()).select_from(Vote)) == 1
    assert session.scalar(select(func.count()).select_from(Participant)) == 1


# ---------------------------------------------------------------- anonymity


def test_officers_cannot_see_who_voted_how(
    app: Flask, session: Session, make_survey, make_user, member: User, member_client: FlaskClient
) -> None:
    survey = make_survey()
    review = make_review(session, survey)
    second = make_review(session, survey)
    ids = statement_ids(session, review)
    member_client.post(f"/assembly/{review.id}/vote/{ids[0]}", data={"choice": "agree"})
    member_client.post(
        f"/assembly/{second.id}/vote/{statement_ids(session, second)[0]}", data={"choice": "agree"}
    )
    knives = theme_ids(session, "knives_weapons")[0]
    member_client.post(f"/assembly/{review.id}/rate", data={f"score-{knives}": "3"})

    # The vote table holds no account: only the statement, a participant and the value.
    assert {c.name for c in Vote.__table__.columns} == {"statement_id", "participant_id", "value"}
    assert {c.name for c in Participant.__table__.columns} == {
        "id", "review_id", "voter", "age_band", "area",
    }  # fmt: skip
    keys = {p.review_id: p.voter for p in fresh(session).scalars(select(Participant))}
    assert keys[review.id] == voter_key(SECRET, review.id, member.id)
    assert keys[review.id] != keys[second.id]  # not followable across reviews
    unkeyed = {
        hashlib.sha256(value.encode()).hexdigest()
        for value in (
            str(member.id),
            member.email,
            f"{review.id}:{member.id}",
            f"engage-assembly:{review.id}:{member.id}",
        )
    }
    assert keys[review.id] not in unkeyed  # without the secret the key cannot be rebuilt

    bodies = []
    for role in (Role.OFFICER, Role.ADMIN, Role.ANALYST):
        staff = client_for(app, make_user(role))
        results = staff.get(f"/surveys/{survey.id}/assembly/{review.id}/results")
        assert results.status_code == 200
        bodies.append(text_of(results))
        if role is not Role.ANALYST:
            for path in (
                f"/surveys/{survey.id}/assembly/",
                f"/surveys/{survey.id}/assembly/{review.id}/",
                "/assembly/moderation",
                "/assembly/members",
            ):
                bodies.append(text_of(staff.get(path)))
    for path in ("/assembly/", f"/assembly/{review.id}/", f"/assembly/{review.id}/vote",
                 f"/assembly/{review.id}/results", f"/assembly/{review.id}/comments"):  # fmt: skip
        bodies.append(text_of(member_client.get(path)))
    for body in bodies:
        for key in keys.values():
            assert key not in body
        assert member.email not in body or "Youth Assembly members" in body  # only on profiles
    officer_results = bodies[0]
    assert "1 member has voted" in officer_results
    assert member.name not in officer_results


# ---------------------------------------------------------------- statements, comments, moderation


def test_member_statements_are_redacted_and_hidden_until_approved(
    app: Flask, session: Session, make_survey, make_user, member_client: FlaskClient,
    client: FlaskClient, login,
) -> None:  # fmt: skip
    survey = make_survey()
    review = make_review(session, survey, statements=())
    other_member = client_for(app, make_user(Role.ASSEMBLY))

    too_long = member_client.post(f"/assembly/{review.id}/statements", data={"text": "x" * 301})
    assert too_long.status_code == 422
    sent = member_client.post(
        f"/assembly/{review.id}/statements", data={"text": PHONE_AND_NAME, "kind": "recommendation"}
    )
    assert sent.status_code == 302
    follow = text_of(member_client.get(sent.headers["Location"]))
    assert "once it has been checked" in follow
    stored = fresh(session).scalars(select(Statement)).one()
    assert (stored.origin, stored.status, stored.kind) == ("member", "pending", "recommendation")
    assert "07700" not in stored.text and "Jamal" not in stored.text
    assert "[phone]" in stored.text and "[name]" in stored.text
    assert stored.redactions == 2
    assert stored.moderated_by_id is None

    for viewer in (member_client, other_member):  # the author included: no author is stored
        for path in ("vote", "results", "", "comments"):
            body = text_of(viewer.get(f"/assembly/{review.id}/{path}"))
            assert "youth club" not in body, path

    officer = make_user(Role.OFFICER)
    login(officer)
    queue = text_of(client.get("/assembly/moderation"))
    assert "[phone]" in queue and "07700" not in queue and "Jamal" not in queue
    assert "2 details removed by redaction" in queue
    assert "What you told us" in queue  # where it was posted
    url = f"/assembly/moderation/statements/{stored.id}"
    no_reason = client.post(url, data={"decision": "reject", "reason": " "})
    assert no_reason.status_code == 422
    assert "Give a reason" in text_of(no_reason)
    assert fresh(session).get(Statement, stored.id).status == "pending"

    edited = "Ring Tyler on 07700 900456 about the youth club opening late"
    approved = client.post(url, data={"decision": "approve", "text": edited})
    assert approved.status_code == 302
    stored = fresh(session).get(Statement, stored.id)
    assert stored.status == "approved" and stored.moderated_by_id == officer.id
    assert "07700" not in stored.text and "Tyler" not in stored.text and "youth club" in stored.text
    assert stored.redactions == 4
    assert client.post(url, data={"decision": "reject", "reason": "late"}).status_code == 409
    assert "youth club opening late" in text_of(other_member.get(f"/assembly/{review.id}/vote"))
    assert ("statement_moderated", "statement", str(stored.id)) in audit_actions(session)

    rejected = member_client.post(
        f"/assembly/{review.id}/statements", data={"text": "Ban all phones", "kind": "action"}
    )
    assert rejected.status_code == 302
    second = (
        fresh(session).scalars(select(Statement).where(Statement.text == "Ban all phones")).one()
    )
    assert (
        client.post(
            f"/assembly/moderation/statements/{second.id}",
            data={"decision": "reject", "reason": "Not something partners can do"},
        ).status_code
        == 302
    )
    row = fresh(session).get(Statement, second.id)
    assert (row.status, row.reason) == ("rejected", "Not something partners can do")
    assert "Ban all phones" not in text_of(member_client.get(f"/assembly/{review.id}/results"))


def test_comments_from_reviews_and_commitments_share_one_queue(
    app: Flask, session: Session, make_survey, member_client: FlaskClient, client: FlaskClient,
    officer: User,
) -> None:  # fmt: skip
    survey = make_survey()
    review = make_review(session, survey)
    statement = statement_ids(session, review)[0]
    sent = member_client.post(
        f"/assembly/{review.id}/comments",
        data={"text": f"I agree. {PHONE_AND_NAME}", "statement_id": str(statement)},
    )
    assert sent.status_code == 302
    assert (
        member_client.post(f"/assembly/{review.id}/comments", data={"text": ""}).status_code == 422
    )
    on_missing = member_client.post(
        f"/assembly/{review.id}/comments", data={"text": "hi", "statement_id": "999999"}
    )
    assert on_missing.status_code == 404
    fresh(session)  # a stale read snapshot cannot write on SQLite
    commitment = Commitment(
        survey_id=survey.id, title="Open the youth centre on Fridays", partner="Council"
    )
    session.add(commitment)
    session.flush()
    submit_comment(session, "When will this start?", names=[], today=survey_services.today(),
                   commitment_id=commitment.id)  # fmt: skip
    session.commit()

    comment = fresh(session).scalars(select(Comment).where(Comment.review_id == review.id)).one()
    assert comment.status == "pending" and "[phone]" in comment.text and "07700" not in comment.text
    assert "I agree" not in text_of(member_client.get(f"/assembly/{review.id}/comments"))
    assert "I agree" not in text_of(member_client.get(f"/assembly/{review.id}/results"))

    queue = text_of(client.get("/assembly/moderation"))
    assert "Open the youth centre on Fridays" in queue and "When will this start?" in queue
    assert "More youth clubs open late" in queue  # the statement the comment is on
    assert "[phone]" in queue and "07700" not in queue

    assert (
        client.post(
            f"/assembly/moderation/comments/{comment.id}", data={"decision": "approve"}
        ).status_code
        == 302
    )
    other = (
        fresh(session).scalars(select(Comment).where(Comment.commitment_id == commitment.id)).one()
    )
    assert (
        client.post(
            f"/assembly/moderation/comments/{other.id}",
            data={"decision": "reject", "reason": "Duplicate"},
        ).status_code
        == 302
    )
    assert "Nothing is waiting" in text_of(client.get("/assembly/moderation"))
    for path in ("comments", "results", ""):
        assert "I agree" in text_of(member_client.get(f"/assembly/{review.id}/{path}")), path
    assert ("comment_moderated", "comment", str(comment.id)) in audit_actions(session)


# ---------------------------------------------------------------- results


def test_consensus_matches_a_hand_computation(
    app: Flask, session: Session, make_survey, member_client: FlaskClient, make_user
) -> None:
    app.config["ASSEMBLY_MIN_GROUP"] = 2
    survey = make_survey()
    review = make_review(
        session, survey, statements=("Everyone likes this", "This divides us", "Nobody saw much")
    )
    # Two age groups of two. Statement 1: 14-15 agree 2/2, 16-17 agree 1/2 (one pass).
    # Statement 2: 14-15 agree 2/2, 16-17 disagree 2/2. Statement 3: one agree in each group.
    synthetic_voters(
        session,
        review,
        ["14-15", "14-15", "16-17", "16-17"],
        [[1, 1, 1], [1, 1, None], [1, -1, 1], [0, -1, None]],
    )

    def smoothed(agree: int, seen: int) -> float:
        return (agree + 1) / (seen + 2)

    expected = {
        "Everyone likes this": smoothed(2, 2) * smoothed(1, 2),  # 0.75 * 0.5 = 0.375
        "This divides us": smoothed(2, 2) * smoothed(0, 2),  # 0.75 * 0.25 = 0.1875
        "Nobody saw much": smoothed(1, 1) * smoothed(1, 1),  # 2/3 * 2/3 = 0.444
    }
    ids = dict(
        zip(
            ("Everyone likes this", "This divides us", "Nobody saw much"),
            statement_ids(session, review),
            strict=True,
        )
    )
    officer = client_for(app, make_user(Role.ANALYST))
    for body in (
        text_of(member_client.get(f"/assembly/{review.id}/results")),
        text_of(officer.get(f"/surveys/{survey.id}/assembly/{review.id}/results")),
    ):
        shown = dict(re.findall(r'data-consensus="(\d+)">([0-9.]+)<', body))
        assert shown == {str(ids[t]): f"{v:.2f}" for t, v in expected.items()}
        assert shown[str(ids["Everyone likes this"])] == "0.38"
        assert shown[str(ids["This divides us"])] == "0.19"
        assert "4 members have voted" in body
        assert "14-15 (2 members)" in body and "16-17 (2 members)" in body
        blocks = {
            t: body.split(f'id="statement-{i}"')[1].split("</article>")[0] for t, i in ids.items()
        }
        assert "Agreed by every group" in blocks["Nobody saw much"]
        assert "Mixed views" in blocks["Everyone likes this"]  # 16-17: 1 of 2 is no majority
        assert "Divided" in blocks["This divides us"]
        assert "16-17 (2 saw it): 50% agree, 0% disagree, 50% pass" in blocks["Everyone likes this"]
        assert (
            "Everyone (4 saw it): 75% agree, 0% disagree, 25% pass" in blocks["Everyone likes this"]
        )
        # Agreed by every group first, then divided, then the rest.
        order = [
            body.index(f'id="statement-{ids[t]}"')
            for t in ("Nobody saw much", "This divides us", "Everyone likes this")
        ]
        assert order == sorted(order)
        assert "What makes each group different" in body


def test_small_groups_are_never_shown_on_their_own(
    app: Flask, session: Session, make_survey, member_client: FlaskClient
) -> None:
    survey = make_survey()
    review = make_review(session, survey, statements=("A", "B"))
    # Default minimum of 5: 5 aged 14-15, 5 aged 16-17 and 2 aged 18-21.
    bands = ["14-15"] * 5 + ["16-17"] * 5 + ["18-21"] * 2
    synthetic_voters(session, review, bands, [[1, -1]] * 6 + [[-1, 1]] * 6)
    body = text_of(member_client.get(f"/assembly/{review.id}/results"))
    assert "18-21" not in body
    assert "14-15 and others (7 members)" in body and "16-17 (5 members)" in body
    assert "fewer than 5 members who voted are not shown on their own" in body

    few = make_review(session, survey, statements=("C",))
    synthetic_voters(session, few, ["14-15"] * 4, [[1]] * 4)
    body = text_of(member_client.get(f"/assembly/{few.id}/results"))
    assert "Results by group appear once at least 5 members have voted" in body
    assert "14-15" not in body
    assert "Most agree" in body and "4 members have voted" in body

    one_big = make_review(session, survey, statements=("D",))
    synthetic_voters(session, one_big, ["14-15"] * 6 + ["22-25"], [[1]] * 7)
    body = text_of(member_client.get(f"/assembly/{one_big.id}/results"))
    assert "22-25" not in body and "14-15 (" not in body
    assert "too small to show separately" in body


def test_opinion_groups_come_from_the_votes(
    app: Flask, session: Session, make_survey, member_client: FlaskClient
) -> None:
    survey = make_survey()
    review = make_review(
        session, survey, group_by="opinion", statements=("One", "Two", "Three", "Four")
    )
    camp_a = [[1, 1, -1, -1]] * 6
    camp_b = [[-1, -1, 1, 1]] * 6
    synthetic_voters(session, review, [""] * 12, camp_a + camp_b)
    body = text_of(member_client.get(f"/assembly/{review.id}/results"))
    assert "Group A (6 members)" in body and "Group B (6 members)" in body
    assert body.count("Divided") >= 4
    assert "What makes each group different" in body
    assert "100% of the group agree" in body


def test_priorities_rank_rated_themes_across_open_and_closed_reviews(
    app: Flask, session: Session, make_survey, member_client: FlaskClient
) -> None:
    survey = make_survey()
    review = make_review(session, survey)
    closed = make_review(session, survey, themes=("knives_weapons",))
    draft = make_review(session, survey, status="draft", themes=("youth_provision",))
    knives, gangs, parks = theme_ids(
        session, "knives_weapons", "gangs_exploitation", "youth_provision"
    )
    for n, (k, g) in enumerate(((5, 2), (4, 3), (5, None))):
        person = participant_for(session, secret=SECRET, review_id=review.id, user_id=1000 + n)
        services.rate_theme(session, review, person, knives, k)
        if g is not None:
            services.rate_theme(session, review, person, gangs, g)
    person = participant_for(session, secret=SECRET, review_id=closed.id, user_id=1000)
    services.rate_theme(session, closed, person, knives, 3)
    services.close_review(session, closed)
    session.add(ThemeRating(review_id=draft.id, theme_id=parks, participant_id=person.id, score=5))
    session.commit()

    ranked = services.assembly_priorities(fresh(session), survey.id)
    assert [(t.theme_id, t.raters, t.distribution) for t in ranked] == [
        (knives, 4, {1: 0, 2: 0, 3: 1, 4: 1, 5: 2}),
        (gangs, 2, {1: 0, 2: 1, 3: 1, 4: 0, 5: 0}),
    ]
    assert ranked[0].mean == pytest.approx(17 / 4) and ranked[1].mean == pytest.approx(2.5)
    assert ranked[0].name == "Knives and weapons"
    assert services.assembly_priorities(session, survey.id + 1000) == []

    body = text_of(member_client.get(f"/assembly/{review.id}/results"))
    assert "Average <strong>4.7</strong> out of 5, from 3 ratings" in body
    assert body.index("Knives and weapons") < body.index("Gangs")


# ---------------------------------------------------------------- member profiles


def test_officers_set_member_groups_used_when_members_take_part(
    app: Flask, session: Session, make_survey, make_user, client: FlaskClient, officer: User
) -> None:
    survey = make_survey()
    member = make_user(Role.ASSEMBLY, name="Ayesha Member")
    make_user(Role.ANALYST, name="Not A Member")
    page = text_of(client.get("/assembly/members"))
    assert "Ayesha Member" in page and "Not A Member" not in page
    assert "Dudley" in page  # the partnership's areas are suggested

    saved = client.post(
        "/assembly/members", data={"user_id": str(member.id), "age_band": "14-15", "area": "Dudley"}
    )
    assert saved.status_code == 302
    profile = fresh(session).get(AssemblyProfile, member.id)
    assert (profile.age_band, profile.area) == ("14-15", "Dudley")
    assert ("assembly_profile_changed", "user", str(member.id)) in audit_actions(session)

    assert (
        client.post(
            "/assembly/members", data={"user_id": str(member.id), "age_band": "10-12"}
        ).status_code
        == 422
    )
    assert (
        client.post(
            "/assembly/members", data={"user_id": str(member.id), "area": "x" * 121}
        ).status_code
        == 422
    )
    assert (
        client.post(
            "/assembly/members", data={"user_id": str(officer.id), "age_band": "14-15"}
        ).status_code
        == 404
    )

    review = make_review(session, survey)
    voter = client_for(app, member)
    voter.post(
        f"/assembly/{review.id}/vote/{statement_ids(session, review)[0]}", data={"choice": "pass"}
    )
    participant = fresh(session).scalars(select(Participant)).one()
    assert (participant.age_band, participant.area) == ("14-15", "Dudley")


def test_assembly_routes_answer_missing_things_with_4xx(app: Flask, make_user) -> None:
    """The route walk's dummy arguments (ids of 1 that do not exist) get a clear 4xx, never 500."""
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("assembly.")]
    assert len(rules) >= 15
    clients = {role: client_for(app, make_user(role)) for role in (Role.OFFICER, Role.ASSEMBLY)}
    checked = 0
    for rule in rules:
        url = re.sub(r"<int:[a-z_]+>", "1", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for client in clients.values():
                status = client.open(url, method=method).status_code
                assert status < 500, (url, method, status)
                checked += 1
    assert checked >= 30
