"""The Youth Assembly's review of a consultation: packs, statements, votes, ratings, moderation.

Services take a Session and plain values, raise domain exceptions and never commit.
A member is known to a review only through their ``voter`` key (see
``engage.assembly.members``): nothing here takes or stores an account id next to a
vote, a rating, a statement or a comment.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

import pandas as pd
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from engage.assembly.members import STATEMENT_MAX, clean_member_text
from engage.assembly.models import (
    AssemblyProfile,
    Comment,
    GroupBy,
    Moderation,
    Origin,
    Participant,
    Review,
    ReviewQuote,
    ReviewStatus,
    ReviewTheme,
    Statement,
    StatementKind,
    ThemeRating,
    Vote,
    VoteValue,
)
from engage.auth.models import User
from engage.auth.roles import Role
from engage.db import insert_or_skip, utcnow
from engage.errors import Conflict, InvalidInput, NotFound
from engage.population.areas import area_names
from engage.quotes.models import Quote
from engage.surveys.models import Survey, SurveyArea
from engage.themes.models import Theme

AGE_BANDS = ("11-13", "14-15", "16-17", "18-21", "22-25")
AREA_MAX = 120
TITLE_MAX = 200
INTRODUCTION_MAX = 3000
NOTE_MAX = 2000
REASON_MAX = 500
SCORES = (1, 2, 3, 4, 5)
RATING_LABELS = {1: "Not much", 2: "A little", 3: "Some", 4: "A lot", 5: "A great deal"}
VOTES = {"agree": VoteValue.AGREE, "disagree": VoteValue.DISAGREE, "pass": VoteValue.PASS}
OFFICER_KINDS = (StatementKind.FINDING.value, StatementKind.ACTION.value)
MEMBER_KINDS = tuple(k.value for k in StatementKind)


# ---------------------------------------------------------------- the Assembly's priorities


@dataclass(frozen=True)
class RatedTheme:
    """How much a theme matters to the Assembly: the mean of 1-5 ratings and how many rated.

    ``distribution`` maps every score 1-5 to its number of ratings (zeros included).
    """

    theme_id: int
    name: str
    mean: float
    raters: int
    distribution: dict[int, int]


def rated_themes(session: Session, review_ids: Sequence[int]) -> list[RatedTheme]:
    """Ratings of the themes chosen for these reviews, pooled; unrated themes included (raters 0).

    Only ratings of themes still in a review's pack count: an officer may take a
    theme out of an open review, and its earlier ratings then stop counting.
    Sorted by mean (highest first), then raters, then name; unrated themes last.
    """
    if not review_ids:
        return []
    chosen = list(
        session.execute(
            select(Theme.id, Theme.name, func.min(ReviewTheme.position))
            .join(ReviewTheme, ReviewTheme.theme_id == Theme.id)
            .where(ReviewTheme.review_id.in_(review_ids))
            .group_by(Theme.id, Theme.name)
        )
    )
    counts = session.execute(
        select(ThemeRating.theme_id, ThemeRating.score, func.count())
        .join(
            ReviewTheme,
            and_(
                ReviewTheme.review_id == ThemeRating.review_id,
                ReviewTheme.theme_id == ThemeRating.theme_id,
            ),
        )
        .where(ThemeRating.review_id.in_(review_ids))
        .group_by(ThemeRating.theme_id, ThemeRating.score)
    )
    distributions: dict[int, dict[int, int]] = {}
    for theme_id, score, n in counts:
        distributions.setdefault(theme_id, dict.fromkeys(SCORES, 0))[int(score)] = int(n)
    result = []
    for theme_id, name, _ in chosen:
        distribution = distributions.get(theme_id, dict.fromkeys(SCORES, 0))
        raters = sum(distribution.values())
        mean = sum(s * n for s, n in distribution.items()) / raters if raters else 0.0
        result.append(RatedTheme(theme_id, name, mean, raters, distribution))
    return sorted(result, key=lambda t: (t.raters == 0, -t.mean, -t.raters, t.name))


def assembly_priorities(session: Session, survey_id: int) -> list[RatedTheme]:
    """The themes the Assembly rated for a consultation, across its open and closed reviews.

    Themes with at least one rating only, sorted by mean rating (highest first), then
    by number of raters. A member who rated in two reviews counts in both.
    """
    review_ids = list(
        session.scalars(
            select(Review.id).where(
                Review.survey_id == survey_id, Review.status != ReviewStatus.DRAFT.value
            )
        )
    )
    return [t for t in rated_themes(session, review_ids) if t.raters > 0]


# ---------------------------------------------------------------- reviews


def list_reviews(session: Session, survey_id: int) -> list[Review]:
    return list(
        session.scalars(
            select(Review).where(Review.survey_id == survey_id).order_by(Review.id.desc())
        )
    )


def get_review(session: Session, survey_id: int, review_id: int) -> Review:
    review = session.get(Review, review_id)
    if review is None or review.survey_id != survey_id:
        raise NotFound("There is no such Youth Assembly review for this consultation.")
    return review


def get_visible_review(session: Session, review_id: int) -> Review:
    """A review members may see: open or closed. Drafts do not exist for them."""
    review = session.get(Review, review_id)
    if review is None or review.status == ReviewStatus.DRAFT.value:
        raise NotFound("There is no such review. It may not be ready yet.")
    return review


def visible_reviews(session: Session) -> list[tuple[Review, Survey]]:
    """Open reviews first (newest first), then closed ones."""
    rows = session.execute(
        select(Review, Survey)
        .join(Survey, Survey.id == Review.survey_id)
        .where(Review.status != ReviewStatus.DRAFT.value)
        .order_by(Review.status.desc(), Review.opened_at.desc(), Review.id.desc())
    )
    return [(review, survey) for review, survey in rows]


def _title(raw: str) -> str:
    title = " ".join(raw.split())
    if not title:
        raise InvalidInput("Give the review a title.")
    if len(title) > TITLE_MAX:
        raise InvalidInput(f"Keep the title to {TITLE_MAX} characters.")
    return title


def create_review(
    session: Session,
    survey: Survey,
    *,
    title: str,
    introduction: str,
    group_by: str,
    created_by_id: int | None,
) -> Review:
    if group_by not in {g.value for g in GroupBy}:
        raise InvalidInput("Choose how results are grouped: age band, area or opinion groups.")
    if len(introduction) > INTRODUCTION_MAX:
        raise InvalidInput(f"Keep the introduction to {INTRODUCTION_MAX:,} characters.")
    review = Review(
        survey_id=survey.id,
        title=_title(title),
        introduction=introduction.strip(),
        group_by=group_by,
        status=ReviewStatus.DRAFT.value,
        created_by_id=created_by_id,
    )
    session.add(review)
    session.flush()
    return review


def require_editable(review: Review) -> None:
    if review.status == ReviewStatus.CLOSED.value:
        raise Conflict("This review is closed, so its findings pack can no longer be changed.")


def require_open(review: Review) -> None:
    if review.status == ReviewStatus.CLOSED.value:
        raise Conflict("This review has closed. You can still see the results.")
    if review.status != ReviewStatus.OPEN.value:
        raise NotFound("There is no such review. It may not be ready yet.")


@dataclass(frozen=True)
class ThemeChoice:
    theme_id: int
    position: int
    note: str


def set_pack_themes(session: Session, review: Review, chosen: Sequence[ThemeChoice]) -> None:
    """Make the pack's themes exactly these, in order of ``position`` (ties as given)."""
    require_editable(review)
    ids = [c.theme_id for c in chosen]
    if len(set(ids)) != len(ids):
        raise InvalidInput("Each theme can be chosen once.")
    themes = {t.id: t for t in session.scalars(select(Theme).where(Theme.id.in_(ids)))}
    for choice in chosen:
        theme = themes.get(choice.theme_id)
        if theme is None or not theme.active:
            raise InvalidInput("Choose themes from the current codebook.")
        if len(choice.note) > NOTE_MAX:
            raise InvalidInput(f"Keep the note on {theme.name} to {NOTE_MAX:,} characters.")
    ordered = sorted(enumerate(chosen), key=lambda pair: (pair[1].position, pair[0]))
    existing = {rt.theme_id: rt for rt in review.themes}
    kept: list[ReviewTheme] = []
    for position, (_, choice) in enumerate(ordered, start=1):
        row = existing.get(choice.theme_id) or ReviewTheme(theme_id=choice.theme_id)
        row.position = position
        row.note = choice.note.strip()
        kept.append(row)
    review.themes = kept
    for quote in review.quotes:
        if quote.theme_id is not None and quote.theme_id not in ids:
            quote.theme_id = None
    session.flush()


@dataclass(frozen=True)
class QuoteChoice:
    quote_id: int
    theme_id: int | None


def set_pack_quotes(session: Session, review: Review, chosen: Sequence[QuoteChoice]) -> None:
    """Make the pack's quotes exactly these: shared (redacted) quotes of the review's survey."""
    require_editable(review)
    ids = [c.quote_id for c in chosen]
    if len(set(ids)) != len(ids):
        raise InvalidInput("Each quote can be chosen once.")
    found = set(
        session.scalars(
            select(Quote.id).where(Quote.id.in_(ids), Quote.survey_id == review.survey_id)
        )
    )
    if found != set(ids):
        raise InvalidInput("Choose from this consultation's shared quotes.")
    in_pack = {rt.theme_id for rt in review.themes}
    for choice in chosen:
        if choice.theme_id is not None and choice.theme_id not in in_pack:
            raise InvalidInput("Tie a quote only to a theme chosen for the pack.")
    existing = {rq.quote_id: rq for rq in review.quotes}
    kept = []
    for choice in chosen:
        row = existing.get(choice.quote_id) or ReviewQuote(quote_id=choice.quote_id)
        row.theme_id = choice.theme_id
        kept.append(row)
    review.quotes = kept
    session.flush()


def open_review(session: Session, review: Review) -> None:
    if review.status == ReviewStatus.OPEN.value:
        raise Conflict("This review is already open to the Assembly.")
    require_editable(review)
    if not review.themes:
        raise InvalidInput("Choose at least one theme for the pack before opening the review.")
    review.status = ReviewStatus.OPEN.value
    review.opened_at = utcnow()
    session.flush()


def close_review(session: Session, review: Review) -> None:
    if review.status != ReviewStatus.OPEN.value:
        raise Conflict("Only an open review can be closed.")
    review.status = ReviewStatus.CLOSED.value
    review.closed_at = utcnow()
    session.flush()


def pack_quotes(session: Session, review: Review) -> list[tuple[Quote, Theme | None]]:
    rows = session.execute(
        select(Quote, Theme)
        .join(ReviewQuote, ReviewQuote.quote_id == Quote.id)
        .outerjoin(Theme, Theme.id == ReviewQuote.theme_id)
        .where(ReviewQuote.review_id == review.id)
        .order_by(Quote.id)
    )
    return [(quote, theme) for quote, theme in rows]


def pack_themes(session: Session, review: Review) -> list[tuple[ReviewTheme, Theme]]:
    rows = session.execute(
        select(ReviewTheme, Theme)
        .join(Theme, Theme.id == ReviewTheme.theme_id)
        .where(ReviewTheme.review_id == review.id)
        .order_by(ReviewTheme.position, Theme.name)
    )
    return [(rt, theme) for rt, theme in rows]


# ---------------------------------------------------------------- statements and comments


def add_statement(
    session: Session,
    review: Review,
    text: str,
    *,
    kind: str,
    origin: Origin,
    names: Iterable[str],
    today: date,
    theme_id: int | None = None,
    officer_id: int | None = None,
) -> Statement:
    """A statement to vote on. An officer's is approved at once; a member's waits for moderation.

    Either way the text goes through redaction first. No author is stored for a
    member's statement.
    """
    if origin is Origin.OFFICER:
        require_editable(review)
        if kind not in OFFICER_KINDS:
            raise InvalidInput("Choose whether this is a finding or a proposed action.")
    else:
        require_open(review)
        if kind not in MEMBER_KINDS:
            raise InvalidInput("Choose a recommendation, a finding or an action.")
    if theme_id is not None and theme_id not in {rt.theme_id for rt in review.themes}:
        raise InvalidInput("Tie a statement only to a theme chosen for the pack.")
    cleaned, spans = clean_member_text(text, limit=STATEMENT_MAX, names=names)
    approved = origin is Origin.OFFICER
    statement = Statement(
        review_id=review.id,
        kind=kind,
        origin=origin.value,
        text=cleaned,
        redactions=spans,
        theme_id=theme_id,
        status=(Moderation.APPROVED if approved else Moderation.PENDING).value,
        created_on=today,
        moderated_by_id=officer_id if approved else None,
        moderated_at=utcnow() if approved else None,
    )
    session.add(statement)
    session.flush()
    return statement


def approved_statements(session: Session, review_id: int) -> list[Statement]:
    return list(
        session.scalars(
            select(Statement)
            .where(
                Statement.review_id == review_id,
                Statement.status == Moderation.APPROVED.value,
            )
            .order_by(Statement.id)
        )
    )


def approved_comments(session: Session, review_id: int) -> list[Comment]:
    return list(
        session.scalars(
            select(Comment)
            .where(Comment.review_id == review_id, Comment.status == Moderation.APPROVED.value)
            .order_by(Comment.id)
        )
    )


def check_comment_target(session: Session, review: Review, statement_id: int | None) -> None:
    """A member comments on an open review, or on one of its approved statements."""
    require_open(review)
    if statement_id is None:
        return
    statement = session.get(Statement, statement_id)
    if (
        statement is None
        or statement.review_id != review.id
        or statement.status != Moderation.APPROVED.value
    ):
        raise NotFound("There is no such statement in this review.")


# ---------------------------------------------------------------- members taking part


def find_participant(session: Session, review_id: int, voter: str) -> Participant | None:
    return session.scalar(
        select(Participant).where(Participant.review_id == review_id, Participant.voter == voter)
    )


def _order_key(voter: str, statement_id: int) -> str:
    # A shuffle that is stable for each member and differs between members, so every
    # statement is seen early by someone; the voter key is already opaque.
    return hashlib.sha256(f"{voter}:{statement_id}".encode()).hexdigest()


@dataclass(frozen=True)
class Progress:
    themes: int
    rated: int
    statements: int
    voted: int

    @property
    def to_rate(self) -> int:
        return self.themes - self.rated

    @property
    def to_vote(self) -> int:
        return self.statements - self.voted


def progress_of(session: Session, review: Review, voter: str) -> Progress:
    participant = find_participant(session, review.id, voter)
    chosen = {rt.theme_id for rt in review.themes}
    statements = approved_statements(session, review.id)
    rated = voted = 0
    if participant is not None:
        rated = len(chosen & set(ratings_of(session, review, participant).keys()))
        voted = len(_voted_ids(session, participant) & {s.id for s in statements})
    return Progress(len(chosen), rated, len(statements), voted)


def _voted_ids(session: Session, participant: Participant) -> set[int]:
    return set(
        session.scalars(select(Vote.statement_id).where(Vote.participant_id == participant.id))
    )


def next_statement(session: Session, review: Review, voter: str) -> Statement | None:
    """The next approved statement this member has not voted on, in their own stable order."""
    participant = find_participant(session, review.id, voter)
    done = _voted_ids(session, participant) if participant is not None else set()
    waiting = [s for s in approved_statements(session, review.id) if s.id not in done]
    return min(waiting, key=lambda s: _order_key(voter, s.id), default=None)


def cast_vote(
    session: Session, review: Review, statement_id: int, participant: Participant, choice: str
) -> None:
    """One vote per member per statement: a second one is refused and changes nothing.

    The vote's primary key (statement, participant) makes the insert a no-op when
    a vote is there already, even when two requests race.
    """
    require_open(review)
    if choice not in VOTES:
        raise InvalidInput("Choose agree, disagree or pass.")
    statement = session.get(Statement, statement_id)
    if statement is None or statement.review_id != review.id:
        raise NotFound("There is no such statement in this review.")
    if statement.status != Moderation.APPROVED.value:
        raise Conflict("This statement is not open for voting.")
    result = session.execute(
        insert_or_skip(session, Vote)
        .values(statement_id=statement.id, participant_id=participant.id, value=VOTES[choice])
        .on_conflict_do_nothing(index_elements=["statement_id", "participant_id"])
        .returning(Vote.statement_id)
    )
    # rowcount is not reliable here (psycopg reports -1); RETURNING gives no row when
    # the insert did nothing.
    if result.first() is None:
        raise Conflict(
            "You have already voted on this statement. Each member votes once on each "
            "statement, so your first vote stands."
        )


def ratings_of(session: Session, review: Review, participant: Participant) -> dict[int, int]:
    return {
        theme_id: score
        for theme_id, score in session.execute(
            select(ThemeRating.theme_id, ThemeRating.score).where(
                ThemeRating.review_id == review.id,
                ThemeRating.participant_id == participant.id,
            )
        )
    }


def rate_theme(
    session: Session, review: Review, participant: Participant, theme_id: int, score: int
) -> None:
    """Store or change a member's 1-5 rating of a theme in the pack (one row each)."""
    require_open(review)
    if theme_id not in {rt.theme_id for rt in review.themes}:
        raise NotFound("That theme is not in this review.")
    if score not in SCORES:
        raise InvalidInput("Choose a rating from 1 to 5.")
    session.execute(
        insert_or_skip(session, ThemeRating)
        .values(review_id=review.id, theme_id=theme_id, participant_id=participant.id, score=score)
        .on_conflict_do_update(index_elements=["theme_id", "participant_id"], set_={"score": score})
    )


# ---------------------------------------------------------------- moderation


@dataclass(frozen=True)
class PendingItem:
    kind: Literal["statement", "comment"]
    id: int
    text: str
    redactions: int
    where: str
    label: str  # "Recommendation", "Comment", ...
    created_on: date


# Names where a comment on a commitment was left, or None if the commitment has gone.
# Commitments belong to feedback, which builds on this package, so the lookup is
# registered at app start (engage/hooks.py, under this key) instead of imported.
CommitmentPlace = Callable[[Session, int], str | None]
COMMITMENT_PLACE = "engage.commitment_place"


def pending_items(
    session: Session, *, commitment_place: CommitmentPlace | None = None
) -> list[PendingItem]:
    """Everything members wrote that waits for moderation, oldest first, redacted text only."""
    items: list[PendingItem] = []
    statements = session.execute(
        select(Statement, Review.title, Survey.title)
        .join(Review, Review.id == Statement.review_id)
        .join(Survey, Survey.id == Review.survey_id)
        .where(Statement.status == Moderation.PENDING.value)
    )
    for statement, review_title, survey_title in statements:
        items.append(
            PendingItem(
                kind="statement",
                id=statement.id,
                text=statement.text,
                redactions=statement.redactions,
                where=f"{survey_title}: review \u201c{review_title}\u201d",
                label=StatementKind(statement.kind).label,
                created_on=statement.created_on,
            )
        )
    comments = session.scalars(
        select(Comment).where(Comment.status == Moderation.PENDING.value).order_by(Comment.id)
    )
    for comment in comments:
        items.append(
            PendingItem(
                kind="comment",
                id=comment.id,
                text=comment.text,
                redactions=comment.redactions,
                where=_comment_place(session, comment, commitment_place),
                label="Comment",
                created_on=comment.created_on,
            )
        )
    return sorted(items, key=lambda i: (i.created_on, i.kind, i.id))


def _comment_place(
    session: Session, comment: Comment, commitment_place: CommitmentPlace | None
) -> str:
    if comment.commitment_id is not None and commitment_place is not None:
        place = commitment_place(session, comment.commitment_id)
        if place is not None:
            return place
    review = session.get(Review, comment.review_id) if comment.review_id is not None else None
    if review is None:
        return "Unknown"
    survey = session.get(Survey, review.survey_id)
    place = f"{survey.title if survey else ''}: review \u201c{review.title}\u201d"
    if comment.statement_id is not None:
        statement = session.get(Statement, comment.statement_id)
        if statement is not None:
            place += f", on the statement \u201c{statement.text}\u201d"
    return place


def _decision(approve: bool, reason: str) -> tuple[str, str]:
    reason = " ".join(reason.split())
    if approve:
        return Moderation.APPROVED.value, ""
    if not reason:
        raise InvalidInput("Give a reason for rejecting it.")
    if len(reason) > REASON_MAX:
        raise InvalidInput(f"Keep the reason to {REASON_MAX} characters.")
    return Moderation.REJECTED.value, reason


def get_statement(session: Session, statement_id: int) -> Statement:
    statement = session.get(Statement, statement_id)
    if statement is None:
        raise NotFound("There is no such statement.")
    return statement


def get_comment(session: Session, comment_id: int) -> Comment:
    comment = session.get(Comment, comment_id)
    if comment is None:
        raise NotFound("There is no such comment.")
    return comment


def moderate_statement(
    session: Session,
    statement: Statement,
    *,
    approve: bool,
    reason: str,
    moderator_id: int,
    names: Iterable[str],
    text: str | None = None,
) -> None:
    """Approve (optionally with new wording, redacted again) or reject with a reason."""
    if statement.status != Moderation.PENDING.value:
        raise Conflict(f"This statement has already been {statement.status}.")
    status, reason = _decision(approve, reason)
    if approve and text is not None and " ".join(text.split()) != statement.text:
        cleaned, spans = clean_member_text(text, limit=STATEMENT_MAX, names=names)
        statement.text = cleaned
        statement.redactions += spans
    statement.status = status
    statement.reason = reason
    statement.moderated_by_id = moderator_id
    statement.moderated_at = utcnow()
    session.flush()


def moderate_comment(
    session: Session, comment: Comment, *, approve: bool, reason: str, moderator_id: int
) -> None:
    if comment.status != Moderation.PENDING.value:
        raise Conflict(f"This comment has already been {comment.status}.")
    comment.status, comment.reason = _decision(approve, reason)
    comment.moderated_by_id = moderator_id
    comment.moderated_at = utcnow()
    session.flush()


# ---------------------------------------------------------------- results data


def results_frame(session: Session, review: Review) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The votes on approved statements, and who voted, both keyed by participant row id.

    ``votes``: columns ``participant``, ``statement``, ``vote`` (1, -1, 0).
    ``members``: index ``participant``, columns ``age_band`` and ``area``, one row
    per participant who voted. Nothing here can be joined to an account.
    """
    rows = session.execute(
        select(Vote.participant_id, Vote.statement_id, Vote.value)
        .join(Statement, Statement.id == Vote.statement_id)
        .where(Statement.review_id == review.id, Statement.status == Moderation.APPROVED.value)
        .order_by(Vote.participant_id, Vote.statement_id)
    ).all()
    votes = pd.DataFrame(
        [(int(p), int(s), int(v)) for p, s, v in rows],
        columns=["participant", "statement", "vote"],
    ).astype("int64")
    voters = set(votes["participant"])
    people = session.execute(
        select(Participant.id, Participant.age_band, Participant.area).where(
            Participant.review_id == review.id
        )
    ).all()
    members = pd.DataFrame(
        [(int(i), a, r) for i, a, r in people if i in voters],
        columns=["participant", "age_band", "area"],
    ).set_index("participant")
    return votes, members


# ---------------------------------------------------------------- member profiles


def assembly_members(session: Session) -> list[tuple[User, AssemblyProfile | None]]:
    rows = session.execute(
        select(User, AssemblyProfile)
        .outerjoin(AssemblyProfile, AssemblyProfile.user_id == User.id)
        .where(User.role == Role.ASSEMBLY.value)
        .order_by(User.name, User.id)
    )
    return [(user, profile) for user, profile in rows]


def area_suggestions(session: Session) -> list[str]:
    """The partnership's area names (every survey's local authorities) and areas already used."""
    names = area_names()
    codes = set(session.scalars(select(SurveyArea.area_code)))
    used = {a for a in session.scalars(select(AssemblyProfile.area)) if a}
    return sorted({names.get(c, c) for c in codes} | used)


def set_profile(session: Session, user_id: int, *, age_band: str, area: str) -> AssemblyProfile:
    user = session.get(User, user_id)
    if user is None or user.role != Role.ASSEMBLY.value:
        raise NotFound("There is no such Youth Assembly member.")
    if age_band and age_band not in AGE_BANDS:
        raise InvalidInput(f"Choose an age band: {', '.join(AGE_BANDS)}.")
    area = " ".join(area.split())
    if len(area) > AREA_MAX:
        raise InvalidInput(f"Keep the area to {AREA_MAX} characters.")
    profile = session.get(AssemblyProfile, user_id)
    if profile is None:
        profile = AssemblyProfile(user_id=user_id)
        session.add(profile)
    profile.age_band = age_band
    profile.area = area
    session.flush()
    return profile
