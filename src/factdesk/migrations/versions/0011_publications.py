"""Publications: each publish or unpublish event a CMS sent, the gate's answer for the text published then,
and the request to take it down; and each integration's options (how its CMS says an item is live, what to
do with unapproved publications, the credential to do it with).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("integrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("options", JSON, nullable=False, server_default=sa.text("'{}'")))
    op.create_table(
        "publications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("source_version", sa.String(length=200), nullable=True),
        sa.Column("event", sa.String(length=100), nullable=True),
        sa.Column("approved", sa.Boolean(), nullable=True),
        sa.Column("reason", sa.String(length=40), nullable=True),
        sa.Column("blockers", JSON, nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revert", sa.String(length=20), nullable=True),
        sa.Column("revert_attempts", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("revert_answer", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["draft_id"], ["drafts.id"], name=op.f("fk_publications_draft_id_drafts"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["revision_id"], ["revisions.id"], name=op.f("fk_publications_revision_id_revisions"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publications")),
    )
    with op.batch_alter_table("publications", schema=None) as batch_op:
        batch_op.create_index("ix_publications_draft_id", ["draft_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("publications", schema=None) as batch_op:
        batch_op.drop_index("ix_publications_draft_id")
    op.drop_table("publications")
    with op.batch_alter_table("integrations", schema=None) as batch_op:
        batch_op.drop_column("options")
