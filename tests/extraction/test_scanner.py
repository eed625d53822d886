"""The date and quantity patterns find the same matches when tried only where a match can begin."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from factdesk.extraction import dates, quantities, scanner

from .conftest import DATA, FIXTURES

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "examples"
TEXTS = [
    p for folder in (SHARED, FIXTURES, DATA, DATA / "wikinews-2020") if folder.is_dir() for p in folder.glob("*.txt")
]
PATTERNS = [(dates._DATE, dates._DATE_STARTS), (quantities._QTY, quantities._QTY_STARTS)]
# Pieces of every branch's first words, joined in every pair: each branch begins somewhere in them, at a word's
# start and inside a word ("Bajan 5", "data half of"), after a digit, a comma and an apostrophe.
PIECES = (
    "May", "may", "Bajan", "Sept.", "5", "1,200", "2019", "'90s", "’90s", "the day before yesterday", "today",
    "the previous day", "on the same day", "later this week", "a year ago", "the first half of last year",
    "Tuesday,", "3-2 vote", "voted 7-2", "1:02:03", "one in every five", "two-thirds", "data half of", "by a half",
    "half of", "third-largest", "second place", "a decade", "twice", "twenty-one percent", "$4",
)


def _same(pattern: re.Pattern[str], starts: re.Pattern[str], text: str) -> bool:
    def key(ms):  # type: ignore[no-untyped-def]
        return [(m.span(), m.groupdict()) for m in ms]

    return key(pattern.finditer(text)) == key(scanner.finditer(pattern, starts, text))


@pytest.mark.parametrize(("pattern", "starts"), PATTERNS, ids=["dates", "quantities"])
def test_scanning_finds_what_finditer_finds(pattern: re.Pattern[str], starts: re.Pattern[str]) -> None:
    assert len(TEXTS) >= 20
    assert all(_same(pattern, starts, p.read_text(encoding="utf-8")) for p in TEXTS)
    joined = [f"{a}{sep}{b}" for a, b in itertools.product(PIECES, repeat=2) for sep in ("", " ", "-", ", ")]
    assert all(_same(pattern, starts, text) for text in joined)
    # a test that cannot fail is a defect: a start pattern missing a branch's first word misses its matches
    assert not _same(pattern, re.compile(r"\d"), "In May, a decade later, twice as many")
