"""Population baselines: named sets of counts that survey samples are compared against.

A baseline is whatever the partnership wants to measure reach against: the
Census 2021 figures shipped with Engage, ward figures, or a school roll. Its
counts are kept in the same tidy shape as the census files (area, dimension,
category, optional age band, count).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.db import Base, utcnow


class PopulationBaseline(Base):
    __tablename__ = "population_baseline"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Unique so "import again with --replace" has one obvious target.
    name: Mapped[str] = mapped_column(String(120), unique=True)
    # Where the figures come from and under what licence (shown with any chart that uses them).
    source_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    counts: Mapped[list[PopulationCount]] = relationship(
        back_populates="baseline",
        cascade="all, delete-orphan",
        passive_deletes=True,  # the database's ON DELETE CASCADE removes tens of thousands of rows
        order_by="PopulationCount.id",
    )


class PopulationCount(Base):
    __tablename__ = "population_count"
    __table_args__ = (
        CheckConstraint("count >= 0", name="count_not_negative"),
        # The unique index leads with baseline_id, so it also serves lookups by baseline.
        # NULL age bands are distinct to the database; the importer rejects such duplicates.
        UniqueConstraint(
            "baseline_id",
            "area_code",
            "dimension",
            "category",
            "age_band",
            name="uq_population_count_cell",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    baseline_id: Mapped[int] = mapped_column(
        ForeignKey("population_baseline.id", ondelete="CASCADE")
    )
    # A GSS code for census areas; user baselines may use ward codes or a school's own code.
    area_code: Mapped[str] = mapped_column(String(20))
    dimension: Mapped[str] = mapped_column(String(30))
    category: Mapped[str] = mapped_column(String(200))
    age_band: Mapped[str | None] = mapped_column(String(20))
    count: Mapped[int] = mapped_column(Integer)

    baseline: Mapped[PopulationBaseline] = relationship(back_populates="counts")
