"""The extraction's result types: Claim and Extraction."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Claim:
    """One checkable statement: its type, exact spans into the normalised text, values and score."""

    type: str
    spans: tuple[tuple[int, int], ...]
    text: str
    sentence: str
    normalized: dict[str, Any]
    score: float
    reasons: tuple[str, ...]
    fingerprint: str

    @property
    def start(self) -> int:
        return self.spans[0][0]

    @property
    def end(self) -> int:
        return self.spans[0][1]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the shape `factdesk extract --format json` prints)."""
        return {
            "type": self.type,
            "start": self.start,
            "end": self.end,
            "spans": [[s, e] for s, e in self.spans],
            "text": self.text,
            "sentence": self.sentence,
            "normalized": dict(self.normalized),
            "score": self.score,
            "reasons": list(self.reasons),
            "fingerprint": self.fingerprint,
        }


@dataclass(frozen=True)
class Extraction:
    """The claims of one revision, in text order, with the normalised text their spans refer to."""

    text: str
    claims: list[Claim] = field(default_factory=list)


@dataclass
class Finding:
    """A claim before scoring and merging: what an extractor saw, with the features scoring weighs."""

    type: str
    start: int
    end: int
    normalized: dict[str, Any]
    features: tuple[str, ...] = ()
