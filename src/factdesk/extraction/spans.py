"""A claim's span ends on its last word: no full stop, comma or dash of the sentence around it."""

from __future__ import annotations

import re

from .claims import Finding

TRAILING = ".,;:—–- \t\n"
# A full stop that ends an abbreviation is part of the word ("U.S.", "a.m.", "Inc."), not the sentence's.
_ABBREVIATION = re.compile(r"(?:\b[A-Za-z]\.){2,}$|\b(?:Jr|Sr|Inc|Ltd|Corp|Co|St|Dr|Mr|Mrs|Ms|Prof)\.$")


def trim_trailing_punctuation(finding: Finding, text: str) -> Finding:
    """The finding with its end moved back over trailing punctuation and spaces ("28 November." ->
    "28 November"); `text` is the text its offsets point into. Returns the same object."""
    end = finding.end
    while end > finding.start + 1 and text[end - 1] in TRAILING:
        if text[end - 1] == "." and _ABBREVIATION.search(text[finding.start : end]):
            break
        end -= 1
    finding.end = end
    return finding
