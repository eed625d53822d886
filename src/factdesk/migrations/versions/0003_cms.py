"""The CMS save hook: the inbox of received saves, the saves placed in drafts (ordering, de-duplication) and
outbound event deliveries.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "cms_inbox",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("integration_id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("source_order", sa.BigInteger(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("previous_hash", sa.String(length=64), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.Column("answer", sa.String(length=20), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("draft_id", sa.Integer(), nullable=True),
        sa.Column("revision_id", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["integration_id"], ["integrations.id"],
                                name=op.f("fk_cms_inbox_integration_id_integrations"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cms_inbox")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("cms_inbox", schema=None) as batch_op:
        batch_op.create_index("ix_cms_inbox_document", ["integration_id", "external_id", "source_order"],
                              unique=False)
        batch_op.create_index("ix_cms_inbox_pending", ["id"], unique=False,
                              postgresql_where=sa.text("processed_at IS NULL"),
                              sqlite_where=sa.text("processed_at IS NULL"))

    op.create_table(
        "cms_saves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("source_version", sa.String(length=200), nullable=True),
        sa.Column("source_order", sa.BigInteger(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("previous_hash", sa.String(length=64), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["draft_id"], ["drafts.id"], name=op.f("fk_cms_saves_draft_id_drafts"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["revision_id"], ["revisions.id"],
                                name=op.f("fk_cms_saves_revision_id_revisions"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cms_saves")),
        sa.UniqueConstraint("draft_id", "source_order", "content_hash", name="uq_cms_saves_draft_order_hash"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("cms_saves", schema=None) as batch_op:
        batch_op.create_index("ix_cms_saves_draft_id", ["draft_id", "source_order"], unique=False)

    op.create_table(
        "event_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("integration_id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("log", JSON, nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["draft_id"], ["drafts.id"], name=op.f("fk_event_deliveries_draft_id_drafts"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["integration_id"], ["integrations.id"],
                                name=op.f("fk_event_deliveries_integration_id_integrations"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_deliveries")),
        sa.UniqueConstraint("event_id", name=op.f("uq_event_deliveries_event_id")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("event_deliveries", schema=None) as batch_op:
        batch_op.create_index("ix_event_deliveries_integration_id", ["integration_id", "id"], unique=False)
        batch_op.create_index("ix_event_deliveries_draft_id", ["draft_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("event_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_event_deliveries_draft_id")
        batch_op.drop_index("ix_event_deliveries_integration_id")
    op.drop_table("event_deliveries")
    with op.batch_alter_table("cms_saves", schema=None) as batch_op:
        batch_op.drop_index("ix_cms_saves_draft_id")
    op.drop_table("cms_saves")
    with op.batch_alter_table("cms_inbox", schema=None) as batch_op:
        batch_op.drop_index("ix_cms_inbox_pending")
        batch_op.drop_index("ix_cms_inbox_document")
    op.drop_table("cms_inbox")
