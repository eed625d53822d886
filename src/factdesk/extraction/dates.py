"""Dates: absolute and relative date expressions, resolved against the draft's reference date."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from .claims import Finding
from .context import Context
from .structure import MONTH_NAME, MONTHS

_MONTH = MONTH_NAME
_FULL_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_YEAR = r"(?:1[5-9]\d\d|20\d\d)"

# Alternatives are tried in order at each position; the first that matches wins, so longer forms first.
_DATE = re.compile(
    rf"(?P<mdy>(?P<m1>{_MONTH})\s(?P<d1>[0-3]?\d)(?:st|nd|rd|th)?(?:,?\s(?P<y1>{_YEAR}))?(?![\d:]))"
    rf"|(?P<dmy>(?<![\d,.])(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?\s(?:of\s)?(?P<m2>{_MONTH})(?:,?\s(?P<y2>{_YEAR}))?(?![\d:]))"
    rf"|(?P<my>(?P<m3>{_FULL_MONTH}|{_MONTH}(?=\s{_YEAR}))(?:,?\s(?P<y3>{_YEAR}))?(?![\w]))"
    rf"|(?P<iso>(?P<y4>{_YEAR})-(?P<m4>[01]\d)-(?P<d4>[0-3]\d))"
    rf"|(?P<decade>(?:(?<![\w'’])'|’|\b)(?P<dec>(?:1[5-9]|20)?\d0)'?s\b)"
    rf"|(?P<year>(?<![\w/.,:$€£])(?<!\d-)(?P<y5>{_YEAR})(?![\w/%:]|-\d{{1}}\b|-\d{{3}}\b|[.,]\d))"
    rf"|(?P<weekday>\b(?P<wd>{_WEEKDAY})\b)"
    r"|(?P<rel>\b(?:(?:the\s)?day\sbefore\syesterday|yesterday|today|tonight|tomorrow|"
    r"(?:(?:just|only)\s)?the\s(?:previous|preceding|following|next)\sday|the\sday\s(?:before|after)|"
    r"(?:on\s)?the\ssame\sday|"
    r"(?:earlier|later)\sthis\s(?:week|month|year)|this\s(?:week|month|year)|"
    r"(?:last|next|past)\s(?:week|month|year)|(?:a|one)\syear\sago|"
    r"(?:the\s)?(?:first|second)\shalf\sof\s(?:this|last)\syear)\b)",
    re.I,
)
_NAME_AFTER = re.compile(r"\s[A-Z][a-z]")
_PREP_BEFORE = re.compile(
    r"\b(?:in|on|since|until|by|from|of|early|late|mid|during|through|before|after|last|next|this|that|each)[\s-]$",
    re.I,
)
_NAMED_DAY = re.compile(r"\b(?:Good|Black|Super|Ash|Cyber|Holy|Maundy|Palm|Easter|Bloody|Giving)\s$")
# "May" is the month only after a preposition: "in May", "since May", "late May".
_MAY_MONTH = re.compile(r"\b(?:in|on|since|until|by|from|of|early|late|mid|during|through|before|after)[\s-]May$", re.I)
_FUTURE = re.compile(r"\b(?:will|shall|next|upcoming|coming|is to|are to|scheduled|plans? to|expected to)\b", re.I)
_NO_YEAR_BEFORE = re.compile(r"(?:No\.|number|#|page|route|flight|room|model|version|v\.?)\s*$", re.I)


def _past(ref: dt.date, month: int, future: bool) -> int:
    """The year of a year-less month: the latest not after the reference month (or the next, in future)."""
    if future:
        return ref.year if month >= ref.month else ref.year + 1
    return ref.year if month <= ref.month else ref.year - 1


def _weekday(ref: dt.date, name: str, future: bool) -> dt.date:
    target = _WEEKDAYS.index(name.lower())
    delta = (target - ref.weekday()) % 7
    if future:
        return ref + dt.timedelta(days=delta or 7)
    return ref - dt.timedelta(days=(ref.weekday() - target) % 7)


def _iso(year: int | None, month: int | None = None, day: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if year is not None:
        out["year"] = year
    if month is not None:
        out["month"] = month
    if day is not None:
        out["day"] = day
    if year and month and day:
        out["date"] = f"{year:04d}-{month:02d}-{day:02d}"
    elif year and month:
        out["date"] = f"{year:04d}-{month:02d}"
    elif year:
        out["date"] = f"{year:04d}"
    return out


def _resolve(m: re.Match[str], ctx: Context, future: bool) -> tuple[dict[str, Any], tuple[str, ...]] | None:
    ref = ctx.reference_date
    g = m.group
    if g("mdy") or g("dmy"):
        month = MONTHS[(g("m1") or g("m2")).lower().rstrip(".")]
        day = int(g("d1") or g("d2"))
        if not 1 <= day <= 31:
            return None
        year_s = g("y1") or g("y2")
        if year_s:
            return _iso(int(year_s), month, day), ()
        if ref:
            return _iso(_past(ref, month, future), month, day), ("relative_date",)
        return _iso(None, month, day), ("unresolved",)
    if g("my"):
        month = MONTHS[g("m3").lower().rstrip(".")]
        if g("y3"):
            return _iso(int(g("y3")), month), ()
        if ref:
            return _iso(_past(ref, month, future), month), ("relative_date",)
        return _iso(None, month), ("unresolved",)
    if g("iso"):
        try:
            dt.date(int(g("y4")), int(g("m4")), int(g("d4")))
        except ValueError:
            return None
        return _iso(int(g("y4")), int(g("m4")), int(g("d4"))), ()
    if g("decade"):
        dec = g("dec")
        decade = int(dec) if len(dec) == 4 else 1900 + int(dec) if len(dec) == 2 else None
        return ({"decade": decade}, ()) if decade else None
    if g("year"):
        return _iso(int(g("y5"))), ()
    if g("weekday"):
        if not ref:
            return {"weekday": g("wd").capitalize()}, ("unresolved",)
        d = _weekday(ref, g("wd"), future)
        return _iso(d.year, d.month, d.day), ("relative_date",)
    return _relative(g("rel").lower(), ctx, future)


def _relative(phrase: str, ctx: Context, future: bool) -> tuple[dict[str, Any], tuple[str, ...]] | None:
    ref = ctx.reference_date
    words = phrase.split()
    # "the previous day", "the same day" follow the last day the text fixed, not the dateline.
    if (
        "same" in words
        or "previous" in words
        or "preceding" in words
        or "before" in words
        and "yesterday" not in words
        or (("following" in words or "next" in words or "after" in words) and "day" in words)
    ):
        anchor = ctx.last_day or ref
        if anchor is None:
            return None
        shift = 0 if "same" in words else (1 if ("following" in words or "next" in words or "after" in words) else -1)
        d = anchor + dt.timedelta(days=shift)
        return _iso(d.year, d.month, d.day), ("relative_date",)
    if ref is None:
        return None
    days = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}
    if words[-1] in days:
        shift = -2 if "before" in words else days[words[-1]]
        d = ref + dt.timedelta(days=shift)
        return _iso(d.year, d.month, d.day), ("relative_date",)
    if "ago" in words:
        return _iso(ref.year - 1), ("relative_date",)
    unit = next(w for w in ("week", "month", "year") if w in words)
    step = -1 if ("last" in words or "past" in words) else (1 if "next" in words else 0)
    if unit == "week":
        d = ref + dt.timedelta(weeks=step)
        return _iso(d.year, d.month), ("relative_date",)
    if unit == "month":
        y, mo = divmod(ref.year * 12 + ref.month - 1 + step, 12)
        return _iso(y, mo + 1), ("relative_date",)
    if "half" in words and "last" in words:
        step = -1
    return _iso(ref.year + step), ("relative_date",)


def _event(sent: Any, start: int, end: int) -> str | None:
    """The word the date dates: the verb or noun it attaches to ('died', 'departure')."""
    doc = sent.doc
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    tok = span.root
    for _ in range(6):
        head = tok.head
        if head.i == tok.i:
            break
        if not (span.start <= head.i < span.end) and head.pos_ in ("VERB", "NOUN", "PROPN"):
            return head.text.lower()
        tok = head
    nxt = doc[span.end] if span.end < len(doc) else None
    if nxt is not None and nxt.pos_ in ("NOUN", "PROPN"):
        return nxt.text.lower()
    return None


def _in_name(sent: Any, char: int) -> bool:
    """A year right after a proper noun that is not a month: part of a name."""
    span = sent.doc.char_span(char, char + 4, alignment_mode="expand")
    if span is None or span.start == 0:
        return False
    prev = sent.doc[span.start - 1]
    return (
        prev.pos_ in ("PROPN", "NOUN")
        and prev.text[:1].isupper()
        and prev.lower_.rstrip(".") not in MONTHS
        and prev.lower_ not in _WEEKDAYS
    )


def find_dates(sent: Any, base: int, ctx: Context, quoted: list[tuple[int, int]]) -> list[Finding]:
    """Date claims in one spaCy sentence; offsets into the full text (base is the doc's offset)."""
    text = sent.text
    offset = sent.start_char
    future = bool(_FUTURE.search(text))
    out: list[Finding] = []
    for m in _DATE.finditer(text):
        s, e = m.start(), m.end()
        if m.group("year"):
            if _NO_YEAR_BEFORE.search(text[max(0, s - 12) : s]):
                continue
            # A year inside a short quoted name ("Zrínyi 2026") names something; it dates nothing.
            if any(
                qs <= offset + s and offset + e <= qe and len(text[qs - offset : qe - offset].split()) <= 4
                for qs, qe in quoted
            ):
                continue
            if _in_name(sent, offset + s):
                continue  # "Euro 2020", "Vision 2030"
        if m.group("weekday") and text[e : e + 1] == ",":
            # "Thursday, November 7" is one date, read by the month alternative that follows.
            nxt = _DATE.match(text, e + 2)
            if nxt and (nxt.group("mdy") or nxt.group("dmy")):
                continue
        if m.group("my") and not m.group("y3") and _NAME_AFTER.match(text, e) and not _PREP_BEFORE.search(text[:s]):
            continue  # "playwright August Wilson", "June Carter": a first name
        if m.group("weekday") and _NAMED_DAY.search(text[max(0, s - 8) : s]):
            continue  # "Good Friday", "Super Tuesday" name a day of their own
        if (
            m.group("my")
            and m.group("m3").lower() == "may"
            and not m.group("y3")
            and not _MAY_MONTH.search(text[max(0, s - 12) : s + 3])
        ):
            continue  # "may" the verb
        if (
            m.group("my")
            and m.group("m3").lower().rstrip(".") in ("march",)
            and not m.group("y3")
            and text[s].islower()
        ):
            continue
        resolved = _resolve(m, ctx, future)
        if resolved is None:
            continue
        norm, features = resolved
        event = _event(sent, offset + s, offset + e)
        if event:
            norm["event"] = event
        if "day" in norm and "year" in norm:
            ctx.last_day = dt.date(norm["year"], norm["month"], norm["day"])
        out.append(Finding("date", base + offset + s, base + offset + e, norm, ("date", *features)))
    return out
