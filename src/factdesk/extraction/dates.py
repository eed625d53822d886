"""Dates: absolute and relative date expressions, resolved against the draft's reference date."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from typing import Any

from . import figures, scanner
from .claims import Finding
from .context import Context, SentenceContext
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
    rf"|(?P<year>(?<![\w/.,:$€£])(?<!\d-)(?P<y5>{_YEAR})(?![\w/%:]|-\d{{1}}\b|-\d{{3}}\b|[.,]\d|-[A-Za-z]))"
    rf"|(?P<weekday>\b(?P<wd>{_WEEKDAY})\b)"
    r"|(?P<rel>\b(?:(?:the\s)?day\sbefore\syesterday|yesterday|today|tonight|tomorrow|"
    r"(?:(?:just|only)\s)?the\s(?:previous|preceding|following|next)\sday|the\sday\s(?:before|after)|"
    r"(?:on\s)?the\ssame\sday|"
    r"(?:earlier|later)\sthis\s(?:week|month|year)|this\s(?:week|month|year)|"
    r"(?:last|next|past)\s(?:week|month|year)|(?:a|one)\syear\sago|"
    r"(?:the\s)?(?:first|second)\shalf\sof\s(?:this|last)\syear)\b)",
    re.I,
)
# Where a match of _DATE can begin (see scanner.finditer): a digit or an apostrophe (a year, a day, a decade),
# a month's name, which mid-word too ("Bajan 5" reads "jan 5"), or the first word of a weekday or of a
# relative date. Keep it in step with _DATE's alternatives: a branch that begins otherwise is never tried.
_DATE_STARTS = re.compile(
    r"[\d'’]|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
    r"|\b(?:mon|tue|wed|thu|fri|sat|sun|the\s|day|yesterday|today|tonight|tomorrow|just|only|on\s|earlier|later"
    r"|this|last|next|past|a\s|one\s|first|second)",
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
_FUTURE = re.compile(
    r"\b(?:will|shall|next|upcoming|coming|is to|are to|was to|were to|due to|scheduled|set for|plans? to"
    r"|expected to|date is)\b",
    re.I,
)
_NO_YEAR_BEFORE = re.compile(r"(?:No\.|number|#|page|route|flight|room|model|version|v\.?)\s*$", re.I)


def default_reference_date(now: dt.datetime | None = None) -> dt.date:
    """The day relative dates are read against when the caller names none: the day the text is submitted,
    in UTC, as the server stamps a revision (services.revisions.add_revision). `factdesk extract` uses it
    too, so the same text gets the same values and fingerprints from both."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).date()


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


_Resolved = tuple[dict[str, Any], tuple[str, ...]]


def _resolve(m: re.Match[str], ctx: Context, future: bool) -> _Resolved | None:
    """The values of one date expression, by the alternative of _DATE that matched it."""
    g = m.group
    if g("mdy") or g("dmy"):
        return _month_day(m, ctx.reference_date, future)
    if g("my"):
        return _month_year(m, ctx.reference_date, future)
    if g("iso"):
        return _iso_date(m)
    if g("decade"):
        return _decade(m)
    if g("year"):
        return _iso(int(g("y5"))), ()
    if g("weekday"):
        return _weekday_date(m, ctx.reference_date, future)
    return _relative(g("rel").lower(), ctx)


def _month_day(m: re.Match[str], ref: dt.date | None, future: bool) -> _Resolved | None:
    """Month and day ("November 7", "7th of November, 2019"); the year, when missing, from the reference date."""
    month = MONTHS[(m.group("m1") or m.group("m2")).lower().rstrip(".")]
    day = int(m.group("d1") or m.group("d2"))
    if not 1 <= day <= 31:
        return None
    year_s = m.group("y1") or m.group("y2")
    if year_s:
        return _iso(int(year_s), month, day), ()
    if ref:
        return _iso(_past(ref, month, future), month, day), ("relative_date",)
    return _iso(None, month, day), ("unresolved",)


def _month_year(m: re.Match[str], ref: dt.date | None, future: bool) -> _Resolved:
    """A month ("November 2019", "in November"); the year, when missing, from the reference date."""
    month = MONTHS[m.group("m3").lower().rstrip(".")]
    if m.group("y3"):
        return _iso(int(m.group("y3")), month), ()
    if ref:
        return _iso(_past(ref, month, future), month), ("relative_date",)
    return _iso(None, month), ("unresolved",)


def _iso_date(m: re.Match[str]) -> _Resolved | None:
    """An ISO date ("2019-11-07"), when it is a real day."""
    year, month, day = int(m.group("y4")), int(m.group("m4")), int(m.group("d4"))
    try:
        dt.date(year, month, day)
    except ValueError:
        return None
    return _iso(year, month, day), ()


def _decade(m: re.Match[str]) -> _Resolved | None:
    """A decade ("the 1990s", "the '90s")."""
    dec = m.group("dec")
    decade = int(dec) if len(dec) == 4 else 1900 + int(dec) if len(dec) == 2 else None
    return ({"decade": decade}, ()) if decade else None


def _weekday_date(m: re.Match[str], ref: dt.date | None, future: bool) -> _Resolved:
    """A weekday ("on Tuesday"): the nearest such day before the reference date (after it, in future)."""
    if not ref:
        return {"weekday": m.group("wd").capitalize()}, ("unresolved",)
    d = _weekday(ref, m.group("wd"), future)
    return _iso(d.year, d.month, d.day), ("relative_date",)


_FORWARD = frozenset({"following", "next", "after"})
_BACKWARD = frozenset({"previous", "preceding"})
_DAYS_FROM_TODAY = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}


def _relative(phrase: str, ctx: Context) -> _Resolved | None:
    """A relative expression ("yesterday", "the previous day", "last month"), from a day the text or draft fixed."""
    words = phrase.split()
    if _counts_from_last_day(words):
        # "the previous day", "the same day" follow the last day the text fixed, not the dateline.
        return _from_last_day(words, ctx.last_day or ctx.reference_date)
    ref = ctx.reference_date
    if ref is None:
        return None
    if words[-1] in _DAYS_FROM_TODAY:
        return _from_today(words, ref)
    if "ago" in words:
        return _iso(ref.year - 1), ("relative_date",)
    return _from_this_period(words, ref)


def _counts_from_last_day(words: list[str]) -> bool:
    return (
        "same" in words
        or any(w in _BACKWARD for w in words)
        or ("before" in words and "yesterday" not in words)
        or (any(w in _FORWARD for w in words) and "day" in words)
    )


def _from_last_day(words: list[str], anchor: dt.date | None) -> _Resolved | None:
    """One day from the anchor ("the same day", "the previous day", "the day after"); None without one."""
    if anchor is None:
        return None
    shift = 0 if "same" in words else (1 if any(w in _FORWARD for w in words) else -1)
    d = anchor + dt.timedelta(days=shift)
    return _iso(d.year, d.month, d.day), ("relative_date",)


def _from_today(words: list[str], ref: dt.date) -> _Resolved:
    """A day from the reference date ("yesterday", "tomorrow", "the day before yesterday")."""
    shift = -2 if "before" in words else _DAYS_FROM_TODAY[words[-1]]
    d = ref + dt.timedelta(days=shift)
    return _iso(d.year, d.month, d.day), ("relative_date",)


def _from_this_period(words: list[str], ref: dt.date) -> _Resolved:
    """A week, month or year from the reference date ("last week", "this month", "next year")."""
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


def find_dates(sc: SentenceContext) -> list[Finding]:
    """Date claims in one sentence, resolved against the reference date and the last day the text fixed."""
    text = sc.text
    future = bool(_FUTURE.search(text))
    out: list[Finding] = []
    for m in scanner.finditer(_DATE, _DATE_STARTS, text):
        if _not_a_date(sc, m):
            continue
        resolved = _resolve(m, sc.ctx, future)
        if resolved is None:
            continue
        norm, features = resolved
        s, e = sc.start + m.start(), sc.start + m.end()
        event = _event(sc.sent, s, e)
        if event:
            norm["event"] = event
        if "day" in norm and "year" in norm:
            # "29 February" resolved into a year without one is still a claim, but no day to count from.
            with contextlib.suppress(ValueError):
                sc.ctx.last_day = dt.date(norm["year"], norm["month"], norm["day"])
        out.append(Finding("date", sc.base + s, sc.base + e, norm, ("date", *features)))
    return figures.annotate(sc, out)


def _not_a_date(sc: SentenceContext, m: re.Match[str]) -> bool:
    """Whether a match of _DATE is a number, a name or a word that only looks like a date."""
    if m.group("year"):
        return _year_in_a_name(sc, m)
    if m.group("weekday"):
        return _weekday_before_its_date(sc.text, m) or _named_day(sc.text, m)
    if m.group("my") and not m.group("y3"):
        return _month_as_first_name(sc.text, m) or _may_the_verb(sc.text, m) or _march_the_verb(sc.text, m)
    return False


def _year_in_a_name(sc: SentenceContext, m: re.Match[str]) -> bool:
    """A year that names something rather than dating it ("flight 2020", a quoted "Zrínyi 2026", "Euro 2020")."""
    text, s, e = sc.text, m.start(), m.end()
    if _NO_YEAR_BEFORE.search(text[max(0, s - 12) : s]):
        return True
    offset = sc.start
    # A year inside a short quoted name ("Zrínyi 2026") names something; it dates nothing.
    if any(
        qs <= offset + s and offset + e <= qe and len(text[qs - offset : qe - offset].split()) <= 4
        for qs, qe in sc.quoted
    ):
        return True
    return _in_name(sc.sent, offset + s)  # "Euro 2020", "Vision 2030"


def _weekday_before_its_date(text: str, m: re.Match[str]) -> bool:
    """A weekday opening a full date ("Thursday, November 7"), read by the month alternative after it."""
    e = m.end()
    if text[e : e + 1] != ",":
        return False
    nxt = _DATE.match(text, e + 2)
    return bool(nxt and (nxt.group("mdy") or nxt.group("dmy")))


def _named_day(text: str, m: re.Match[str]) -> bool:
    """A weekday in the name of a day of its own ("Good Friday", "Super Tuesday")."""
    s = m.start()
    return bool(_NAMED_DAY.search(text[max(0, s - 8) : s]))


def _month_as_first_name(text: str, m: re.Match[str]) -> bool:
    """A month as a first name ("playwright August Wilson", "June Carter"): a name follows, no preposition leads."""
    return bool(_NAME_AFTER.match(text, m.end())) and not _PREP_BEFORE.search(text[: m.start()])


def _may_the_verb(text: str, m: re.Match[str]) -> bool:
    """The verb "may": "May" is the month only after a preposition ("in May", "late May")."""
    s = m.start()
    return m.group("m3").lower() == "may" and not _MAY_MONTH.search(text[max(0, s - 12) : s + 3])


def _march_the_verb(text: str, m: re.Match[str]) -> bool:
    """The verb or noun "march": in lower case, never the month."""
    return m.group("m3").lower().rstrip(".") in ("march",) and text[m.start()].islower()
