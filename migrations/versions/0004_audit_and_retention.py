"""audit log (append-only, enforced by triggers) and per-survey retention of responses

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The one change allowed is the foreign key's ON DELETE SET NULL when an account is
# deleted: actor_id goes to NULL and every other column (actor_email included) stays.
_SQLITE_ONLY_ACTOR_CLEARED = """
    OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL
    AND NEW.id IS OLD.id AND NEW.at IS OLD.at AND NEW.actor_email IS OLD.actor_email
    AND NEW.action IS OLD.action AND NEW.object_type IS OLD.object_type
    AND NEW.object_id IS OLD.object_id
"""

SQLITE_TRIGGERS = [
    f"""
    CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
    WHEN NOT ({_SQLITE_ONLY_ACTOR_CLEARED})
    BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END
    """,
    """
    CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
    BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END
    """,
]

POSTGRES_TRIGGERS = [
    """
    CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL
           AND (NEW.id, NEW.at, NEW.actor_email, NEW.action, NEW.object_type, NEW.object_id)
               IS NOT DISTINCT FROM
               (OLD.id, OLD.at, OLD.actor_email, OLD.action, OLD.object_type, OLD.object_id)
        THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit_event is append-only' USING ERRCODE = 'insufficient_privilege';
    END;
    $$
    """,
    """
    CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()
    """,
]


def upgrade() -> None:
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_email", sa.String(length=254), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=True),
        sa.Column("object_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["user_account.id"],
            name=op.f("fk_audit_event_actor_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_event_at", ["at"], unique=False)
        batch_op.create_index("ix_audit_event_action_at", ["action", "at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_event_actor_email"), ["actor_email"], unique=False
        )
    triggers = POSTGRES_TRIGGERS if op.get_bind().dialect.name == "postgresql" else SQLITE_TRIGGERS
    for statement in triggers:
        op.execute(statement)

    # Plain ADD COLUMN, not batch mode: on SQLite a batch with a SQL-expression default (or
    # a CHECK constraint) rebuilds the table, and dropping the old survey table with foreign
    # keys on cascades to every section and response. The form checks the range instead.
    op.add_column("survey", sa.Column("retention_days", sa.Integer(), nullable=True))
    op.add_column(
        "survey",
        sa.Column("purge_responses", sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade() -> None:
    # SQLite 3.35+ drops columns in place (no table rebuild, so no cascade).
    op.drop_column("survey", "purge_responses")
    op.drop_column("survey", "retention_days")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
    op.drop_table("audit_event")
