"""Word lists shared by the extractors, written as whitespace-separated text for reading."""

from __future__ import annotations


def word_set(words: str) -> frozenset[str]:
    """A set of the whitespace-separated words in `words`."""
    return frozenset(words.split())


def verb_forms(bases: str) -> frozenset[str]:
    """Regular verbs' forms news copy uses (base, -s, -ed, -ing) for the whitespace-separated `bases`.

    Irregular forms are listed as they are ("think/thought"): a word with a slash gives its forms itself.
    """
    out: set[str] = set()
    for word in bases.split():
        if "/" in word:
            out.update(word.split("/"))
            continue
        out.add(word)
        if word.endswith("e"):
            out.update((word + "s", word + "d", word[:-1] + "ing"))
        elif word.endswith("y") and word[-2:-1] not in "aeiou":
            out.update((word[:-1] + "ies", word[:-1] + "ied", word + "ing"))
        elif word.endswith(("s", "sh", "ch", "x", "z")):
            out.update((word + "es", word + "ed", word + "ing"))
        else:
            out.update((word + "s", word + "ed", word + "ing"))
    return frozenset(out)
