"""Facts: other check-worthy assertions, one per declarative sentence that states something checkable."""

from __future__ import annotations

import re
from typing import Any

from .claims import Finding
from .context import SentenceContext
from .lexicon import word_set
from .tokens import entities

_ENTITY_LABELS = word_set(
    """PERSON ORG GPE NORP LOC FAC EVENT LAW PRODUCT DATE CARDINAL MONEY PERCENT QUANTITY ORDINAL
    WORK_OF_ART"""
)
_SUPERLATIVE = re.compile(
    r"\b(?:first|only|largest|biggest|smallest|highest|lowest|most|least|record|never|best|worst|oldest|"
    r"youngest|fastest|longest|unprecedented)\b",
    re.I,
)
# Advice, speculation and the writer's own voice are not checkable assertions...
_OPINION = re.compile(
    r"\b(?:I|we|you|our|us|should|ought|perhaps|arguably|seems?|appears? to|might|can stand|in doing so)\b"
)
# ...nor is what may or must happen, unless it is about named things: a rule or a plan ("the House must
# allocate money", "violators could be subject to a fine under National Rail Conditions of Travel").
_MODAL = re.compile(r"\b(?:must|could)\b")
# ...nor is commentary that judges rather than reports.
_EVALUATIVE = word_set(
    """explosive fraught hasty stifled stifling pivotal paramount vital crucial cautionary turbulent
    lavish concerning untested fragile divergent unfolding growing irrelevant remarkable
    extraordinary dramatic fiercely sharply"""
)
# ...unless a source is credited: "The New York Times reported that Trump might have ..." is checkable.
_ATTRIBUTED = re.compile(r"\b(?:according to|said|says|reported|told|stated|announced|wrote|noted)\b", re.I)
_MIN_WORDS = 4
_FINITE = word_set("VBD VBZ VBP MD")


def _checkable(sent: Any, s_text: str, headline: bool, named: bool) -> bool:
    if len(s_text.split()) < _MIN_WORDS or s_text.endswith("?"):
        return False
    # Headlines drop articles and the parser often misreads them ("judge rules ..."): any finite verb will do.
    if headline:
        if not any(t.tag_ in _FINITE or t.tag_ == "VBZ" or t.pos_ == "VERB" for t in sent):
            return False
    elif not _a_clause(sent):
        return False
    outside = _outside_quotes(s_text)
    attributed = bool(_ATTRIBUTED.search(outside))
    if not attributed and (_OPINION.search(outside) or (_MODAL.search(outside) and not named)):
        return False
    if not attributed and any(t.lower_ in _EVALUATIVE for t in sent):
        return False
    return not _mostly_quoted(s_text)


def _has_subject(verb: Any) -> bool:
    return any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in verb.children)


def _a_clause(sent: Any) -> bool:
    """A sentence with a finite verb and its subject. The parser sometimes hangs a sentence on a noun or a
    preposition ("The first charged President Trump ..., and the second accused him ..."; "The measure would
    except ..."): then any finite verb or modal with a subject will do."""
    root = sent.root
    if root.pos_ in ("VERB", "AUX"):
        return _has_subject(root) and any(t.tag_ in _FINITE for t in sent)
    return any(t.tag_ in _FINITE and (_has_subject(t) or _has_subject(t.head)) for t in sent)


def find_facts(sc: SentenceContext) -> list[Finding]:
    """A fact claim for a declarative sentence about named things, figures, records or past events.

    Runs after the typed extractors: `sc.found` holds the piece's other findings, and a sentence that
    already has typed claims is marked "covered".
    """
    sent = sc.sent
    s_text = sc.text.strip()
    doc = sc.doc
    ents = sorted({doc[i:j].text for i, j, label in entities(sent) if label in _ENTITY_LABELS})
    if not _checkable(sent, s_text, sc.kind == "title", bool(ents)):
        return []
    start = sc.base + sc.start + (len(sc.text) - len(sc.text.lstrip()))
    end = start + len(s_text)
    features: tuple[str, ...] = ("fact",)
    if _SUPERLATIVE.search(s_text):
        features += ("superlative",)
    if ents:
        features += ("named_entity",)
    if any(start <= f.start < end for f in sc.found):
        features += ("covered",)
    if sc.kind == "title":
        features += ("in_title",)
    return [Finding("fact", start, end, {"entities": ents}, features)]


def _outside_quotes(s: str) -> str:
    return re.sub(r"[\"“][^\"“”]{0,3000}[\"”]", " ", s)


def _mostly_quoted(s: str) -> bool:
    return len(_outside_quotes(s).split()) * 3 < len(s.split())
