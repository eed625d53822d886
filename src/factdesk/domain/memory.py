"""The fact memory's rules: which values make two claims the same claim, when a verdict is too old to reuse,
and who may see a match. Plain Python: the services compute keys and read matches by these rules."""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from ..extraction.fingerprint import canonical_wording
from .actors import Actor
from .desk import may_check_desk


class MatchKind(StrEnum):
    EXACT = "exact"  # same type and the same normalised values
    NEAR = "near"  # same type, similar text, overlapping entities


# The normalised values that say what a claim asserts, per type; whatever else (a money amount's scale word, the
# wording around the values) may differ between two claims that assert the same. `subject` is not an extractor
# value: it is the named words of the claim's sentence (`subject_words`), which tie a bare figure ("$14
# billion", "a decade") to what it is about. `wording` is the claim's canonical wording: a `fact` has no values
# beyond its entities, and two sentences naming the same people are not the same claim.
MATCH_FIELDS: dict[str, tuple[str, ...]] = {
    "role": ("person", "role", "org", "former"),
    "money": ("amount", "currency", "subject"),
    "quantity": ("value", "unit", "subject"),
    "date": ("date", "decade", "year", "month", "day", "event"),
    "quote": ("speaker", "words"),
    "attribution": ("source", "speaker", "content"),
    "fact": ("entities", "wording"),
}

# Days a verdict stays fresh enough to reuse, per claim type; None: it never goes stale (what was said on a
# date, or in a quote, stays said). A title changes with a reshuffle; a figure with next year's report.
DEFAULT_SHELF_LIFE_DAYS: dict[str, int | None] = {
    "role": 180,
    "money": 365,
    "quantity": 365,
    "attribution": 365,
    "date": None,
    "quote": None,
    "fact": 365,
}

# At most this many matches are shown per claim, best first.
SHOWN_MATCHES = 5
# A near match's words are at least this similar (trigrams, as pg_trgm counts them): the default chosen from the
# quality set (BENCHMARKS.md), where 0.3 found no more and 0.5 ranks fewer weak candidates.
NEAR_THRESHOLD = 0.5
# The types whose claims are sentences, where wording varies and values alone do not say what was claimed; a
# title, a figure or a date is matched on its values (exact) or not at all.
NEAR_TYPES = frozenset({"fact", "attribution", "quote"})

def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Capitalised words that start sentences rather than name anything.
_NOT_NAMES = _words(
    """a an the in on at of for from by to and but or nor so yet as if when while after before since until
    he she it they we i you his her its their our this that these those there here then now also however
    although though despite during because with without over under about between among through into upon within
    according last next earlier later today yesterday tomorrow on monday tuesday wednesday thursday friday
    saturday sunday january february march april may june july august september october november december
    mr mrs ms dr"""
)
_NAME = re.compile(r"\b[A-Z][\w&.\-]*(?:['’]s)?")
_POSSESSIVE = re.compile(r"['’]s$")


def subject_words(sentence: str) -> list[str]:
    """The named words of a sentence (capitalised, possessives folded, sentence-openers and month and day names
    left out), sorted and without repeats: what a figure in it is about, whatever the wording around them."""
    names = {_POSSESSIVE.sub("", m.group(0)).rstrip(".").lower() for m in _NAME.finditer(sentence)}
    return sorted(n for n in names if n and n not in _NOT_NAMES)


def match_values(claim_type: str, normalized: Mapping[str, Any], *, sentence: str, wording: str) -> dict[str, Any]:
    """The values an exact match compares, for a claim of `claim_type`. Strings are compared folded
    (`_fold`); absent values are left out, so two claims missing the same value still match.
    An unknown type compares its whole normalised values and wording."""
    wanted = MATCH_FIELDS.get(claim_type)
    if wanted is None:
        return {**normalized, "wording": wording}
    extra = {"subject": subject_words(sentence), "wording": wording}
    found = {}
    for name in wanted:
        value = extra[name] if name in extra else normalized.get(name)
        if value is not None and value != [] and value != "":
            found[name] = value
    return found


_PUNCTUATION = re.compile(r"[^\w\s]")
_SPACE = re.compile(r"\s+")


def _fold(value: Any) -> Any:
    """A value as an exact match compares it: text without case, quote style, punctuation or spacing; lists
    as sorted sets; numbers as numbers (1 and 1.0 alike)."""
    if isinstance(value, str):
        return _SPACE.sub(" ", _PUNCTUATION.sub(" ", canonical_wording(value))).strip()
    if isinstance(value, list | tuple):
        return sorted({json.dumps(_fold(v), sort_keys=True) for v in value})
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, Mapping):
        return {k: _fold(v) for k, v in value.items()}
    return str(value)


def match_key(claim_type: str, normalized: Mapping[str, Any], *, sentence: str, text: str) -> str:
    """Hex SHA-256 of a claim's type and folded match values: equal for claims that assert the same."""
    values = match_values(claim_type, normalized, sentence=sentence, wording=text)
    payload = json.dumps([claim_type, _fold(values)], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def contradicts(claim_type: str, a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether two claims' values say different things: a value their type compares, present in both, differs
    (a changed figure is another claim, however alike the sentences)."""
    names = [n for n in MATCH_FIELDS.get(claim_type, ()) if n not in ("subject", "wording", "entities")]
    return any(n in a and n in b and _fold(a[n]) != _fold(b[n]) for n in names)


def is_near_match(claim_type: str, score: float, claim: tuple[str, Mapping[str, Any]],
                  earlier: tuple[str, Mapping[str, Any]], threshold: float = NEAR_THRESHOLD) -> bool:
    """Whether an earlier claim of the same type, its words `score` similar (similarity), is a near match of a
    claim; each side is (its sentence, its values): similar enough, about the same things, saying nothing
    different. `threshold` other than NEAR_THRESHOLD only for measuring others (bench/memory_quality.py)."""
    return score >= threshold and shares_a_name(earlier[0], claim[0]) \
        and not contradicts(claim_type, earlier[1], claim[1])


_WORD = re.compile(r"[^\W_]+")


def trigrams(text: str) -> set[str]:
    """A text's trigrams as pg_trgm makes them: each word (letters and digits) lower-cased and padded with two
    spaces before and one after."""
    return set().union(*map(_word_trigrams, _WORD.findall(text.lower())))


# A near search reads about 120 texts per revision, mostly the same few thousand words: cached, a text's trigrams
# cost 2.5 times less (8,192 words' sets: a few MB).
@functools.lru_cache(maxsize=8192)
def _word_trigrams(word: str) -> frozenset[str]:
    padded = f"  {word} "
    return frozenset([padded[i : i + 3] for i in range(len(padded) - 2)])  # a list: twice a generator's speed


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity: shared trigrams over all trigrams of the two texts, 0..1."""
    return shared_share(trigrams(a), trigrams(b))


def shared_share(ta: set[str], tb: set[str]) -> float:
    """`similarity` of two texts' trigram sets, for a caller that reads each text's trigrams once."""
    union = ta | tb
    return len(ta & tb) / len(union) if union else 0.0


# A checked claim is entered under each name of its sentence and each pair of its first PAIRED_NAMES names; a
# key is at most NAME_KEY_LENGTH characters (the width of checked_names.name).
PAIRED_NAMES = 8  # at most 28 pairs per claim
NAME_KEY_LENGTH = 100


def name_keys(sentence: str) -> list[str]:
    """What a sentence is entered and looked up under, for near matches: each named word, and each pair of its
    first PAIRED_NAMES named words ("lecun meta"). A name alone may head thousands of checks (a president, a
    country) and its window holds only the newest; a pair is rare, so a reworded claim, which names what it
    named, finds an old check through its pairs."""
    names = sorted({n[:NAME_KEY_LENGTH] for n in subject_words(sentence)})
    paired = names[:PAIRED_NAMES]
    pairs = {f"{a} {b}"[:NAME_KEY_LENGTH] for i, a in enumerate(paired) for b in paired[i + 1 :]}
    return names + sorted(pairs)


def name_key_weight(key: str) -> int:
    """How many names a key stands for, as a candidate's rank counts them: a pair two, a name one (name_keys
    joins a pair with a space; a name has none)."""
    return 2 if " " in key else 1


def shares_a_name(sentence_a: str, sentence_b: str) -> bool:
    """Whether two claims' sentences name something in common: a near match is about the same things."""
    return bool(set(subject_words(sentence_a)) & set(subject_words(sentence_b)))


def shelf_life(claim_type: str, overrides: Mapping[str, int | None] | None = None) -> timedelta | None:
    """How long a verdict on a claim of this type stays fresh; None: forever."""
    days = (overrides or {}).get(claim_type, DEFAULT_SHELF_LIFE_DAYS.get(claim_type))
    return None if days is None else timedelta(days=days)


def fresh_until(claim_type: str, checked_at: datetime,
                overrides: Mapping[str, int | None] | None = None) -> datetime | None:
    """When a verdict checked at `checked_at` goes stale; None when it never does."""
    life = shelf_life(claim_type, overrides)
    return None if life is None else checked_at + life


def is_stale(claim_type: str, checked_at: datetime, now: datetime,
             overrides: Mapping[str, int | None] | None = None) -> bool:
    """Whether a verdict is past its type's shelf life: shown as a match, never offered for reuse."""
    until = fresh_until(claim_type, checked_at, overrides)
    return until is not None and now >= until


def may_see_match(actor: Actor, desk: str | None) -> bool:
    """A match from another draft is shown only to who may check that draft's desk (a desk-bound checker sees
    their desk's verdicts, not another desk's)."""
    return may_check_desk(actor, desk)
