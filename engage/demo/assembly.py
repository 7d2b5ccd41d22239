"""The demo Youth Assembly: two member logins and an open review with votes to look at.

The review of the demo youth survey has chosen themes with notes, shared quotes
taken from real demo answers, officer statements, member statements waiting for
moderation and about two dozen synthetic participants who rated and voted in two
loose camps (younger members keener on youth provision and wary of the police,
older ones keener on patrols), so opinion groups, consensus and "divided"
statements all show. Synthetic participants have random voter keys, as no
account stands behind them. The two real member accounts have voted on nothing,
so whoever explores the demo can.

Running it twice resets the members' passwords and leaves the review as it is. The
review's texts, members and the camps' leanings are in ``data/assembly.json``.
"""

from __future__ import annotations

import random
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engage.assembly import services
from engage.assembly.members import submit_comment, voter_key
from engage.assembly.models import (
    GroupBy,
    Origin,
    Participant,
    Review,
    ThemeRating,
    Vote,
)
from engage.auth.roles import Role
from engage.demo.datafiles import load
from engage.demo.partnership import ensure_user
from engage.errors import EngageError
from engage.quotes.models import Quote
from engage.quotes.services import choose_quote
from engage.surveys.models import Answer, Channel, Kind, Question, Response, Survey
from engage.surveys.services import today
from engage.themes.codebook import list_themes

_DATA = load("assembly")
REVIEW_TITLE: str = _DATA["review"]["title"]
INTRODUCTION: str = _DATA["review"]["introduction"]
MEMBERS: tuple[tuple[str, str, str, str], ...] = tuple(
    (m["email"], m["name"], m["age_band"], m["area"]) for m in _DATA["members"]
)
PARTICIPANTS = 24
SEED = 6

# Theme key -> (the officer's note, the answers to quote: a pattern, or None)
THEMES: tuple[tuple[str, str, str | None], ...] = tuple(
    (theme["key"], theme["note"], theme["quote"]) for theme in _DATA["themes"]
)


@dataclass(frozen=True)
class SeedStatement:
    text: str
    kind: str
    younger: float  # chance a member of the younger camp agrees
    older: float  # chance a member of the older camp agrees


STATEMENTS = tuple(SeedStatement(**statement) for statement in _DATA["statements"])
MEMBER_APPROVED = SeedStatement(**_DATA["member_approved"])
MEMBER_PENDING: tuple[tuple[str, str], ...] = tuple(
    (statement["text"], statement["kind"]) for statement in _DATA["member_pending"]
)
COMMENT_PENDING: str = _DATA["comment_pending"]
AREAS: tuple[str, ...] = tuple(_DATA["participant_areas"])
YOUNGER_BANDS: tuple[str, ...] = tuple(_DATA["younger_bands"])
OLDER_BANDS: tuple[str, ...] = tuple(_DATA["older_bands"])
# Mean rating (1-5) per theme for the younger and the older camp.
RATING_MEANS: dict[str, tuple[float, float]] = {
    key: (younger, older) for key, (younger, older) in _DATA["rating_means"].items()
}


def seed_assembly(
    session: Session, *, survey: Survey, officer_id: int, secret_key: str
) -> dict[str, Any]:
    """Create (or find) the demo Assembly; returns the member logins and where to look.

    Returns ``{"members": [(email, name, password), ...], "review_id": int,
    "member_url": "/assembly/", "officer_url": "/surveys/<id>/assembly/<id>/",
    "moderation_url": "/assembly/moderation", "created": bool}``. Never commits.
    """
    logins = []
    member_ids = []
    for email, name, band, area in MEMBERS:
        user, password = ensure_user(session, email, name, Role.ASSEMBLY)
        session.flush()
        services.set_profile(session, user.id, age_band=band, area=area)
        logins.append((email, name, password))
        member_ids.append(user.id)
    review = session.scalar(
        select(Review).where(Review.survey_id == survey.id, Review.title == REVIEW_TITLE)
    )
    created = review is None
    if review is None:
        review = _create_review(session, survey, officer_id, secret_key, member_ids)
    return {
        "members": logins,
        "review_id": review.id,
        "member_url": "/assembly/",
        "officer_url": f"/surveys/{survey.id}/assembly/{review.id}/",
        "moderation_url": "/assembly/moderation",
        "created": created,
    }


def _create_review(
    session: Session, survey: Survey, officer_id: int, secret_key: str, member_ids: list[int]
) -> Review:
    rng = random.Random(SEED)
    on = today()
    review = services.create_review(
        session,
        survey,
        title=REVIEW_TITLE,
        introduction=INTRODUCTION,
        group_by=GroupBy.OPINION.value,
        created_by_id=officer_id,
    )
    themes = {t.key: t for t in list_themes(session)}
    chosen = [(key, note, pattern) for key, note, pattern in THEMES if key in themes]
    services.set_pack_themes(
        session,
        review,
        [
            services.ThemeChoice(themes[key].id, n, note)
            for n, (key, note, _) in enumerate(chosen, start=1)
        ],
    )
    quotes: list[services.QuoteChoice] = []
    names = sorted(set(session.scalars(select(Channel.name))))
    for key, _, pattern in chosen:
        if pattern is None:
            continue
        quote = _quote_for(session, survey, pattern, officer_id, names)
        if quote is not None and quote.id not in {q.quote_id for q in quotes}:
            quotes.append(services.QuoteChoice(quote.id, themes[key].id))
    services.set_pack_quotes(session, review, quotes)
    seeded = []
    for statement in STATEMENTS:
        row = services.add_statement(
            session,
            review,
            statement.text,
            kind=statement.kind,
            origin=Origin.OFFICER,
            names=names,
            today=on,
            officer_id=officer_id,
        )
        seeded.append((row.id, statement))
    services.open_review(session, review)

    approved = services.add_statement(
        session,
        review,
        MEMBER_APPROVED.text,
        kind=MEMBER_APPROVED.kind,
        origin=Origin.MEMBER,
        names=names,
        today=on,
    )
    services.moderate_statement(
        session, approved, approve=True, reason="", moderator_id=officer_id, names=names
    )
    seeded.append((approved.id, MEMBER_APPROVED))
    for text, kind in MEMBER_PENDING:
        services.add_statement(
            session, review, text, kind=kind, origin=Origin.MEMBER, names=names, today=on
        )
    submit_comment(session, COMMENT_PENDING, names=names, today=on, review_id=review.id)
    _synthetic_votes(session, rng, review, seeded, themes, secret_key, member_ids)
    session.flush()
    return review


def _quote_for(
    session: Session, survey: Survey, pattern: str, officer_id: int, names: list[str]
) -> Quote | None:
    """A shared quote from a real demo answer that matches ``pattern``; reused if shared."""
    rows = session.execute(
        select(Answer.id, Answer.text_value)
        .join(Response, Response.id == Answer.response_id)
        .join(Question, Question.id == Answer.question_id)
        .where(
            Response.survey_id == survey.id,
            Question.kind == Kind.TEXT.value,
            Answer.text_value.is_not(None),
        )
        .order_by(Answer.text_value)
    ).all()
    wanted = re.compile(pattern, re.IGNORECASE)
    for answer_id, text in rows:
        if not (40 <= len(text or "") <= 220) or not wanted.search(text or ""):
            continue
        existing = session.scalar(select(Quote).where(Quote.answer_id == answer_id))
        if existing is not None:
            return existing
        try:
            return choose_quote(
                session,
                survey,
                str(answer_id),
                chosen_by_id=officer_id,
                threshold=10,
                names=names,
            )
        except EngageError:
            continue
    return None


def _synthetic_votes(
    session: Session,
    rng: random.Random,
    review: Review,
    statements: list[tuple[int, SeedStatement]],
    themes: dict[str, Any],
    secret_key: str,
    member_ids: list[int],
) -> None:
    real = {voter_key(secret_key, review.id, user_id) for user_id in member_ids}
    chosen = [rt.theme_id for rt in review.themes]
    keys = {t.id: key for key, t in themes.items()}
    for n in range(PARTICIPANTS):
        younger = n < PARTICIPANTS * 0.55
        voter = secrets.token_hex(32)
        if voter in real:  # cannot happen in practice; the real members must stay unvoted
            continue
        person = Participant(
            review_id=review.id,
            voter=voter,
            age_band=rng.choice(YOUNGER_BANDS if younger else OLDER_BANDS),
            area=rng.choice(AREAS),
        )
        session.add(person)
        session.flush()
        for statement_id, statement in statements:
            if rng.random() < 0.12:  # not reached yet
                continue
            chance = statement.younger if younger else statement.older
            draw = rng.random()
            value = 0 if draw < 0.08 else (1 if rng.random() < chance else -1)
            session.add(Vote(statement_id=statement_id, participant_id=person.id, value=value))
        for theme_id in chosen:
            if rng.random() < 0.1:
                continue
            means = RATING_MEANS.get(keys.get(theme_id, ""), (3.5, 3.5))
            mean = means[0] if younger else means[1]
            score = min(5, max(1, round(rng.gauss(mean, 0.8))))
            session.add(
                ThemeRating(
                    review_id=review.id, theme_id=theme_id, participant_id=person.id, score=score
                )
            )


def assembly_summary(result: Mapping[str, Any]) -> str:
    """Lines for the ``demo`` command's output: the member logins and where to look."""
    lines = ["", "Youth Assembly (members see /assembly/ after signing in):"]
    for email, name, password in result["members"]:
        lines.append(f"  {name}  {email}")
        lines.append(f"      password: {password}")
    lines.append(f"  Officers prepare the review at {result['officer_url']}")
    lines.append(f"  and check what members write at {result['moderation_url']}")
    return "\n".join(lines)
