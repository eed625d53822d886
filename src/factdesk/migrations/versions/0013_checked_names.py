"""Near matches looked up by name: the named words of each checked claim's sentence, in place of the trigram
index over every claim's words (at a million claims a trigram lookup cost half a second per claim; a lookup by
name costs the same at any size). The trigram index goes (each claim's insert paid for it); pg_trgm, where
migration 0010 enabled it, stays, unused.

Claims checked before this migration are entered by `factdesk memory rebuild`, as 0010's matches were: until
then they are found as exact matches only.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30
"""

import logging

import sqlalchemy as sa
from alembic import op

log = logging.getLogger("alembic.runtime.migration")

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "checked_names",
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"], name="fk_checked_names_claim_id_claims",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("type", "name", "claim_id", name="pk_checked_names"),
    )
    op.create_index("ix_checked_names_claim_id", "checked_names", ["claim_id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_claims_text_trgm")
    if op.get_bind().scalar(sa.text("SELECT 1 FROM verdicts LIMIT 1")):
        log.warning("near matches now look for checked claims by name: run `factdesk memory rebuild` to enter the "
                    "claims checked before this upgrade")


def downgrade() -> None:
    op.drop_index("ix_checked_names_claim_id", table_name="checked_names")
    op.drop_table("checked_names")
    bind = op.get_bind()
    if bind.dialect.name == "postgresql" and bind.scalar(
            sa.text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")):
        op.execute("CREATE INDEX ix_claims_text_trgm ON claims USING gin (text gin_trgm_ops)")
