"""Check-worthiness: a score in [0, 1] and the reasons for it, in words a checker reads."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .claims import Finding

# Base worthiness per claim type: figures and quotes are what corrections are most often about.
_BASE = {"money": 0.75, "quantity": 0.65, "date": 0.55, "quote": 0.7, "role": 0.6, "attribution": 0.55, "fact": 0.4}
# Feature -> (weight, reason shown to the checker). A feature is something an extractor saw, or one read from
# the claim's values below.
_FEATURES = {
    "superlative": (0.15, "a superlative or a record"),
    "statistic": (0.1, "a percentage or rate"),
    "scaled": (0.05, "a money figure with a scale word"),
    "former_at_org": (0.05, "names a former title at an organisation"),
    "titled_at_org": (0.05, "names a title at an organisation"),
    "named_source": (0.05, "reported speech with a named source"),
    "named_stance": (0.05, "a position credited to a named person or group"),
    "duration": (0.0, "a length of time"),
    "named_speaker": (0.05, "direct speech with a named speaker"),
    "credited_work": (0.05, "work credited to a named person"),
    "named_entity": (0.05, "names a person or organisation"),
    "relative_date": (0.05, "a date worked out from a relative expression"),
    "age": (0.05, "a person's age"),
    "in_title": (0.05, "in the headline"),
    "continued_quote": (0.0, "speaker taken from the quotation before"),
    "speaker_guessed": (-0.05, "speaker guessed from the last one named"),
    "unresolved": (-0.15, "a date without its year"),
    "hedged": (-0.15, "hedged or speculative wording"),
    "open_amount": (-0.1, "an open amount, not a figure"),
    "short_quote": (-0.1, "a short quoted phrase"),
    "speaker_unknown": (-0.1, "no speaker or source named"),
    "covered": (-0.15, "its figures and dates are claims of their own"),
}
# What a claim of each type is, when nothing more specific is known: never just its type's name.
_WHAT = {
    "money": "a money figure",
    "quantity": "a counted or measured figure",
    "date": "a date",
    "quote": "direct speech",
    "role": "a person's title",
    "attribution": "a statement credited to a source",
    "fact": "a statement of fact",
}
_HEDGE = re.compile(r"\b(?:may|might|could|reportedly|allegedly|perhaps|possibly|likely|appears?)\b", re.I)


def _role(v: dict[str, Any]) -> set[str]:
    return {"titled_at_org"} if v.get("org") else set()


def _money(v: dict[str, Any]) -> set[str]:
    return {"scaled"} if v.get("scale") else set()


def _speech(v: dict[str, Any]) -> set[str]:
    if v.get("credited"):
        return {"credited_work"}
    return {"named_source"} if v.get("speaker") or v.get("source") else set()


_TIME_UNITS = frozenset({"year", "month", "week", "day", "hour", "minute", "second", "decade", "century"})


def _quantity(v: dict[str, Any]) -> set[str]:
    return {"duration"} if v.get("unit") in _TIME_UNITS else set()


def _quote(v: dict[str, Any]) -> set[str]:
    return {"named_speaker"} if v.get("speaker") else set()


# Features read from a claim's values, per type.
_FROM_VALUES: dict[str, Callable[[dict[str, Any]], set[str]]] = {
    "role": _role,
    "money": _money,
    "attribution": _speech,
    "quote": _quote,
    "quantity": _quantity,
}
# How an attribution credits, when it credits a position rather than words ("hopes", "Cruz's criticism of").
_STANCES = frozenset({"stance", "stance_noun"})


def _features(finding: Finding) -> set[str]:
    features = set(finding.features)
    if finding.type == "role" and finding.normalized.get("former") and finding.normalized.get("org"):
        features.discard("titled_at_org")
        return features | {"former_at_org"}
    read = _FROM_VALUES.get(finding.type)
    if read is not None:
        features |= read(finding.normalized)
    if finding.type == "quote" and features & {"speaker_guessed", "continued_quote", "speaker_unknown"}:
        features.discard("named_speaker")
    if "named_source" in features and features & _STANCES:
        features = (features - {"named_source"}) | {"named_stance"}
    return features


# The score is mostly the sentence's (checkworthy.probability: how much it reads like what checkers pick, learnt
# from CheckThat! 2024); the rules' share orders the claims of one sentence (a figure before a plain fact).
# bench/checkworthy.py chose it on the dev split: F1 0.87 at a quarter, 0.86 at a half, 0.69 on the rules alone.
RULES_SHARE = 0.25
# A sentence the model gives at least this says so among the reasons.
_PICKED = 0.6


def score(finding: Finding, wording: str, worth: float) -> tuple[float, tuple[str, ...]]:
    """The finding's check-worthiness and the reasons for it, strongest first (ties by reason, so repeatable).

    `wording` is the claim with the words of its clause before it: a hedge there ("may have cost $14
    billion") weakens the claim; one later in the sentence is about something else. `worth` is its
    sentence's checkworthy.probability.
    """
    value = _BASE.get(finding.type, 0.4)
    features = _features(finding)
    if _HEDGE.search(wording):
        features.add("hedged")
    weighed = sorted((_FEATURES[n] for n in features if n in _FEATURES), key=lambda wr: (-abs(wr[0]), wr[1]))
    reasons = [reason for _weight, reason in weighed]
    value += sum(weight for weight, _reason in weighed)
    if worth >= _PICKED:
        reasons.append("worded like the statements fact-checkers pick")
    if not reasons:
        reasons.append(_WHAT.get(finding.type, "a statement"))
    rules = min(1.0, max(0.0, value))
    return round(RULES_SHARE * rules + (1 - RULES_SHARE) * worth, 2), tuple(reasons)
