"""Attributions: statements credited to a source without quotation marks ('according to', 'X said')."""

from __future__ import annotations

import re
from typing import Any

from .claims import Finding
from .context import Context
from .speakers import WEAK_SPEECH, is_speech_verb, resolve, subject_of

_CONTENT_DEPS = frozenset({"ccomp", "dobj", "xcomp", "advcl", "parataxis", "prep", "attr", "oprd", "dative"})
# "In remarks to the Agence France-Presse news service", "LeCun's conversation with the Financial Times".
_TO_OUTLET = re.compile(
    r"\b(?:remarks|interview|conversation|comments|statement|speaking|spoke|talking|told)\s(?:to|with)?\s?(?:the\s)?"
    r"(?P<outlet>[A-Z][\w.&’'-]*(?:\s(?:[A-Z][\w.&’'-]*|of|for|and))*)",
)
_ISSUE_VERBS = frozenset({"issued", "issues", "released", "releases", "made", "makes", "published", "publishes", "put"})
_STATEMENT = frozenset({"statement", "announcement", "release", "report", "communique", "declaration", "tweet"})


# "A study found that ...", "Figures show ...": documents credited with findings.
_FINDING_VERBS = frozenset(
    {
        "found",
        "finds",
        "find",
        "shows",
        "showed",
        "show",
        "indicates",
        "indicated",
        "suggests",
        "suggested",
        "concluded",
        "concludes",
    }
)
_DOCUMENTS = frozenset(
    {
        "study",
        "report",
        "survey",
        "poll",
        "analysis",
        "research",
        "data",
        "review",
        "investigation",
        "audit",
        "paper",
        "figures",
        "statistics",
        "census",
        "inquiry",
        "researchers",
        "scientists",
    }
)


def _finding_verb(tok: Any) -> bool:
    if tok.lower_ not in _FINDING_VERBS:
        return False
    subj = subject_of(tok, passive=False)
    return subj is not None and subj.lower_ in _DOCUMENTS


def _inside(i: int, j: int, spans: list[tuple[int, int]]) -> bool:
    return any(qs - 1 <= i and j <= qe + 1 for qs, qe in spans)


def _finding(sent: Any, base: int, start: int, end: int, name: str | None, key: str, how: str) -> Finding:
    norm: dict[str, Any] = {key: name} if name else {}
    content = sent.text[start - sent.start_char : end - sent.start_char]
    norm["content"] = " ".join(content.split())[:300]
    return Finding(
        "attribution",
        base + start,
        base + end,
        norm,
        ("attribution", how) if name else ("attribution", how, "speaker_unknown"),
    )


def find_attributions(sent: Any, base: int, ctx: Context, quoted: list[tuple[int, int]]) -> list[Finding]:
    """Attribution claims in one sentence."""
    out: list[Finding] = []
    doc = sent.doc
    for tok in sent:
        if tok.lower_ == "according" and tok.i + 1 < sent.end and doc[tok.i + 1].lower_ == "to":
            obj = next((c for c in doc[tok.i + 1].children if c.dep_ == "pobj"), None)
            if obj is None:
                continue
            name, key = resolve(obj, ctx)
            out.append(_finding(sent, base, sent.start_char, sent.end_char, name, key, "according_to"))
            continue
        speech = is_speech_verb(tok) or _finding_verb(tok)
        issue = tok.lower_ in _ISSUE_VERBS and any(c.dep_ == "dobj" and c.lower_ in _STATEMENT for c in tok.children)
        if not (speech or issue):
            continue
        subj = subject_of(tok, passive=False)
        if subj is None or (tok.lower_ in WEAK_SPEECH and subj.pos_ not in ("PROPN", "PRON", "NOUN")):
            continue
        content = [c for c in tok.children if c.dep_ in _CONTENT_DEPS or (c.dep_ == "prt" and c.lower_ == "out")]
        if tok.dep_ == "ccomp" or tok.dep_ == "parataxis":
            content.append(tok.head)  # "Already-queued orders won't leave idle capacity, Maróth said"
        if not content:
            continue
        lo = min([subj.left_edge.idx, tok.idx] + [c.left_edge.idx for c in content if c.i != tok.head.i])
        hi = max(t.right_edge.idx + len(t.right_edge.text) for t in [tok, *content] if t.i >= sent.start)
        lo, hi = max(lo, sent.start_char), min(hi, sent.end_char)
        if tok.head.i != tok.i and tok.dep_ in ("ccomp", "parataxis"):
            lo, hi = sent.start_char, sent.end_char
        # Words in quotation marks are a quote claim; credit only what the text says in its own voice.
        body = [c for c in content if c.dep_ in ("ccomp", "dobj", "xcomp")]
        if body and all(_inside(c.left_edge.idx, c.right_edge.idx + len(c.right_edge.text), quoted) for c in body):
            continue
        name, key = resolve(subj, ctx)
        out.append(_finding(sent, base, lo, hi, name, key, "statement" if issue else "speech_verb"))
    for m in _TO_OUTLET.finditer(sent.text):
        outlet = m.group("outlet").strip()
        if outlet.lower() in ("the", "press", "he", "she", "they"):
            continue
        s = sent.start_char + m.start()
        span = sent.doc.char_span(
            sent.start_char + m.start("outlet"), sent.start_char + m.end(), alignment_mode="expand"
        )
        if span is not None and any(t.ent_type_ == "PERSON" for t in span) or ctx.full_name(outlet) != outlet:
            continue  # an interview with a person names the interviewee, not an outlet
        out.append(_finding(sent, base, s, sent.start_char + m.end(), outlet, "source", "outlet"))
    return out
