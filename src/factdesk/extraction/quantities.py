"""Quantities: counts, percentages, fractions, race times, durations, ages, ranks and vote tallies."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from . import figures, scanner
from .claims import Finding
from .context import SentenceContext
from .numbers import DIGITS, FRACTIONS, NUMBER_WORD, NUMBER_WORDS, ORDINALS, parse_number, tidy

_ORDINAL_WORD = r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth)"
_ORDINAL = rf"(?:{_ORDINAL_WORD}|\d{{1,3}}(?:st|nd|rd|th))"
# Ordinals are ranks only before these nouns; "the first vaccine" or "a third president" rank nothing.
_RANK_NOUNS = (
    r"(?:place|places|term|terms|spot|position|seed|round|consecutive|straight|finish|birthday|anniversary"
    r"|in\sthe\sworld)"
)
# "third-largest lender": an ordinal before a superlative is a rank.
_SUPERLATIVES = r"(?:largest|biggest|highest|lowest|smallest|richest|busiest|oldest|most|best|worst|fastest|longest)"
_DURATION_WORDS = {
    "decade": (10, "year"),
    "century": (100, "year"),
    "dozen": (12, None),
    "fortnight": (14, "day"),
    "twice": (2, "time"),
    "thrice": (3, "time"),
}
_QTY = re.compile(
    rf"(?P<time>(?<![\d:])\d{{1,2}}:\d{{2}}:\d{{2}}(?![\d:]))"
    rf"|(?P<tally>(?<![\d.,-])(?P<for>\d{{1,3}})\s?[-–](?P<against>\d{{1,3}})(?![\d%-])"
    rf"(?=\s(?:vote|decision|ruling|verdict|majority|win|victory|loss|defeat|split|margin|lead|draw)\b|\s(?:in\s)?(?:favou?r|against)))"
    rf"|(?P<tally2>(?:(?<=voted\s)|(?<=votes\s)|(?<=\bwon\s)|(?<=\bbeat\s)|(?<=\blost\s)|(?<=\bdrew\s)|(?<=score\sof\s))"
    rf"(?P<for2>\d{{1,3}})\s?[-–](?P<against2>\d{{1,3}})(?![\d%-]))"
    rf"|(?P<outof>\b(?:one|1)\s(?:out\s)?(?:of|in)\s(?:every\s)?(?P<per>{DIGITS}|{NUMBER_WORDS}|hundred|thousand|million)\b)"
    rf"|(?P<frac>\b(?P<fnum>one|two|three|four|five|six|seven|eight|nine)[- ]"
    rf"(?P<fden>halves|half|thirds?|quarters?|fifths?|tenths?)\b(?!-)"
    rf"|(?P<fnum_a>a)\s(?P<fden_a>half|third|quarter|fifth|tenth)(?=\sof\b)"
    rf"|(?<=by\s)(?P<fnum_b>a)\s(?P<fden_b>half|third|quarter|fifth|tenth)\b)"
    rf"|(?P<halfof>\bhalf\s(?=of\b))"
    rf"|(?P<ranks>\b(?P<r1>{_ORDINAL})(?:\s(?:and|or|to)\s(?P<r2>{_ORDINAL}))?(?=[\s-]{_RANK_NOUNS}\b|-{_SUPERLATIVES}\b))"
    rf"|(?P<dur>\b(?:a|one)\s(?P<durword>decade|century|dozen|fortnight)\b|\b(?P<durword2>twice|thrice)\b)"
    rf"|(?P<num>(?<![\w.,/$€£¥#:-])(?:{DIGITS}|(?i:{NUMBER_WORDS}))(?:\s(?:hundred|thousand|million|billion|trillion)\b)?(?![\w/]|[.,:]\d))"
    rf"(?:\s?(?P<pct>%|percent\b|per\scent\b|percentage\spoints?\b))?",
    re.I,
)
# Where a match of _QTY can begin (see scanner.finditer): a digit, a number word, an ordinal, "half", "twice",
# "thrice", or "a" before a fraction or a duration word, which mid-word too ("data half of" reads "a half").
# Keep it in step with _QTY's alternatives: a branch that begins otherwise is never tried.
_QTY_STARTS = re.compile(
    rf"\d|a\s(?:half|third|quarter|fifth|tenth|decade|century|dozen|fortnight)"
    rf"|\b(?:{NUMBER_WORD}|half\s|{_ORDINAL_WORD}|twice|thrice)",
    re.I,
)
_IRREGULAR = {
    "children": "child",
    "gases": "gas",
    "quizzes": "quiz",
    "potatoes": "potato",
    "tomatoes": "tomato",
    "heroes": "hero",
    "vetoes": "veto",
    "wives": "wife",
    "knives": "knife",
    "leaves": "leaf",
    "halves": "half",
    "shelves": "shelf",
    "wolves": "wolf",
    "analyses": "analysis",
    "crises": "crisis",
    "theses": "thesis",
    "criteria": "criterion",
    "phenomena": "phenomenon",
    "geese": "goose",
    "people": "person",
    "men": "man",
    "women": "woman",
    "feet": "foot",
    "teeth": "tooth",
    "mice": "mouse",
    "data": "data",
    "series": "series",
    "species": "species",
    "news": "news",
    "aircraft": "aircraft",
    "police": "police",
    "staff": "staff",
    "lives": "life",
}
_AGE_BEFORE = re.compile(
    r"(?:\bage(?:d)?\s(?:of\s)?|\b(?:dies|died|dead|death)\sat\s|\bwas\s|\bis\s|\bturns?\s|\bturned\s)$", re.I
)
_SKIP_BEFORE = re.compile(
    r"(?:No\.|number|#|page|pp?\.|route|flight|room|model|version|v\.?|chapter|section|article|rule)\s*$", re.I
)
# "world ranking number 27", "a career high of number 16": a rank, not an identifier.
_RANK_NUMBER = re.compile(r"\b(?:ranking|ranked|rank|world|high\sof|low\sof)\snumber\s*$", re.I)
_CLOCK = re.compile(r"(?:UTC|GMT)[+−-]$")
_CLOCK_AFTER = re.compile(r"\s?(?:a\.m\.|p\.m\.|am\b|pm\b|o'clock)", re.I)
# "four years ago" places an event in time; it is not a figure to check on its own.
_AGO = re.compile(r"\s(?:years?|months?|weeks?|days?|decades?)\sago\b", re.I)
# "Magnitude 6.1", "Category 4": a capitalised scale word before a figure does not make it a name.
_SCALE_WORDS = frozenset({"magnitude", "category", "level", "grade", "force", "mach"})
_VOTE = re.compile(r"\bvot|\bballot|\bruling|\bverdict|\bmajority|\bjustices|\bcouncil|\bsenate|\bboard\b", re.I)
_NAME_ENTS = frozenset({"PRODUCT", "WORK_OF_ART", "LAW", "FAC", "EVENT", "ORG"})


def singular(word: str) -> str:
    """A plural noun's singular ('deaths' -> 'death', 'committees' -> 'committee', 'children' -> 'child')."""
    w = word.lower()
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if (
        w.endswith(("sses", "ches", "shes", "xes", "zzes"))
        or len(w) > 4
        and w.endswith("uses")
        and not w.endswith(("ouses", "auses"))
    ):
        return w[:-2]  # "buses" -> "bus", "viruses" -> "virus"; "houses" and "causes" lose only the s
    if w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
        return w[:-1]
    return w


def _seconds(hms: str) -> int:
    h, m, s = (int(x) for x in hms.split(":"))
    return h * 3600 + m * 60 + s


def _unit_after(doc: Any, char_end: int, limit: int = 4) -> tuple[str | None, int]:
    """The noun a figure counts ('3,728 measles cases' -> 'case') and where its phrase ends."""
    span = doc.char_span(char_end, char_end, alignment_mode="expand")
    i = span.start if span is not None else len(doc)
    # The figure's own last token may run up to char_end; start after it.
    while i < len(doc) and doc[i].idx < char_end:
        i += 1
    seen = 0
    while i < len(doc) and seen < limit:
        tok = doc[i]
        low = tok.lower_
        if tok.text == "-" and i + 1 < len(doc):
            i += 1
            continue
        if tok.pos_ in ("NOUN",) and not (i + 1 < len(doc) and doc[i + 1].pos_ == "NOUN" and doc[i + 1].dep_ != "conj"):
            return singular(tok.text), tok.idx + len(tok.text)
        if tok.pos_ in ("ADJ", "PROPN", "DET", "NUM", "NOUN") or low in (
            "of",
            "'s",
            "’s",
            "the",
            "her",
            "his",
            "their",
            "its",
        ):
            if tok.pos_ == "PROPN" and not tok.text[:1].isupper():
                break
            seen += 1
            i += 1
            continue
        break
    return None, char_end


# A reading of one match: normalised values, features, and where the claim ends in the sentence.
_Reading = tuple[dict[str, Any], tuple[str, ...], int]


def find_quantities(sc: SentenceContext) -> list[Finding]:
    """Quantity claims in one sentence, skipping figures already read as dates or money."""
    off = sc.base + sc.start
    taken = [(f.start - off, f.end - off) for f in sc.found]
    out: list[Finding] = []
    for m in scanner.finditer(_QTY, _QTY_STARTS, sc.text):
        s, e = m.start(), m.end()
        if any(ts < e and s < te for ts, te in taken):
            continue
        reading = _reader_for(m)(sc, m)
        if reading is None:
            continue
        norm, features, end = reading
        out.append(Finding("quantity", off + s, off + end, norm, features))
    return figures.annotate(sc, out)


def _reader_for(m: re.Match[str]) -> Callable[[SentenceContext, re.Match[str]], _Reading | None]:
    """The reader for the alternative of _QTY that matched; a plain figure when no other did."""
    return next((reader for group, reader in _READERS if m.group(group)), _figure)


def _race_time(sc: SentenceContext, m: re.Match[str]) -> _Reading:
    """A race time ("2:01:39"), in seconds."""
    hms = m.group("time")
    return {"value": _seconds(hms), "unit": "second", "as_written": hms}, ("quantity",), m.end()


def _tally(sc: SentenceContext, m: re.Match[str]) -> _Reading:
    """A tally ("a 7-2 vote", "won 3-1"): votes when voting is near, else a score."""
    s, e = m.start(), m.end()
    a, b = int(m.group("for") or m.group("for2")), int(m.group("against") or m.group("against2"))
    unit = "vote" if _VOTE.search(sc.text[max(0, s - 40) : e + 20]) else "score"
    return {"values": [a, b], "for": a, "against": b, "unit": unit}, ("quantity",), e


def _one_in_n(sc: SentenceContext, m: re.Match[str]) -> _Reading | None:
    """A fraction written as one in N ("one in every five", "1 out of 10")."""
    per = parse_number(m.group("per"))
    if not per:
        return None
    return {"value": round(1 / per, 6), "unit": "fraction"}, ("quantity",), m.end()


def _fraction_words(sc: SentenceContext, m: re.Match[str]) -> _Reading | None:
    """A fraction in words ("two-thirds", "a quarter of", "by a half")."""
    num = 1 if (m.group("fnum_a") or m.group("fnum_b")) else parse_number(m.group("fnum"))
    if num is None:
        return None
    den = m.group("fden") or m.group("fden_a") or m.group("fden_b")
    return {"value": round(num * FRACTIONS[den.lower()], 3), "unit": "fraction"}, ("quantity",), m.end()


def _half_of(sc: SentenceContext, m: re.Match[str]) -> _Reading:
    """Half of something ("half of the votes")."""
    return {"value": 0.5, "unit": "fraction"}, ("quantity",), m.end()


def _ordinal_rank(sc: SentenceContext, m: re.Match[str]) -> _Reading:
    """Ranks ("second place", "third and fourth terms", "third-largest"), in the noun that follows."""
    ranks = [_rank(r) for r in (m.group("r1"), m.group("r2")) if r]
    unit, end = _unit_after(sc.doc, sc.start + m.end(), limit=1)
    norm = {"value": ranks[0], "unit": unit or "rank"} if len(ranks) == 1 else {"values": ranks, "unit": unit or "rank"}
    return norm, ("quantity", "rank"), end - sc.start


def _duration_word(sc: SentenceContext, m: re.Match[str]) -> _Reading:
    """A count in one word ("a decade", "a dozen", "a fortnight", "twice")."""
    count, unit = _DURATION_WORDS[(m.group("durword") or m.group("durword2")).lower()]
    return {"value": count, "unit": unit or "item"}, ("quantity",), m.end()


def _figure(sc: SentenceContext, m: re.Match[str]) -> _Reading | None:
    """A figure in digits or words: a percentage, or a count of the noun that follows it."""
    text, s, e = sc.text, m.start(), m.end()
    figure = m.group("num")
    ranked = bool(_RANK_NUMBER.search(text[max(0, s - 25) : s]))
    if _CLOCK.search(text[max(0, s - 4) : s]) or _CLOCK_AFTER.match(text, e):
        return None  # "UTC+0900", "11 a.m.": times of day, not figures
    if not ranked and _SKIP_BEFORE.search(text[max(0, s - 10) : s]) or _AGO.match(text, e):
        return None
    value = parse_number(figure)
    if value is None or figure.lower() == "zero":
        return None
    span = sc.doc.char_span(sc.start + s, sc.start + s + len(figure), alignment_mode="expand")
    tok = span[0] if span is not None and len(span) else None
    if tok is not None and _is_name_number(tok, figure):
        return None
    if m.group("pct"):
        return {"value": tidy(value), "unit": "percent"}, ("quantity", "statistic"), e
    if ranked:
        return {"value": tidy(value), "unit": "rank"}, ("quantity",), e
    return _count(sc, m, value, tok)


def _count(sc: SentenceContext, m: re.Match[str], value: float, tok: Any) -> _Reading | None:
    """A count of the noun that follows ("3,728 measles cases") or an age ("aged 52", "Priya Raman, 52,")."""
    text, s, e, off = sc.text, m.start(), m.end(), sc.start
    figure = m.group("num")
    before = text[max(0, s - 20) : s]
    unit, uend = _unit_after(sc.doc, off + s + len(figure))
    if unit and not unit.isascii():
        return None  # a figure inside a passage in another script ("4~5시간 전에")
    if not unit and re.fullmatch(r"(?:1[5-9]|20)\d\d", figure):
        return None  # a year the date reader passed over (a name such as "Euro 2020")
    if figure.lower() == "one" and _one_as_pronoun(text, s, unit, before):
        return None
    features: tuple[str, ...] = ("quantity",)
    if _AGE_BEFORE.search(before) and unit in (None, "year"):
        unit = "year"
    elif unit is None and _is_age_apposition(sc.doc, tok, text, e):
        unit = "year"  # "Priya Raman, 52, apologised"
        features += ("age",)
    if unit in ("year", "years") and text[e : e + 5].lower().startswith((" old", "-old")):
        features += ("age",)
    end = max(e, uend - off) if unit and uend - off - e < 40 else e
    return {"value": tidy(value), "unit": unit or "count"}, features, end


def _one_as_pronoun(text: str, s: int, unit: str | None, before: str) -> bool:
    """Whether "one" is a pronoun ("one of several diseases"): no unit and no age before it, or "of" after."""
    return (not unit and not _AGE_BEFORE.search(before)) or text[s + 3 : s + 7] == " of "


# Readers by the named group of _QTY that matched, in the pattern's order; a plain figure otherwise.
_READERS: tuple[tuple[str, Callable[[SentenceContext, re.Match[str]], _Reading | None]], ...] = (
    ("time", _race_time),
    ("tally", _tally),
    ("tally2", _tally),
    ("outof", _one_in_n),
    ("frac", _fraction_words),
    ("halfof", _half_of),
    ("ranks", _ordinal_rank),
    ("dur", _duration_word),
)


def _is_age_apposition(doc: Any, tok: Any, text: str, end: int) -> bool:
    """A bare figure between commas right after a person's name is their age."""
    if tok is None or tok.i < 2 or text[end : end + 1] != ",":
        return False
    comma, name = doc[tok.i - 1], doc[tok.i - 2]
    return comma.text == "," and (name.ent_type_ == "PERSON" or name.pos_ == "PROPN") and name.text[:1].isupper()


def _rank(word: str) -> int:
    w = word.lower()
    return ORDINALS.get(w) or int(re.sub(r"\D", "", w) or 0)


def _is_name_number(tok: Any, token_text: str) -> bool:
    """Figures that are part of a name: 'LLaMA 4', 'Windows 11', 'Apollo 13'."""
    if tok.ent_type_ in _NAME_ENTS and tok.ent_type_ != "ORG":
        return True
    prev = tok.nbor(-1) if tok.i > 0 else None
    if prev is not None and prev.lower_ in _SCALE_WORDS:
        return False
    return (
        prev is not None
        and prev.pos_ == "PROPN"
        and prev.text[:1].isupper()
        and token_text[0].isdigit()
        and tok.ent_type_ not in ("QUANTITY", "PERCENT", "MONEY")
    )
