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


# ClaimReview (schema.org) rates a claim on a numeric scale, most true at the top; `not_checkable` is no rating
# of truth and is never published as one.
RATING_SCALE: dict[Rating, int] = {
    Rating.ACCURATE: 5,
    Rating.UNVERIFIABLE: 3,
    Rating.MISLEADING: 2,
    Rating.INACCURATE: 1,
}
BEST_RATING, WORST_RATING = 5, 1
# The words readers see for each rating (ClaimReview's alternateName); FACTDESK_RATING_WORDS overrides them.
DEFAULT_RATING_WORDS: dict[Rating, str] = {
    Rating.ACCURATE: "True",
    Rating.INACCURATE: "False",
    Rating.MISLEADING: "Misleading",
    Rating.UNVERIFIABLE: "Unverifiable",
    Rating.NOT_CHECKABLE: "Not checkable",
}


def publishable_rating(rating: str) -> bool:
    """Whether a verdict with this rating can be published as a ClaimReview."""
    return Rating(rating) in RATING_SCALE
