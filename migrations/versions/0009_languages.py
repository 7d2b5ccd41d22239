"""Languages: the languages a survey is offered in, its own words per language, the
language of each response and a channel's default, translations of written answers,
and the two texts a survey's content lacked: a thank-you message and a channel welcome

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04

Columns are added with plain ADD COLUMN (no batch rebuilds: on SQLite rebuilding
``response`` or ``channel`` would cascade-delete their children). Existing surveys
are offered in English, and existing responses were given in English.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "survey_language",
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["survey.id"],
            name=op.f("fk_survey_language_survey_id_survey"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("survey_id", "code", name=op.f("pk_survey_language")),
    )
    op.execute(
        "INSERT INTO survey_language (survey_id, code, position) SELECT id, 'en', 0 FROM survey"
    )
    op.create_table(
        "content_translation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source_hash", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["survey.id"],
            name=op.f("fk_content_translation_survey_id_survey"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_translation")),
        sa.UniqueConstraint("survey_id", "key", "language", name="uq_content_translation"),
    )
    op.create_index(op.f("ix_content_translation_survey_id"), "content_translation", ["survey_id"])
    op.create_table(
        "answer_translation",
        sa.Column("answer_id", sa.Uuid(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("translated_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["answer.id"],
            name=op.f("fk_answer_translation_answer_id_answer"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["translated_by_id"],
            ["user_account.id"],
            name=op.f("fk_answer_translation_translated_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("answer_id", name=op.f("pk_answer_translation")),
    )
    op.add_column("channel", sa.Column("language", sa.String(length=16), nullable=True))
    op.add_column("channel", sa.Column("welcome", sa.Text(), server_default="", nullable=False))
    op.add_column("survey", sa.Column("thank_you", sa.Text(), server_default="", nullable=False))
    op.add_column(
        "response",
        sa.Column("language", sa.String(length=16), server_default="en", nullable=False),
    )


def downgrade() -> None:
    op.drop_column("response", "language")
    op.drop_column("survey", "thank_you")
    op.drop_column("channel", "welcome")
    op.drop_column("channel", "language")
    op.drop_table("answer_translation")
    op.drop_index(op.f("ix_content_translation_survey_id"), table_name="content_translation")
    op.drop_table("content_translation")
    op.drop_table("survey_language")
