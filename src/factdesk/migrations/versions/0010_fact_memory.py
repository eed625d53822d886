"""The fact memory: a match key on claims, the matches found for each claim, and on verdicts the reuse they
copy and the ClaimReview flag.

Matches of claims stored before this migration are found by `factdesk memory rebuild`. On PostgreSQL the near
matches' candidates come from a trigram index (the pg_trgm extension): the migration enables the extension
where the database user may, and otherwise says so and goes on (near matches then scan the newest claims).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29
"""

import logging

import sqlalchemy as sa
from alembic import op

log = logging.getLogger("alembic.runtime.migration")

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
    if op.get_bind().dialect.name == "postgresql":
        _trigram_index()


def _trigram_index() -> None:
    """pg_trgm and a trigram index on the claims' words, where the database user may create the extension."""
    bind = op.get_bind()
    savepoint = bind.begin_nested()
    try:
        bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError as exc:
        savepoint.rollback()
        log.warning("pg_trgm could not be enabled (%s): near matches will scan the newest claims instead of a "
                    "trigram index. A superuser can add both: CREATE EXTENSION pg_trgm; CREATE INDEX "
                    "ix_claims_text_trgm ON claims USING gin (text gin_trgm_ops)", str(exc.orig).strip())
        return
    savepoint.commit()
    op.execute("CREATE INDEX ix_claims_text_trgm ON claims USING gin (text gin_trgm_ops)")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_claims_text_trgm")
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
