"""An index of the inbox's rejected saves, so that /metrics counts them without reading the whole inbox.

Partial: only rejected rows are in it, so it stays small however long the inbox, and the hook's INSERT (a row
with no outcome yet) never writes to it.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cms_inbox", schema=None) as batch_op:
        batch_op.create_index("ix_cms_inbox_rejected", ["id"], unique=False,
                              postgresql_where=sa.text("outcome = 'rejected'"),
                              sqlite_where=sa.text("outcome = 'rejected'"))


def downgrade() -> None:
    with op.batch_alter_table("cms_inbox", schema=None) as batch_op:
        batch_op.drop_index("ix_cms_inbox_rejected")
