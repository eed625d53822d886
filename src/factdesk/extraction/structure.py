"""Article structure: which lines are title, body, heading, dateline, byline, caption or CMS furniture."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .normalize import NormalizedText

# Kinds whose text may carry claims; every other kind yields none.
CLAIM_KINDS = frozenset({"title", "body"})

MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
# A month name or its abbreviation; shared with dates.py.
MONTH_NAME = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)(?![a-z])\.?"
)
_MONTH = MONTH_NAME
_WEEKDAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
_DATELINE = re.compile(
    rf"^\s*(?:(?:[A-Z][A-Za-z .'-]{{0,40}}\s*[,(—–-]\s*)?(?:{_WEEKDAY},?\s+)?"
    rf"(?:(?P<m1>{_MONTH})\s+(?P<d1>\d{{1,2}}),?\s+(?P<y1>\d{{4}})|(?P<d2>\d{{1,2}})\s+(?P<m2>{_MONTH}),?\s+(?P<y2>\d{{4}})"
    rf"|(?P<y3>\d{{4}})-(?P<m3>\d{{2}})-(?P<d3>\d{{2}}))"
    rf"(?:[,\s]+\d{{1,2}}[:.]\d{{2}}\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{{2,4}})?)?\s*\)?\s*)$",
    re.I,
)
_BYLINE = re.compile(
    r"^\s*(?:by|written by|reporting by|words by|story by|posted by|edited by|from)\s+[A-Z][\w.'’-]*"
    r"(?:\s+[\w.'’&-]+){0,8}\s*$"
    r"|^\s*(?:photo|photograph|image|picture|video|illustration|credit|caption|source|file photo)s?\s*[:|(]",
    re.I,
)
# CMS and page furniture: buttons, prompts and labels an editor's template leaves in the text.
_FURNITURE = re.compile(
    r"^\s*(?:add(?: row| column| block| image| media| new)?|write a comment|leave a comment|post a comment|"
    r"comments?(?: \(\d+\))?|\d+ comments?|share(?: this(?: article| story| post)?| on \w+)?|tweet|email|print|"
    r"advertisement|sponsored(?: content)?|related(?: articles| stories| posts)?|read more|see more|"
    r"continue reading|subscribe(?: now)?|sign up(?: now)?|log ?in|sign in|register|follow us(?: on \w+)?|"
    r"newsletter|click here|copy link|facebook|twitter|linkedin|whatsapp|reddit|pinterest|x|back to top|"
    r"top stories|more stories|trending|most read|most popular|you may also like|recommended(?: for you)?|"
    r"tags?:.*|filed under:.*|categories:.*|skip to (?:main )?content|menu|search|home|next|previous|"
    r"load more|show more|reply|like|edit|delete|save|cancel|submit|upload|remove|insert|undo|redo)"
    r"\s*[:.!]?\s*$",
    re.I,
)
_TERMINAL = re.compile(r"[.!?…\"'”’)\]:;]\s*$")
_NUMERIC_TOKEN = re.compile(r"^[-+$€£¥%()]*\d[\d.,:%/-]*[%)]*$")


@dataclass(frozen=True)
class Segment:
    """A line (or run of lines) of the normalised text with its structural kind."""

    start: int
    end: int
    kind: str


def dateline_date(line: str) -> dt.date | None:
    """The date a dateline states ('Thursday, November 7, 2019'), or None if the line is not one."""
    m = _DATELINE.match(line)
    if not m:
        return None
    try:
        if m.group("y1"):
            return dt.date(int(m.group("y1")), MONTHS[m.group("m1").lower().rstrip(".")], int(m.group("d1")))
        if m.group("y2"):
            return dt.date(int(m.group("y2")), MONTHS[m.group("m2").lower().rstrip(".")], int(m.group("d2")))
        return dt.date(int(m.group("y3")), int(m.group("m3")), int(m.group("d3")))
    except (ValueError, KeyError):
        return None


def _is_table(line: str) -> bool:
    # A row of figures (a data table pasted as text) is data, not prose a checker reads claim by claim.
    tokens = line.replace("|", " ").replace("\t", " ").split()
    if len(tokens) < 6:
        return False
    numeric = sum(1 for t in tokens if _NUMERIC_TOKEN.match(t))
    return numeric * 2 > len(tokens)


def _is_heading(line: str) -> bool:
    words = line.split()
    if not words or len(words) > 16 or _TERMINAL.search(line):
        return False
    if len(words) <= 6:
        return True
    long_words = [w for w in words if len(w) > 3 and w[0].isalpha()]
    capitalised = sum(1 for w in long_words if w[0].isupper())
    return bool(long_words) and capitalised * 2 >= len(long_words)


def segment(nt: NormalizedText) -> list[Segment]:
    """Split the text into lines and classify each; blank lines are dropped.

    The first line is the title (when a title was given, or when it stands alone as a short line).
    """
    text = nt.text
    marked = [(s, e, k) for s, e, k in nt.blocks]
    segments: list[Segment] = []
    pos = 0
    first = True
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl
        line = text[pos:end]
        stripped = line.strip()
        if stripped:
            kind = _classify(line, pos, end, first, nt, marked, text, end)
            segments.append(Segment(pos, end, kind))
            first = False
        if nl < 0:
            break
        pos = nl + 1
    return segments


def _classify(
    line: str,
    start: int,
    end: int,
    first: bool,
    nt: NormalizedText,
    marked: list[tuple[int, int, str]],
    text: str,
    line_end: int,
) -> str:
    if nt.title_length and start < nt.title_length:
        return "title"
    for s, e, k in marked:
        if s < end and start < e:
            return k
    if _FURNITURE.match(line):
        return "furniture"
    if dateline_date(line):
        return "dateline"
    if _BYLINE.match(line):
        return "byline"
    if _is_table(line):
        return "table"
    if first and not nt.title_length and len(line) <= 250 and not line.rstrip().endswith("."):
        return "title"
    if _is_heading(line):
        return "heading"
    return "body"


def reference_date_from(nt: NormalizedText, segments: list[Segment]) -> dt.date | None:
    """The first dateline's date, used when the caller gives no reference date."""
    for seg in segments[:6]:
        if seg.kind == "dateline":
            return dateline_date(nt.text[seg.start : seg.end])
    return None
