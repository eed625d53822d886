"""Facts: other check-worthy assertions, one per declarative sentence with checkable content."""

from __future__ import annotations

import re
from typing import Any

from .claims import Finding

_ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "LAW", "PRODUCT", "DATE",
                            "CARDINAL", "MONEY", "PERCENT", "QUANTITY", "ORDINAL", "WORK_OF_ART"})
_SUPERLATIVE = re.compile(
    r"\b(?:first|only|largest|biggest|smallest|highest|lowest|most|least|record|never|best|worst|oldest|"
    r"youngest|fastest|longest|unprecedented)\b",
    re.I,
)
# Opinion, advice and speculation are not checkable assertions.
_OPINION = re.compile(
    r"\b(?:I|we|you|our|us|should|must|ought|perhaps|arguably|seems?|appears? to|may be|might|could|"
    r"would be|cautionary|in doing so)\b"
)
_MIN_WORDS = 4


def find_facts(doc: Any, base: int, kind: str, found: list[Finding]) -> list[Finding]:
    """Fact claims: sentences that assert something checkable about named things, figures or records."""
    out: list[Finding] = []
    text = doc.text
    for sent in doc.sents:
        s_text = sent.text.strip()
        if len(s_text.split()) < _MIN_WORDS or s_text.endswith("?"):
            continue
        if not any(t.pos_ in ("VERB", "AUX") and t.tag_ in ("VBD", "VBZ", "VBP", "MD", "VBN") for t in sent):
            continue
        if _OPINION.search(_outside_quotes(s_text)):
            continue
        ents = sorted({e.text for e in sent.ents if e.label_ in _ENTITY_LABELS})
        superlative = bool(_SUPERLATIVE.search(s_text))
        if not ents and not superlative:
            continue
        if _mostly_quoted(s_text):
            continue
        start = base + sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
        end = start + len(s_text)
        covered = any(start <= f.start < end for f in found)
        features = ("fact",)
        if superlative:
            features += ("superlative",)
        if ents:
            features += ("named_entity",)
        if covered:
            features += ("covered",)
        if kind == "title":
            features += ("in_title",)
        out.append(Finding("fact", start, end, {"entities": ents}, features))
    del text
    return out


def _outside_quotes(s: str) -> str:
    return re.sub(r"[\"“][^\"“”]{0,3000}[\"”]", " ", s)


def _mostly_quoted(s: str) -> bool:
    return len(_outside_quotes(s).split()) * 3 < len(s.split())
