"""The Youth Assembly's review of a consultation.

Votes are anonymous to officers by construction. A member takes part in a
review as a ``Participant`` whose ``voter`` is a keyed hash (HMAC with the
app's secret key) of the review and the member's account id: the database
holds no link from a vote to an account, the same member always maps to the
same participant (so a vote cannot be cast twice: the primary key of ``vote``
is statement and participant), and the hash differs between reviews, so
participation cannot be followed across reviews. The participant keeps the
member's age band and area at the time, for results by group; no page shows a
group smaller than the configured minimum. Votes carry no time.

Everything members write (statements, comments) is stored redacted and waits
in a moderation queue (``status`` pending) before anyone else sees it.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.db import Base, utcnow


def _in(column: str, enum: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(str(e.value)) for e in enum)})"


class ReviewStatus(StrEnum):
    DRAFT = "draft"  # officers preparing; members cannot see it
    OPEN = "open"  # members rate, vote, comment, propose
    CLOSED = "closed"  # read-only results

    @property
    def label(self) -> str:
        return {"draft": "Draft", "open": "Open to the Assembly", "closed": "Closed"}[self.value]


class GroupBy(StrEnum):
    AGE_BAND = "age_band"
    AREA = "area"
    OPINION = "opinion"  # groups found from the votes (PCA and k-means)

    @property
    def label(self) -> str:
        return {
            "age_band": "Age band",
            "area": "Area",
            "opinion": "Opinion groups (from the votes)",
        }[self.value]


class StatementKind(StrEnum):
    FINDING = "finding"
    ACTION = "action"
    RECOMMENDATION = "recommendation"

    @property
    def label(self) -> str:
        return {
            "finding": "Finding",
            "action": "Proposed action",
            "recommendation": "Recommendation",
        }[self.value]


class Origin(StrEnum):
    OFFICER = "officer"
    MEMBER = "member"


class Moderation(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class VoteValue:
    AGREE = 1
    PASS = 0
    DISAGREE = -1


class AssemblyProfile(Base):
    """What groups a member belongs to, for results by group. Set by an officer."""

    __tablename__ = "assembly_profile"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    age_band: Mapped[str] = mapped_column(String(20), default="")
    area: Mapped[str] = mapped_column(String(120), default="")


class Review(Base):
    __tablename__ = "review"
    __table_args__ = (
        CheckConstraint(_in("status", ReviewStatus), name="status"),
        CheckConstraint(_in("group_by", GroupBy), name="group_by"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    introduction: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default=ReviewStatus.DRAFT.value)
    group_by: Mapped[str] = mapped_column(String(10), default=GroupBy.AGE_BAND.value)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    themes: Mapped[list[ReviewTheme]] = relationship(
        cascade="all, delete-orphan", order_by="ReviewTheme.position"
    )
    quotes: Mapped[list[ReviewQuote]] = relationship(cascade="all, delete-orphan")
    statements: Mapped[list[Statement]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="Statement.id"
    )


class ReviewTheme(Base):
    """A theme chosen for the pack, with the officer's note on what people said."""

    __tablename__ = "review_theme"

    review_id: Mapped[int] = mapped_column(
        ForeignKey("review.id", ondelete="CASCADE"), primary_key=True
    )
    theme_id: Mapped[int] = mapped_column(
        ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")


class ReviewQuote(Base):
    """A shared (already redacted) quote chosen for the pack."""

    __tablename__ = "review_quote"

    review_id: Mapped[int] = mapped_column(
        ForeignKey("review.id", ondelete="CASCADE"), primary_key=True
    )
    quote_id: Mapped[int] = mapped_column(
        ForeignKey("quote.id", ondelete="CASCADE"), primary_key=True
    )
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("theme.id", ondelete="SET NULL"))


class Participant(Base):
    __tablename__ = "participant"
    __table_args__ = (UniqueConstraint("review_id", "voter"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    voter: Mapped[str] = mapped_column(String(64))  # HMAC-SHA256 hex, see the module docstring
    age_band: Mapped[str] = mapped_column(String(20), default="")
    area: Mapped[str] = mapped_column(String(120), default="")


class Statement(Base):
    __tablename__ = "statement"
    __table_args__ = (
        CheckConstraint(_in("kind", StatementKind), name="kind"),
        CheckConstraint(_in("origin", Origin), name="origin"),
        CheckConstraint(_in("status", Moderation), name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    origin: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)  # redacted when written
    redactions: Mapped[int] = mapped_column(Integer, default=0)
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("theme.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(10), default=Moderation.PENDING.value)
    reason: Mapped[str] = mapped_column(Text, default="")  # why it was rejected
    created_on: Mapped[date] = mapped_column(Date)
    moderated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    moderated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    review: Mapped[Review] = relationship(back_populates="statements")


class Vote(Base):
    __tablename__ = "vote"
    __table_args__ = (CheckConstraint("value IN (-1, 0, 1)", name="value"),)

    statement_id: Mapped[int] = mapped_column(
        ForeignKey("statement.id", ondelete="CASCADE"), primary_key=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    value: Mapped[int] = mapped_column(SmallInteger)


class ThemeRating(Base):
    """How much a theme matters to a member: 1 (not much) to 5 (a great deal)."""

    __tablename__ = "theme_rating"
    __table_args__ = (CheckConstraint("score BETWEEN 1 AND 5", name="score"),)

    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    theme_id: Mapped[int] = mapped_column(
        ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True
    )
    score: Mapped[int] = mapped_column(SmallInteger)


class Comment(Base):
    """A member's comment on a review (optionally on one statement) or on a commitment."""

    __tablename__ = "assembly_comment"
    __table_args__ = (
        CheckConstraint(_in("status", Moderation), name="status"),
        CheckConstraint("review_id IS NOT NULL OR commitment_id IS NOT NULL", name="target"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int | None] = mapped_column(
        ForeignKey("review.id", ondelete="CASCADE"), index=True
    )
    statement_id: Mapped[int | None] = mapped_column(ForeignKey("statement.id", ondelete="CASCADE"))
    commitment_id: Mapped[int | None] = mapped_column(
        ForeignKey("commitment.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)  # redacted when written
    redactions: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10), default=Moderation.PENDING.value)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_on: Mapped[date] = mapped_column(Date)
    moderated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    moderated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
