"""Drafts, their immutable revisions, and the CMS integrations that send them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, JSONType, UTCDateTime, utcnow


class Integration(Base):
    """A CMS connection: payload format, verification scheme, secrets and callback URL."""

    __tablename__ = "integrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    format: Mapped[str] = mapped_column(String(30), default="generic")
    scheme: Mapped[str] = mapped_column(String(30), default="factdesk")
    secrets: Mapped[list[str]] = mapped_column(JSONType, default=list)
    callback_url: Mapped[str | None] = mapped_column(String(2000))
    # What the adapter and the publication check read (services.integrations.OPTIONS); credentials included.
    options: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Draft(Base):
    """One article. `source` is "api" or the integration's name; (source, external_id) is the newsroom's key."""

    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(120), default="api")
    external_id: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(1000))
    desk: Mapped[str | None] = mapped_column(String(100))
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reference_date: Mapped[date | None] = mapped_column(Date())
    # Where the article is read (the CMS's permalink, or what a REST caller said): the ClaimReview's `appearance`.
    article_url: Mapped[str | None] = mapped_column(String(2000))
    status: Mapped[str] = mapped_column(String(20))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    current_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("revisions.id", use_alter=True, name="fk_drafts_current_revision_id_revisions")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    current_revision: Mapped[Revision | None] = relationship(foreign_keys=[current_revision_id])

    __table_args__ = (
        UniqueConstraint("source", "external_id", name="uq_drafts_source_external_id"),
        Index("ix_drafts_status", "status"),
        # The queue walks drafts in review by deadline, optionally within one desk.
        Index("ix_drafts_queue", "status", "deadline"),
        Index("ix_drafts_desk_queue", "desk", "status", "deadline"),
        Index("ix_drafts_current_revision_id", "current_revision_id"),
    )


class Revision(Base):
    """One saved version of a draft's text. Never changed once written, except `extracted_at`."""

    __tablename__ = "revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(String(1000))
    body: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    reference_date: Mapped[date | None] = mapped_column(Date())
    source_version: Mapped[str | None] = mapped_column(String(200))
    source_meta: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    # Who submitted it: the REST caller, or the integration's user for a CMS save. Every submitter is one of
    # the draft's authors (domain.roles.authors_of).
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    extracted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    draft: Mapped[Draft] = relationship(foreign_keys=[draft_id])

    __table_args__ = (
        UniqueConstraint("draft_id", "number", name="uq_revisions_draft_id_number"),
        Index("ix_revisions_content_hash", "draft_id", "content_hash"),
        Index("ix_revisions_unextracted", "extracted_at"),
        # Everyone who submitted a revision is an author: the lease asks "did this checker write any revision
        # of this draft?" for each candidate claim (services.authors.revised_by).
        Index("ix_revisions_created_by_id_draft_id", "created_by_id", "draft_id"),
    )
