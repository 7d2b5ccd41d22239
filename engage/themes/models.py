"""The partnership codebook, every code given to a free-text answer, trained models
and blind double-coding samples.

A code assignment is a claim by a named coder that an answer belongs to a theme:
"seed:<codebook version>" (seed terms), "model:<version>" (a trained model),
or "user:<id>" (a person). Nothing is overwritten: a suggestion that a reviewer
accepts or rejects keeps who suggested it and records who decided, so the
reliability page can compare the machine with people. Themes are never deleted
(a merged theme is deactivated), so an assignment always names a theme.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.db import Base, utcnow


class Source(StrEnum):
    SEED = "seed"
    MODEL = "model"
    HUMAN = "human"
    BLIND = "blind"


class CodeStatus(StrEnum):
    SUGGESTED = "suggested"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


def _in(column: str, enum: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(str(e.value)) for e in enum)})"


class Codebook(Base):
    """The partnership's one codebook: its name (for exports) and a version that every
    change to a theme bumps, so seed suggestions know when they are out of date."""

    __tablename__ = "codebook"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class Theme(Base):
    __tablename__ = "theme"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    definition: Mapped[str] = mapped_column(Text)
    include: Mapped[str] = mapped_column(Text, default="")
    exclude: Mapped[str] = mapped_column(Text, default="")
    examples: Mapped[list[str]] = mapped_column(JSON, default=list)
    seeds: Mapped[list[str]] = mapped_column(JSON, default=list)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("theme.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("theme.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    parent: Mapped[Theme | None] = relationship(
        remote_side=[id], foreign_keys=[parent_id], lazy="joined", join_depth=1
    )


class CodeAssignment(Base):
    __tablename__ = "code_assignment"
    __table_args__ = (
        CheckConstraint(_in("source", Source), name="source"),
        CheckConstraint(_in("status", CodeStatus), name="status"),
        # Covers "the best code per answer and theme" for the report (bench/report.py).
        Index(
            "ix_code_assignment_answer_theme_status", "answer_id", "theme_id", "status", "source"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    answer_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("answer.id", ondelete="CASCADE"))
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id"), index=True)
    coder: Mapped[str] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(String(10))
    confidence: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(10), default=CodeStatus.SUGGESTED.value)
    # The words that triggered a suggestion, joined with "; " (never the answer itself).
    reasons: Mapped[str] = mapped_column(String(500), default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reviewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    # Blind double coding: the sample this code belongs to (None for everything else).
    sample_id: Mapped[int | None] = mapped_column(
        ForeignKey("blind_sample.id", ondelete="CASCADE"), index=True
    )

    theme: Mapped[Theme] = relationship(lazy="joined")


class SuggestionState(Base):
    """Which coders last suggested codes for an answer, and how uncertain they were.

    Lets the queue find answers whose suggestions are missing or out of date
    (a new answer, an edited codebook, a new model) without rerunning every answer.
    """

    __tablename__ = "suggestion_state"

    answer_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("answer.id", ondelete="CASCADE"), primary_key=True
    )
    seed_coder: Mapped[str] = mapped_column(String(120))
    model_coder: Mapped[str | None] = mapped_column(String(120))
    # 1 when a confidence sits on its threshold, 0 when every one is far from it.
    uncertainty: Mapped[float] = mapped_column(Float, default=0.0)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TrainedModel(Base):
    """A model trained on people's codes; ``blob`` is ``coding.ThemeModel.to_bytes()``."""

    __tablename__ = "theme_model"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    trained_on: Mapped[int] = mapped_column(Integer)
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    # {"scores": {theme: {precision, recall, f1, support}}, "skipped": {theme: positives}}
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    blob: Mapped[bytes] = mapped_column(LargeBinary)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    @property
    def coder(self) -> str:
        return f"model:{self.version}"


class BlindSample(Base):
    """A random sample of one question's answers, coded independently by two people."""

    __tablename__ = "blind_sample"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"))
    first_coder_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    second_coder_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    items: Mapped[list[BlindSampleItem]] = relationship(
        back_populates="sample", cascade="all, delete-orphan", order_by="BlindSampleItem.position"
    )


class BlindSampleItem(Base):
    __tablename__ = "blind_sample_item"

    sample_id: Mapped[int] = mapped_column(
        ForeignKey("blind_sample.id", ondelete="CASCADE"), primary_key=True
    )
    answer_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("answer.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)

    sample: Mapped[BlindSample] = relationship(back_populates="items")
