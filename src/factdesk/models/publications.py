"""Publications: what a CMS said went out (or came down), and what the gate said of that text then."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, JSONType, UTCDateTime, utcnow


class Publication(Base):
    """One publish (or unpublish) event of a draft's CMS document.

    `content_hash` is the hash of the exact text published (as a revision's `content_hash`; None for an
    unpublish); `published_at` is when by the CMS's clock (its own stamp, else when the event was placed).
    `approved` and `reason`/`blockers` are the gate's answer for that text at that moment. `revert` follows
    the request to take unapproved text down: None (not asked), "requested", "done" or "failed", with the
    CMS's last answer in `revert_answer` (every answer is in the audit log).
    """

    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"))
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(20))  # "published" or "unpublished"
    content_hash: Mapped[str | None] = mapped_column(String(64))
    source_version: Mapped[str | None] = mapped_column(String(200))
    event: Mapped[str | None] = mapped_column(String(100))
    approved: Mapped[bool | None] = mapped_column()
    reason: Mapped[str | None] = mapped_column(String(40))
    blockers: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revert: Mapped[str | None] = mapped_column(String(20))
    revert_attempts: Mapped[int] = mapped_column(default=0)
    revert_answer: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_publications_draft_id", "draft_id", "id"),)
