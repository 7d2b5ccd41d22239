"""Commitments made in answer to a consultation, their progress, and its public page.

Commitments are the partnership's words, not respondents', so they can be shown
live. The public page's figures about respondents come from a snapshot taken when
an officer publishes (``FeedbackPage.snapshot``): masked counts and redacted
quotes only, and fixed between publications, so nobody can difference two
visits to the page to learn about one new response.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.db import Base, utcnow
from engage.i18n import N_
from engage.themes.models import Theme


def _in(column: str, enum: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(str(e.value)) for e in enum)})"


class CommitmentStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    NOT_TAKEN_FORWARD = "not_taken_forward"

    @property
    def label(self) -> str:
        return {
            "planned": N_("Planned"),
            "in_progress": N_("In progress"),
            "done": N_("Done"),
            "not_taken_forward": N_("Not taken forward"),
        }[self.value]


commitment_theme = Table(
    "commitment_theme",
    Base.metadata,
    Column("commitment_id", ForeignKey("commitment.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True),
)


class Commitment(Base):
    __tablename__ = "commitment"
    __table_args__ = (
        CheckConstraint(_in("status", CommitmentStatus), name="status"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress"),
        CheckConstraint("status <> 'not_taken_forward' OR length(reason) > 0", name="reason_given"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))  # what will be done
    detail: Mapped[str] = mapped_column(Text, default="")
    partner: Mapped[str] = mapped_column(String(200))  # who will do it
    # Groups who raised it, as shown on the findings ("Young people aged 11-15").
    groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default=CommitmentStatus.PLANNED.value)
    reason: Mapped[str] = mapped_column(Text, default="")  # why not taken forward
    progress: Mapped[int] = mapped_column(Integer, default=0)
    starts_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    themes: Mapped[list[Theme]] = relationship(
        secondary=commitment_theme, order_by="Theme.position"
    )
    updates: Mapped[list[CommitmentUpdate]] = relationship(
        back_populates="commitment",
        cascade="all, delete-orphan",
        order_by="(CommitmentUpdate.on.desc(), CommitmentUpdate.id.desc())",
    )

    @property
    def status_enum(self) -> CommitmentStatus:
        return CommitmentStatus(self.status)


class CommitmentUpdate(Base):
    """One entry on a commitment's timeline: what happened, and the status after it."""

    __tablename__ = "commitment_update"
    __table_args__ = (
        CheckConstraint(_in("status", CommitmentStatus), name="status"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(
        ForeignKey("commitment.id", ondelete="CASCADE"), index=True
    )
    on: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    progress: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    commitment: Mapped[Commitment] = relationship(back_populates="updates")


class FeedbackPage(Base):
    """The public "you said, we did" page of one consultation, at ``/r/<code>``."""

    __tablename__ = "feedback_page"

    survey_id: Mapped[int] = mapped_column(
        ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(12), unique=True)
    summary: Mapped[str] = mapped_column(Text, default="")  # the officers' own words
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class SurveyWave(Base):
    """The consultation this one follows on from (the previous wave).

    Its thank-you page links to the previous wave's public page, and the
    partnership overview follows these links to show reach over waves.
    """

    __tablename__ = "survey_wave"

    survey_id: Mapped[int] = mapped_column(
        ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True
    )
    follows_id: Mapped[int] = mapped_column(
        ForeignKey("survey.id", ondelete="CASCADE"), unique=True
    )
