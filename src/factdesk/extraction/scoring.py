"""Check-worthiness: a score in [0, 1] and the reasons that produced it."""

from __future__ import annotations

import re

from .claims import Finding

# Base worthiness per claim type: figures and quotes are what corrections are most often about.
_BASE = {"money": 0.75, "quantity": 0.65, "date": 0.55, "quote": 0.7, "role": 0.6, "attribution": 0.55, "fact": 0.4}
# Feature -> (weight, reason shown to the checker).
_FEATURES = {
    "superlative": (0.15, "record or superlative claim"),
    "statistic": (0.1, "statistic"),
    "named_entity": (0.05, "names a person or organisation"),
    "former": (0.05, "past position"),
    "relative_date": (0.05, "date resolved from a relative expression"),
    "unresolved": (-0.15, "could not be fully resolved"),
    "hedged": (-0.15, "hedged or speculative wording"),
    "open_amount": (-0.1, "open amount"),
    "short_quote": (-0.1, "short quoted phrase"),
    "speaker_unknown": (-0.1, "speaker not identified"),
    "in_title": (0.05, "in the headline"),
    "covered": (-0.15, "sentence already has typed claims"),
}
_HEDGE = re.compile(r"\b(?:may|might|could|reportedly|allegedly|perhaps|possibly|likely|appears?)\b", re.I)


def score(finding: Finding, sentence: str) -> tuple[float, tuple[str, ...]]:
    """The finding's check-worthiness and the reasons for it, most important first."""
    value = _BASE.get(finding.type, 0.4)
    reasons = [f"{finding.type} claim"]
    features = set(finding.features)
    if finding.type not in ("money", "quantity", "date") and _HEDGE.search(sentence):  # figures: figures.py
        features.add("hedged")
    for name in sorted(features, key=lambda n: (-abs(_FEATURES.get(n, (0, ""))[0]), n)):  # ties by name: repeatable
        weight, reason = _FEATURES.get(name, (0.0, ""))
        if reason:
            value += weight
            reasons.append(reason)
    return round(min(1.0, max(0.0, value)), 2), tuple(reasons)
