"""Everyone who submitted a revision of a draft is one of its authors: an index the lease walks to skip drafts
the checker wrote any revision of, and every revision's submitter filled in.

`revisions.created_by_id` has recorded the submitter of every save since 0001; a revision without one (made
by hand, or by a tool acting as no user) is taken to be the draft author's.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(sa.text(
        "UPDATE revisions SET created_by_id = (SELECT author_id FROM drafts WHERE drafts.id = revisions.draft_id)"
        " WHERE created_by_id IS NULL"
    ))
    with op.batch_alter_table("revisions", schema=None) as batch_op:
        batch_op.create_index("ix_revisions_created_by_id_draft_id", ["created_by_id", "draft_id"], unique=False)


def downgrade() -> None:
    # The submitters filled in stay: they are true of the revisions, whichever schema reads them.
    with op.batch_alter_table("revisions", schema=None) as batch_op:
        batch_op.drop_index("ix_revisions_created_by_id_draft_id")
