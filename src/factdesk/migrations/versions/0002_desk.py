"""The checking desk: approvals, queue and lease indexes, and an append-only audit log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")

# Audit events are append-only: the database itself refuses to change one. (Deletes stay possible so that
# deleting a draft cascades, and so that test fixtures can empty the table.)
_PG_AUDIT_GUARD = """
CREATE FUNCTION factdesk_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only';
END $$;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION factdesk_audit_append_only();
"""
_SQLITE_AUDIT_GUARD = """
CREATE TRIGGER audit_events_append_only BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END
"""


def upgrade() -> None:
    op.create_table(
        "approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("editor_id", sa.Integer(), nullable=True),
        sa.Column("overrides", JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["draft_id"], ["drafts.id"], name=op.f("fk_approvals_draft_id_drafts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"], ["revisions.id"], name=op.f("fk_approvals_revision_id_revisions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["editor_id"], ["users.id"], name=op.f("fk_approvals_editor_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approvals")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("approvals", schema=None) as batch_op:
        batch_op.create_index("ix_approvals_draft_id", ["draft_id", "id"], unique=False)
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.create_index("ix_claims_queue", ["revision_id", "status"], unique=False)
        batch_op.create_index("ix_claims_leased_by_id", ["leased_by_id", "status"], unique=False)
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.add_column(sa.Column("draft_deadline", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("draft_desk", sa.String(length=100), nullable=True))
    op.execute(
        "UPDATE claims SET draft_deadline = (SELECT deadline FROM drafts WHERE drafts.id = claims.draft_id),"
        " draft_desk = (SELECT desk FROM drafts WHERE drafts.id = claims.draft_id)"
    )
    # Waiting claims in queue order; the queue query repeats the WHERE so that these partial indexes apply.
    waiting = sa.text("status IN ('open', 'leased')")
    op.create_index("ix_claims_waiting", "claims", ["draft_deadline", sa.text("score DESC"), "id"],
                    postgresql_where=waiting, sqlite_where=waiting)
    op.create_index("ix_claims_waiting_desk", "claims", ["draft_desk", "draft_deadline", sa.text("score DESC"), "id"],
                    postgresql_where=waiting, sqlite_where=waiting)
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.create_index("ix_drafts_queue", ["status", "deadline"], unique=False)
        batch_op.create_index("ix_drafts_current_revision_id", ["current_revision_id"], unique=False)
        batch_op.create_index("ix_drafts_desk_queue", ["desk", "status", "deadline"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_AUDIT_GUARD)
    else:
        op.execute(_SQLITE_AUDIT_GUARD)


def downgrade() -> None:
    op.execute(
        "DROP TRIGGER IF EXISTS audit_events_append_only"
        + (" ON audit_events" if op.get_bind().dialect.name == "postgresql" else "")
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS factdesk_audit_append_only()")
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.drop_index("ix_drafts_desk_queue")
        batch_op.drop_index("ix_drafts_current_revision_id")
        batch_op.drop_index("ix_drafts_queue")
    op.drop_index("ix_claims_waiting_desk", table_name="claims")
    op.drop_index("ix_claims_waiting", table_name="claims")
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_column("draft_desk")
        batch_op.drop_column("draft_deadline")
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_index("ix_claims_leased_by_id")
        batch_op.drop_index("ix_claims_queue")
    with op.batch_alter_table("approvals", schema=None) as batch_op:
        batch_op.drop_index("ix_approvals_draft_id")
    op.drop_table("approvals")
