from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from engage.db import Base, utcnow


class Quote(Base):
    """A free-text answer chosen for sharing, stored redacted with its attribution.

    The text is redacted when chosen and kept so: what was shared does not change
    if redaction rules change later, and it survives the retention purge of the
    original answer (it is already anonymised). No channel, no date of the answer.
    """

    __tablename__ = "quote"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    answer_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("answer.id", ondelete="SET NULL"), unique=True
    )
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    attribution: Mapped[str] = mapped_column(String(120))
    chosen_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    chosen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
