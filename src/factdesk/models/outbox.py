"""The outbox: jobs written in the same transaction as the change that needs them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, JSONType, UTCDateTime, utcnow


class OutboxJob(Base):
    """A task to run. `pending` until a task marks it `done`; `superseded` when newer work replaced it.

    The sweep re-sends pending jobs the broker never got or a worker dropped.
    """

    __tablename__ = "outbox_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    task: Mapped[str] = mapped_column(String(100))
    args: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    available_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    send_count: Mapped[int] = mapped_column(Integer, default=0)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    # Refreshed by the task while it runs: the sweep leaves a job with a fresh heartbeat alone.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # How much work the job is (characters of text, for an extraction): a large one goes to its own queue.
    size: Mapped[int | None] = mapped_column(Integer)
    # The X-Request-Id of the request that wrote the job, passed to its task so the worker's lines carry it.
    request_id: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (
        Index("ix_outbox_jobs_pending", "status", "available_at"),
        Index("ix_outbox_jobs_draft_id", "draft_id"),
    )
