"""Word lists shared by the extractors, written as whitespace-separated text for reading."""

from __future__ import annotations


def word_set(words: str) -> frozenset[str]:
    """A set of the whitespace-separated words in `words`."""
    return frozenset(words.split())
