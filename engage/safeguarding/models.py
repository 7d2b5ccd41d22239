"""Flags on free-text answers that may disclose current risk, and the lead's notes.

A flag points at the answer (so the lead can read it) and holds the risk types
and the date only. Nothing here identifies the respondent: the survey cannot.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.db import Base, utcnow


class FlagStatus(StrEnum):
    NEW = "new"
    REVIEWED = "reviewed"  # reviewed, no action needed
    ACTED_ON = "acted_on"  # acted on under the local procedure
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {
            "new": "New",
            "reviewed": "Reviewed, no action",
            "acted_on": "Acted on under the local procedure",
            "closed": "Closed",
        }[self.value]


_STATUSES = ", ".join(f"'{s.value}'" for s in FlagStatus)


class SafeguardingFlag(Base):
    __tablename__ = "safeguarding_flag"
    __table_args__ = (CheckConstraint(f"status IN ({_STATUSES})", name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    answer_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("answer.id", ondelete="CASCADE"), unique=True
    )
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    risks: Mapped[str] = mapped_column(String(200))  # comma-separated Risk values
    status: Mapped[str] = mapped_column(String(12), default=FlagStatus.NEW.value, index=True)
    flagged_on: Mapped[date] = mapped_column(Date)

    notes: Mapped[list[SafeguardingNote]] = relationship(
        back_populates="flag", cascade="all, delete-orphan", order_by="SafeguardingNote.at"
    )


class SafeguardingNote(Base):
    """What the lead decided and why; required with every status change."""

    __tablename__ = "safeguarding_note"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    flag_id: Mapped[int] = mapped_column(
        ForeignKey("safeguarding_flag.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(Text)

    flag: Mapped[SafeguardingFlag] = relationship(back_populates="notes")
