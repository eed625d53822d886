"""CMS traffic: the inbox of received saves, the saves placed in drafts (ordering, de-duplication), and the
events we send back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, JSONType, UTCDateTime, utcnow


class CmsInboxItem(Base):
    """One save as the hook received it: verified, adapted, durable, waiting for (or done by) a worker.

    The request path only inserts these; `services.inbox.drain_inbox` turns them into revisions in id order.
    `answer` is what the CMS was told (accepted, unchanged, stale); `outcome`, `draft_id` and `revision_id`
    are what the worker made of it. Rows stay after processing (without their payload) as the receipts that
    the next delivery of the same document is compared with.
    """

    __tablename__ = "cms_inbox"

    # BIGINT on PostgreSQL; SQLite only auto-increments an INTEGER primary key.
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)
    integration_id: Mapped[int] = mapped_column(ForeignKey("integrations.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(200))
    source_order: Mapped[int | None] = mapped_column(BigInteger)
    # Hashes of the text as the CMS sent it (services.inbox.source_hash), not of the normalised text.
    content_hash: Mapped[str] = mapped_column(String(64))
    previous_hash: Mapped[str | None] = mapped_column(String(64))
    # The adapted save (cms.Save.to_json()); plain JSON, not JSONB: it is written once and read once.
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    answer: Mapped[str] = mapped_column(String(20))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str | None] = mapped_column(String(20))
    draft_id: Mapped[int | None] = mapped_column(Integer)
    revision_id: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_cms_inbox_document", "integration_id", "external_id", "source_order"),
        # The drain's work list: only unprocessed rows are in it, so it stays small however long the inbox.
        Index("ix_cms_inbox_pending", "id", postgresql_where=text("processed_at IS NULL"),
              sqlite_where=text("processed_at IS NULL")),
        # Rejected saves, counted by /metrics; the hook's INSERT (no outcome yet) never writes to it.
        Index("ix_cms_inbox_rejected", "id", postgresql_where=text("outcome = 'rejected'"),
              sqlite_where=text("outcome = 'rejected'")),
    )


class CmsSave(Base):
    """One distinct save a CMS delivered: its version, its text's hash and where it went.

    (draft, order, content_hash) is unique: a redelivery of the same save finds its row and adds nothing.
    `outcome` is "current" (became the draft's text), "unchanged" (newer, same text), or "stale" (older than
    what we had; kept as history, never current).
    """

    __tablename__ = "cms_saves"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"))
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id", ondelete="CASCADE"))
    source_version: Mapped[str | None] = mapped_column(String(200))
    # The CMS's version as a sortable number: an integer version, or a timestamp in milliseconds.
    source_order: Mapped[int] = mapped_column(BigInteger)
    # Hashes of the text as the CMS sent it (services.inbox.source_hash), not of the normalised text.
    content_hash: Mapped[str] = mapped_column(String(64))
    # The hash of the text this save replaced, when the CMS says ("" for a document's first save).
    previous_hash: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(20))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (
        UniqueConstraint("draft_id", "source_order", "content_hash", name="uq_cms_saves_draft_order_hash"),
        Index("ix_cms_saves_draft_id", "draft_id", "source_order"),
    )


class EventDelivery(Base):
    """One outbound event (gate.opened, gate.closed, verdict.blocking) and every attempt to deliver it.

    `event_id` is the idempotency key the receiver sees on every attempt. `status`: pending, delivered, failed.
    """

    __tablename__ = "event_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    event: Mapped[str] = mapped_column(String(40))
    integration_id: Mapped[int] = mapped_column(ForeignKey("integrations.id", ondelete="CASCADE"))
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(2000))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # [{"at", "status_code", "error", "ms"}] for every attempt, oldest first.
    log: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        Index("ix_event_deliveries_integration_id", "integration_id", "id"),
        Index("ix_event_deliveries_draft_id", "draft_id"),
    )
