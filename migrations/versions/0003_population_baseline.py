"""population baselines: named sets of census-style counts to compare samples against

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "population_baseline",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("source_note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_population_baseline")),
        sa.UniqueConstraint("name", name=op.f("uq_population_baseline_name")),
    )
    op.create_table(
        "population_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("baseline_id", sa.Integer(), nullable=False),
        sa.Column("area_code", sa.String(length=20), nullable=False),
        sa.Column("dimension", sa.String(length=30), nullable=False),
        sa.Column("category", sa.String(length=200), nullable=False),
        sa.Column("age_band", sa.String(length=20), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.CheckConstraint("count >= 0", name=op.f("ck_population_count_count_not_negative")),
        sa.ForeignKeyConstraint(
            ["baseline_id"],
            ["population_baseline.id"],
            name=op.f("fk_population_count_baseline_id_population_baseline"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_population_count")),
        sa.UniqueConstraint(
            "baseline_id",
            "area_code",
            "dimension",
            "category",
            "age_band",
            name="uq_population_count_cell",
        ),
    )


def downgrade() -> None:
    op.drop_table("population_count")
    op.drop_table("population_baseline")
