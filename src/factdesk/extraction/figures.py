"""What a figure in a sentence is about: the words that govern it in the parse, not the sentence around it.

A hedge ("may", "reportedly") makes a figure hedged only when it governs the clause the figure sits in as
object or complement ("Meta may have paid $14 billion"), not when it sits elsewhere in the sentence ("the
$14 billion investment ... may become irrelevant" is a hedged prediction about an investment of a stated
size). A money figure's subject is the noun or verb it measures ("investment", "invested") and its parties
are the names the sentence ties to that word ("by Meta", "in Scale AI", "Meta's").
"""

from __future__ import annotations

from typing import Any

from .claims import Finding
from .context import SentenceContext

HEDGES = frozenset(
    {"may", "might", "could", "reportedly", "allegedly", "perhaps", "possibly", "likely", "probably", "supposedly"}
)
# Dependency labels that tie a figure's words into the noun phrase it belongs to.
_IN_PHRASE = frozenset({"nummod", "compound", "quantmod", "amod", "nmod", "appos", "conj", "npadvmod"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass"})
# Prepositions that name who pays ("by Meta", "from investors") and who receives ("in Scale AI").
_PARTY_PREPS = frozenset({"by", "from", "in", "into", "to", "for", "with"})
_VERBS = ("VERB", "AUX")


def annotate(sc: SentenceContext, findings: list[Finding], money: bool = False) -> list[Finding]:
    """Mark each figure hedged where a hedge governs it; give money its subject and parties."""
    for f in findings:
        root = _root(sc, f)
        if root is None:
            continue
        if is_hedged(root):
            f.features = (*f.features, "hedged")
        if money:
            subject, parties = money_context(root)
            if subject:
                f.normalized["subject"] = subject
            if parties:
                f.normalized["parties"] = parties
    return findings


def _root(sc: SentenceContext, f: Finding) -> Any:
    span = sc.doc.char_span(f.start - sc.base, f.end - sc.base, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def _phrase_head(tok: Any) -> Any:
    """The head of the noun phrase a figure's word belongs to ('billion' -> 'investment')."""
    node = tok
    for _ in range(6):
        if node.dep_ in _IN_PHRASE and node.head is not node and node.head.pos_ not in _VERBS:
            node = node.head
        else:
            break
    return node


def _clause_verb(node: Any) -> Any:
    """The verb whose clause holds the phrase, through prepositions ('at 100,000 lari' -> 'set')."""
    for _ in range(4):
        head = node.head
        if head is node:
            return None
        if head.pos_ in _VERBS:
            return head
        if node.dep_ != "pobj" and head.dep_ != "prep":
            return None
        node = head
    return None


def is_hedged(tok: Any) -> bool:
    """Whether a hedge governs the figure at `tok`: on its clause's verb (or the verb that verb
    complements), with the figure not the clause's subject."""
    phrase = _phrase_head(tok)
    if phrase.dep_ in _SUBJECTS:
        return False
    verb = _clause_verb(phrase)
    while verb is not None:
        if any(c.lower_ in HEDGES and c.dep_ in ("aux", "advmod") for c in verb.children):
            return True
        # "is expected to reach 50 percent", "appears to have paid": the governing verb is higher up
        verb = verb.head if verb.dep_ == "xcomp" and verb.head is not verb else None
    return False


def money_context(tok: Any) -> tuple[str | None, list[str]]:
    """The word a money figure measures and the names tied to it."""
    phrase = _phrase_head(tok)
    if phrase is not tok and phrase.pos_ == "NOUN":
        return phrase.text, _parties(phrase)
    verb = _clause_verb(phrase)
    if verb is None:
        return None, []
    names = [n for c in verb.children if c.dep_ in _SUBJECTS for n in [_name(c)] if n]
    return verb.text, names + _parties(verb)


def _parties(word: Any) -> list[str]:
    out = []
    for c in word.children:
        if c.dep_ == "poss":
            out.append(_name(c))
        elif c.dep_ in ("prep", "agent") and c.lower_ in _PARTY_PREPS:
            out += [_name(p) for p in c.children if p.dep_ == "pobj"]
    return [n for n in out if n]


def _name(tok: Any) -> str | None:
    """The proper name a token heads ('AI' -> 'Scale AI'), or None when it is not a name."""
    if tok.pos_ != "PROPN":
        return None
    words = [t for t in tok.subtree if t.dep_ in ("compound", "flat") or t is tok]
    return " ".join(t.text for t in sorted(words, key=lambda t: t.i) if t.pos_ == "PROPN") or None
