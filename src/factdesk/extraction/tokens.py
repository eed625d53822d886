"""Helpers over spaCy tokens that avoid spaCy's whole-document rescans (Span.ents, Token.sent, Doc.text)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def entities(sent: Any) -> Iterator[tuple[int, int, str]]:
    """(start token, end token, label) of each named entity in the sentence.

    Span.ents walks all of the document's entities for every sentence; reading the tokens' IOB tags
    keeps the cost proportional to the sentence.
    """
    doc = sent.doc
    i, end = sent.start, sent.end
    while i < end:
        tok = doc[i]
        if tok.ent_iob_ == "B" or (tok.ent_iob_ == "I" and i == sent.start):
            j = i + 1
            while j < end and doc[j].ent_iob_ == "I":
                j += 1
            yield i, j, tok.ent_type_
            i = j
        else:
            i += 1
