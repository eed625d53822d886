"""Running a many-branched pattern only where one of its matches can begin."""

from __future__ import annotations

import re
from collections.abc import Iterator


def finditer(pattern: re.Pattern[str], starts: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """The matches of pattern.finditer(text), trying `pattern` only where `starts` matches.

    A pattern of many alternatives (dates.py's, quantities.py's) costs its every branch at every character
    of a sentence; `starts`, a short pattern that matches wherever one of the branches can begin (a digit, a
    month's name, ...), passes over the characters that cannot. The matches are the same when `starts`
    matches at every position where `pattern` does and `pattern` never matches the empty string.
    `pattern.match(text, pos)` sees the text before `pos`, so lookbehinds and \\b read as they do in finditer.
    """
    pos = 0
    while (hit := starts.search(text, pos)) is not None:
        at = hit.start()
        m = pattern.match(text, at)
        if m is None:
            pos = at + 1
        else:
            yield m
            pos = m.end()
