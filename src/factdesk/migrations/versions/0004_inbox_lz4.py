"""The inbox's payloads compressed with lz4 on PostgreSQL, where the server has it.

A payload over about 2 kB (most articles) is compressed as it is stored, on the save hook's commit. The
default, pglz, costs several times lz4's CPU for a payload that is written once and read once, by a drain
seconds later. Nothing changes for rows already stored, nor on SQLite; a server built without lz4 keeps pglz.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# default_toast_compression lists lz4 among its values only on a server built with it (PostgreSQL 14+).
HAS_LZ4 = "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"


def _set_compression(method: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql" and bind.execute(sa.text(HAS_LZ4)).scalar():
        op.execute(f"ALTER TABLE cms_inbox ALTER COLUMN payload SET COMPRESSION {method}")


def upgrade() -> None:
    _set_compression("lz4")


def downgrade() -> None:
    _set_compression("pglz")
