"""Themes: the codebook, code assignments, trained models and blind double coding

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22

New tables only (no batch rebuilds of existing tables, which on SQLite would
cascade-delete their children).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "codebook",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_codebook")),
    )
    op.create_table(
        "theme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("include", sa.Text(), nullable=False),
        sa.Column("exclude", sa.Text(), nullable=False),
        sa.Column("examples", sa.JSON(), nullable=False),
        sa.Column("seeds", sa.JSON(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merged_into_id"],
            ["theme.id"],
            name=op.f("fk_theme_merged_into_id_theme"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["theme.id"], name=op.f("fk_theme_parent_id_theme"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme")),
        sa.UniqueConstraint("key", name=op.f("uq_theme_key")),
    )
    op.create_table(
        "theme_model",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("trained_on", sa.Integer(), nullable=False),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("blob", sa.LargeBinary(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_theme_model_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_model")),
        sa.UniqueConstraint("version", name=op.f("uq_theme_model_version")),
    )
    op.create_table(
        "blind_sample",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("first_coder_id", sa.Integer(), nullable=True),
        sa.Column("second_coder_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_blind_sample_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["first_coder_id"],
            ["user_account.id"],
            name=op.f("fk_blind_sample_first_coder_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["question.id"],
            name=op.f("fk_blind_sample_question_id_question"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["second_coder_id"],
            ["user_account.id"],
            name=op.f("fk_blind_sample_second_coder_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["survey.id"],
            name=op.f("fk_blind_sample_survey_id_survey"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blind_sample")),
    )
    op.create_index(op.f("ix_blind_sample_survey_id"), "blind_sample", ["survey_id"], unique=False)
    op.create_table(
        "blind_sample_item",
        sa.Column("sample_id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["answer.id"],
            name=op.f("fk_blind_sample_item_answer_id_answer"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sample_id"],
            ["blind_sample.id"],
            name=op.f("fk_blind_sample_item_sample_id_blind_sample"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("sample_id", "answer_id", name=op.f("pk_blind_sample_item")),
    )
    op.create_table(
        "code_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Uuid(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("coder", sa.String(length=120), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reasons", sa.String(length=500), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("sample_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "source IN ('seed', 'model', 'human', 'blind')",
            name=op.f("ck_code_assignment_source"),
        ),
        sa.CheckConstraint(
            "status IN ('suggested', 'accepted', 'rejected')",
            name=op.f("ck_code_assignment_status"),
        ),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["answer.id"],
            name=op.f("fk_code_assignment_answer_id_answer"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["user_account.id"],
            name=op.f("fk_code_assignment_reviewer_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["sample_id"],
            ["blind_sample.id"],
            name=op.f("fk_code_assignment_sample_id_blind_sample"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"], ["theme.id"], name=op.f("fk_code_assignment_theme_id_theme")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_code_assignment")),
    )
    op.create_index(
        "ix_code_assignment_answer_theme",
        "code_assignment",
        ["answer_id", "theme_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_code_assignment_sample_id"), "code_assignment", ["sample_id"], unique=False
    )
    op.create_index(
        op.f("ix_code_assignment_theme_id"), "code_assignment", ["theme_id"], unique=False
    )
    op.create_table(
        "suggestion_state",
        sa.Column("answer_id", sa.Uuid(), nullable=False),
        sa.Column("seed_coder", sa.String(length=120), nullable=False),
        sa.Column("model_coder", sa.String(length=120), nullable=True),
        sa.Column("uncertainty", sa.Float(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["answer.id"],
            name=op.f("fk_suggestion_state_answer_id_answer"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("answer_id", name=op.f("pk_suggestion_state")),
    )


def downgrade() -> None:
    op.drop_table("suggestion_state")
    op.drop_index(op.f("ix_code_assignment_theme_id"), table_name="code_assignment")
    op.drop_index(op.f("ix_code_assignment_sample_id"), table_name="code_assignment")
    op.drop_index("ix_code_assignment_answer_theme", table_name="code_assignment")
    op.drop_table("code_assignment")
    op.drop_table("blind_sample_item")
    op.drop_index(op.f("ix_blind_sample_survey_id"), table_name="blind_sample")
    op.drop_table("blind_sample")
    op.drop_table("theme_model")
    op.drop_table("theme")
    op.drop_table("codebook")
