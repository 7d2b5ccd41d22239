"""Strategic priorities: what the partnership has said it will focus on.

A priority may come from a starter set (``set_key``, e.g. "dorset_csp") or be
written by an officer. Themes map to priorities many-to-many, so findings,
Assembly ratings and commitments can be read against the strategy.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Table, Text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.db import Base, utcnow
from engage.themes.models import Theme

priority_theme = Table(
    "priority_theme",
    Base.metadata,
    Column("priority_id", ForeignKey("priority.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True),
)


class Priority(Base):
    __tablename__ = "priority"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    set_key: Mapped[str | None] = mapped_column(String(40))
    code: Mapped[str] = mapped_column(String(12))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    themes: Mapped[list[Theme]] = relationship(secondary=priority_theme, order_by="Theme.position")
