"""Verdict ratings, and which of them block a draft's approval."""

from __future__ import annotations

from enum import StrEnum


class Rating(StrEnum):
    ACCURATE = "accurate"
    INACCURATE = "inaccurate"
    MISLEADING = "misleading"
    UNVERIFIABLE = "unverifiable"
    NOT_CHECKABLE = "not_checkable"


# A blocking rating holds up approval until the text changes (the claim is then new) or an editor
# overrides it with a written reason.
BLOCKING: frozenset[Rating] = frozenset({Rating.INACCURATE, Rating.MISLEADING, Rating.UNVERIFIABLE})


def blocks(rating: str) -> bool:
    """Whether a verdict with this rating blocks approval. Raises ValueError for an unknown rating."""
    return Rating(rating) in BLOCKING


def needs_source(rating: str) -> bool:
    """`accurate` is a claim about the world: it must cite at least one source."""
    return Rating(rating) == Rating.ACCURATE
