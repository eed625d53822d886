"""What extractors read: the sentence at hand, and what they remember while reading a draft in order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .claims import Finding


@dataclass
class Context:
    """Per-extraction state shared by the extractors (one per `extract` call, never global)."""

    reference_date: dt.date | None = None
    # surname or first name (lowercased) -> the full name first used for it
    people: dict[str, str] = field(default_factory=dict)
    last_person: str | None = None
    last_speaker: str | None = None
    last_day: dt.date | None = None
    last_currency: str | None = None
    # a committee named earlier: "committee member X" is usually a member of that one
    last_committee: str | None = None
    # the country of the first state office-holder named ("Ukrainian President X", then "Prime Minister Y")
    home_country: str | None = None
    # role word -> the person last given that role, so "the commissioner said" finds its speaker
    roles: dict[str, str] = field(default_factory=dict)
    # "WHO" -> "World Health Organization", from "World Health Organization (WHO)"
    acronyms: dict[str, str] = field(default_factory=dict)
    # the whole normalised draft, for what a line can only be read by with what comes after it (a headline)
    text: str = ""

    def add_person(self, name: str) -> str:
        """Remember a person's name; returns the fullest form known for it."""
        name = " ".join(name.split())
        full = self.full_name(name)
        parts = full.split()
        if len(parts) > 1:
            for p in (parts[-1], parts[0], " ".join(parts[1:]), f"{parts[0]} {parts[-1]}"):
                self.people.setdefault(p.lower(), full)
            self.people.setdefault(full.lower(), full)
        return full

    def full_name(self, name: str) -> str:
        """'LeCun' -> 'Yann LeCun' when the full name was used earlier; otherwise the name itself."""
        key = " ".join(name.split()).lower()
        key = key[:-2] if key.endswith(("'s", "’s")) else key
        words = key.split()
        if key not in self.people and len(words) > 2:
            # "Richard Kenneth Guy" after "Richard K. Guy": the same first and last name is the same person
            key = f"{words[0]} {words[-1]}"
        return self.people.get(key, " ".join(name.split()))


@dataclass(frozen=True)
class SentenceContext:
    """One sentence of a parsed piece, as every extractor receives it.

    Offsets: `start`/`end` and `quoted` are into the piece (spaCy's char offsets); `base` is the piece's
    offset in the normalised text, so a finding's span is `base + ...`.
    """

    sent: Any  # the spaCy Span
    # sent.text and doc.text, read once: spaCy rebuilds both from the tokens on every access
    text: str
    doc_text: str
    start: int
    end: int
    kind: str  # the structural kind of the sentence's line: "title" or "body"
    base: int
    ctx: Context
    # the piece's sentences in order (Token.sent rescans the document on every call)
    sents: list[Any]
    # spans inside quotation marks in the piece
    quoted: list[tuple[int, int]]
    # What earlier extractors found: in this sentence for a sentence extractor, in the whole piece for a
    # piece extractor (see pipeline.SENTENCE_EXTRACTORS and PIECE_EXTRACTORS).
    found: list[Finding] = field(default_factory=list)

    @property
    def doc(self) -> Any:
        return self.sent.doc


# Every extractor has this shape: one sentence in, its findings out (it may update sc.ctx).
Extractor = Callable[[SentenceContext], list[Finding]]
