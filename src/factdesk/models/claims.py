"""Claims found in a revision, and the verdicts checkers record on them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy import text as sql
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, JSONType, UTCDateTime, utcnow

# The partial-index predicate of the queue indexes; a query must repeat it for the index to apply.
WAITING = "status IN ('open', 'leased')"


class Claim(Base):
    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"))
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(20))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    spans: Mapped[list[list[int]]] = mapped_column(JSONType)
    text: Mapped[str] = mapped_column(Text)
    sentence: Mapped[str] = mapped_column(Text)
    normalized: Mapped[dict[str, Any]] = mapped_column(JSONType)
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[str]] = mapped_column(JSONType)
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20))
    # Copies of the draft's deadline and desk, kept in step by services (store_claims, submit_draft), so
    # that the queue can walk one index in urgency order instead of joining and sorting every open claim.
    draft_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    draft_desk: Mapped[str | None] = mapped_column(String(100))
    leased_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The claim of the previous revision this one continues (same fingerprint) or replaces (changed wording).
    previous_claim_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id"))
    # The fact memory's key: a hash of the type and the values that say what the claim asserts
    # (domain.memory.match_key). Claims of other drafts with the same key are its exact matches.
    match_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    __table_args__ = (
        UniqueConstraint("revision_id", "fingerprint", name="uq_claims_revision_id_fingerprint"),
        Index("ix_claims_draft_id", "draft_id"),
        Index("ix_claims_status", "status"),
        # The queue reaches claims through their draft's current revision; leases are counted per checker.
        Index("ix_claims_queue", "revision_id", "status"),
        Index("ix_claims_leased_by_id", "leased_by_id", "status"),
        # Waiting claims in queue order (deadline, none last; then check-worthiness), overall and per desk.
        Index("ix_claims_waiting", "draft_deadline", sql("score DESC"), "id",
              postgresql_where=sql(WAITING), sqlite_where=sql(WAITING)),
        Index("ix_claims_waiting_desk", "draft_desk", "draft_deadline", sql("score DESC"), "id",
              postgresql_where=sql(WAITING), sqlite_where=sql(WAITING)),
        # The memory looks a new claim's key up among every stored claim's.
        Index("ix_claims_match_key", "match_key", "id"),
    )


class Verdict(Base):
    """A checker's rating of a claim. Append-only: the newest verdict of a claim is its current one."""

    __tablename__ = "verdicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"))
    rating: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    sources: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    correction: Mapped[str | None] = mapped_column(Text)
    checker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("verdicts.id"))
    # A checker's reuse of another claim's verdict (the fact memory): the verdict first checked, whose date
    # the reuse keeps for its shelf life.
    reuse_of_id: Mapped[int | None] = mapped_column(ForeignKey("verdicts.id"))
    # Marked by the checker for the newsroom's ClaimReview export once the draft is approved.
    publish: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (Index("ix_verdicts_claim_id", "claim_id", "id"),)


class ClaimMatch(Base):
    """An earlier verdict that fits a claim (services.memory): shown to the checker, never applied by itself.

    `verdict_id` is the earlier claim's latest verdict, kept current when it is superseded.
    """

    __tablename__ = "claim_matches"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"))
    earlier_claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"))
    verdict_id: Mapped[int] = mapped_column(ForeignKey("verdicts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    similarity: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (
        UniqueConstraint("claim_id", "earlier_claim_id", name="uq_claim_matches_claim_id_earlier_claim_id"),
        # A superseding verdict finds the matches that show the verdict it supersedes.
        Index("ix_claim_matches_verdict_id", "verdict_id"),
        Index("ix_claim_matches_earlier_claim_id", "earlier_claim_id"),
    )


class CheckedName(Base):
    """A named word of a checked claim's sentence (services.memory): where a near match's candidates are looked
    up, the newest first. Only claims with a verdict recorded on them are here, so a draft's unchecked autosaves
    never crowd out the checks a near match could show."""

    __tablename__ = "checked_names"

    type: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True)

    __table_args__ = (Index("ix_checked_names_claim_id", "claim_id"),)
