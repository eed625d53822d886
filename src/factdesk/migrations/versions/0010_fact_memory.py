"""The fact memory: a match key on claims, the matches found for each claim, and on verdicts the reuse they
copy and the ClaimReview flag.

Matches of claims stored before this migration are found by `factdesk memory rebuild`.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.add_column(sa.Column("match_key", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_claims_match_key", ["match_key", "id"], unique=False)
    with op.batch_alter_table("verdicts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reuse_of_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("publish", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_foreign_key("fk_verdicts_reuse_of_id_verdicts", "verdicts", ["reuse_of_id"], ["id"])
    op.create_table(
        "claim_matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("earlier_claim_id", sa.Integer(), nullable=False),
        sa.Column("verdict_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("similarity", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"], name="fk_claim_matches_claim_id_claims",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["earlier_claim_id"], ["claims.id"],
                                name="fk_claim_matches_earlier_claim_id_claims", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["verdict_id"], ["verdicts.id"], name="fk_claim_matches_verdict_id_verdicts",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_claim_matches"),
        sa.UniqueConstraint("claim_id", "earlier_claim_id", name="uq_claim_matches_claim_id_earlier_claim_id"),
    )
    op.create_index("ix_claim_matches_verdict_id", "claim_matches", ["verdict_id"], unique=False)
    op.create_index("ix_claim_matches_earlier_claim_id", "claim_matches", ["earlier_claim_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_claim_matches_earlier_claim_id", table_name="claim_matches")
    op.drop_index("ix_claim_matches_verdict_id", table_name="claim_matches")
    op.drop_table("claim_matches")
    with op.batch_alter_table("verdicts", schema=None) as batch_op:
        batch_op.drop_constraint("fk_verdicts_reuse_of_id_verdicts", type_="foreignkey")
        batch_op.drop_column("publish")
        batch_op.drop_column("reuse_of_id")
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_index("ix_claims_match_key")
        batch_op.drop_column("match_key")
