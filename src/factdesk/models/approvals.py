"""Approvals: an editor's sign-off on one revision of a draft, bound to that revision's content hash."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, JSONType, UTCDateTime, utcnow


class Approval(Base):
    """Append-only. The newest approval of a draft is the one the gate reads; it opens the gate only for
    the text whose hash it holds. `overrides` is a list of {claim_id, reason, rating}."""

    __tablename__ = "approvals"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"))
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id", ondelete="CASCADE"))
    content_hash: Mapped[str] = mapped_column(String(64))
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    overrides: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (Index("ix_approvals_draft_id", "draft_id", "id"),)
