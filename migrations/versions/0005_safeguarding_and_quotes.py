"""Safeguarding flags and notes; shared quotes

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21

New tables only (no batch rebuilds of existing tables, which on SQLite would
cascade-delete their children).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "safeguarding_flag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Uuid(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("risks", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("flagged_on", sa.Date(), nullable=False),
        sa.CheckConstraint(
            "status IN ('new', 'reviewed', 'acted_on', 'closed')",
            name=op.f("ck_safeguarding_flag_status"),
        ),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["answer.id"],
            name=op.f("fk_safeguarding_flag_answer_id_answer"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["survey.id"],
            name=op.f("fk_safeguarding_flag_survey_id_survey"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safeguarding_flag")),
        sa.UniqueConstraint("answer_id", name=op.f("uq_safeguarding_flag_answer_id")),
    )
    op.create_index(
        op.f("ix_safeguarding_flag_survey_id"), "safeguarding_flag", ["survey_id"], unique=False
    )
    op.create_index(
        op.f("ix_safeguarding_flag_status"), "safeguarding_flag", ["status"], unique=False
    )
    op.create_table(
        "safeguarding_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("flag_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_safeguarding_note_author_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["flag_id"],
            ["safeguarding_flag.id"],
            name=op.f("fk_safeguarding_note_flag_id_safeguarding_flag"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safeguarding_note")),
    )
    op.create_index(
        op.f("ix_safeguarding_note_flag_id"), "safeguarding_note", ["flag_id"], unique=False
    )
    op.create_table(
        "quote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Uuid(), nullable=True),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("attribution", sa.String(length=120), nullable=False),
        sa.Column("chosen_by_id", sa.Integer(), nullable=True),
        sa.Column("chosen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["answer.id"],
            name=op.f("fk_quote_answer_id_answer"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["chosen_by_id"],
            ["user_account.id"],
            name=op.f("fk_quote_chosen_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["question.id"],
            name=op.f("fk_quote_question_id_question"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["survey.id"], name=op.f("fk_quote_survey_id_survey"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quote")),
        sa.UniqueConstraint("answer_id", name=op.f("uq_quote_answer_id")),
    )
    op.create_index(op.f("ix_quote_survey_id"), "quote", ["survey_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_quote_survey_id"), table_name="quote")
    op.drop_table("quote")
    op.drop_index(op.f("ix_safeguarding_note_flag_id"), table_name="safeguarding_note")
    op.drop_table("safeguarding_note")
    op.drop_index(op.f("ix_safeguarding_flag_status"), table_name="safeguarding_flag")
    op.drop_index(op.f("ix_safeguarding_flag_survey_id"), table_name="safeguarding_flag")
    op.drop_table("safeguarding_flag")
