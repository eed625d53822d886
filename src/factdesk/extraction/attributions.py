"""Attributions: statements credited to a source without quotation marks ('according to', 'X said')."""

from __future__ import annotations

import re
from typing import Any

from .claims import Finding
from .context import SentenceContext
from .lexicon import word_set
from .speakers import WEAK_SPEECH, is_speech_verb, resolve, subject_of

_CONTENT_DEPS = frozenset({"ccomp", "dobj", "xcomp", "advcl", "parataxis", "prep", "attr", "oprd", "dative"})
# "In remarks to the Agence France-Presse news service", "LeCun's conversation with the Financial Times".
_TO_OUTLET = re.compile(
    r"\b(?:remarks|interview|conversation|comments|statement|speaking|spoke|talking|told)\s(?:to|with)?\s?(?:the\s)?"
    r"(?P<outlet>[A-Z][\w.&’'-]*(?:\s(?:[A-Z][\w.&’'-]*|of|for|and))*)",
)
# Speech verbs that also name acts ("declared a state of emergency", "struggle to maintain their standing"):
# they credit words only with a clause ("declared that ...") or as a tag after one.
_CLAUSE_ONLY = word_set(
    "declare declares declared maintain maintains maintained observe observes observed recall recalled"
)
# "... allowed him to innovate, giving rise to LLaMA": the work credited to a person, with no speech verb.
_GIVE = word_set("give gives gave giving given")
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


def _finding(sc: SentenceContext, start: int, end: int, name: str | None, key: str, how: str, cue: str) -> Finding:
    """An attribution over piece offsets start..end, crediting `name` as its speaker or source by `cue`."""
    norm: dict[str, Any] = {key: name} if name else {}
    content = sc.text[start - sc.start : end - sc.start]
    norm["cue"] = cue.lower()
    norm["content"] = " ".join(content.split())[:300]
    return Finding(
        "attribution",
        sc.base + start,
        sc.base + end,
        norm,
        ("attribution", how) if name else ("attribution", how, "speaker_unknown"),
    )


def find_attributions(sc: SentenceContext) -> list[Finding]:
    """Attribution claims in one sentence: 'according to', speech and statement verbs, then outlets."""
    out: list[Finding] = []
    for tok in sc.sent:
        finding = _according_to(sc, tok) or _said_or_stated(sc, tok) or _credited_work(sc, tok)
        if finding is not None:
            out.append(finding)
    out += _interviews_with_outlet(sc)
    return out


def _according_to(sc: SentenceContext, tok: Any) -> Finding | None:
    """The whole sentence, credited to the object of "according to" ("according to the ministry")."""
    doc = sc.doc
    if not (tok.lower_ == "according" and tok.i + 1 < sc.sent.end and doc[tok.i + 1].lower_ == "to"):
        return None
    obj = next((c for c in doc[tok.i + 1].children if c.dep_ == "pobj"), None)
    if obj is None:
        return None
    name, key = resolve(obj, sc.ctx)
    clause = tok.head
    if clause.dep_ == "conj" and clause.pos_ in ("VERB", "AUX"):
        # "X was married to Y; but, according to her memoirs, also had ...": only the second clause is hers.
        lo = min(tok.idx, clause.left_edge.idx)
        hi = clause.right_edge.idx + len(clause.right_edge.text)
        return _finding(sc, max(lo, sc.start), min(hi, sc.end), name, key, "according_to", "according to")
    return _finding(sc, sc.start, sc.end, name, key, "according_to", "according to")


def _said_or_stated(sc: SentenceContext, tok: Any) -> Finding | None:
    """What a speech, finding or statement verb credits to its subject ("Maróth said", "a study found")."""
    how = _credit_verb(tok)
    if how is None:
        return None
    subj = subject_of(tok, passive=False)
    if subj is None or (tok.lower_ in WEAK_SPEECH and subj.pos_ not in ("PROPN", "PRON", "NOUN")):
        return None
    content = _content_of(tok)
    if tok.lower_ in _CLAUSE_ONLY and not _clausal(tok, content):
        return None
    # Words in quotation marks are a quote claim; credit only what the text says in its own voice.
    if not content or _only_quoted(content, sc.quoted):
        return None
    lo, hi = _credited_span(sc, tok, subj, content)
    name, key = resolve(subj, sc.ctx)
    return _finding(sc, lo, hi, name, key, how, tok.text)


def _credited_work(sc: SentenceContext, tok: Any) -> Finding | None:
    """The work a sentence credits to a person ("allowed him to innovate, giving rise to LLaMA")."""
    verb = tok.head
    if not (tok.lower_ == "rise" and tok.dep_ == "dobj" and verb.lower_ in _GIVE):
        return None
    work = next((c for c in verb.children if c.dep_ == "prep" and c.lower_ == "to"), None)
    subj = subject_of(verb, passive=False)
    if work is None or subj is None:
        return None
    name, key = resolve(subj, sc.ctx)
    if key != "speaker" or not name:
        return None  # "the environment gave rise to ..." credits no one
    end = work.right_edge.idx + len(work.right_edge.text)
    lo = max(min(subj.idx, verb.idx), sc.start)
    return _finding(sc, lo, min(end, sc.end), name, "credited", "credited_work", f"{verb.text} rise to")


def _clausal(tok: Any, content: list[Any]) -> bool:
    """Content that is a clause: a complement clause, a statement the verb tags, or an object that is the
    subject of a verb right after it ("maintained an impeachment inquiry is what ...", parsed as an object)."""
    for c in content:
        if c.dep_ in ("ccomp", "parataxis") or c.i == tok.head.i != tok.i:
            return True
        after = c.right_edge.i + 1
        if c.dep_ == "dobj" and after < len(c.doc) and c.doc[after].tag_ in ("VBZ", "VBD", "VBP", "MD"):
            return True
    return False


def _content_of(tok: Any) -> list[Any]:
    """What a verb credits: its clause, object or complement; for a tag after a statement, that statement."""
    content = [c for c in tok.children if c.dep_ in _CONTENT_DEPS or (c.dep_ == "prt" and c.lower_ == "out")]
    if tok.dep_ == "ccomp" or tok.dep_ == "parataxis":
        content.append(tok.head)  # "Already-queued orders won't leave idle capacity, Maróth said"
    return content


def _only_quoted(content: list[Any], quoted: list[tuple[int, int]]) -> bool:
    body = [c for c in content if c.dep_ in ("ccomp", "dobj", "xcomp")]
    return bool(body) and all(_inside(c.left_edge.idx, c.right_edge.idx + len(c.right_edge.text), quoted) for c in body)


def _credit_verb(tok: Any) -> str | None:
    """How a verb credits: "speech_verb" ('said', 'a study found'), "statement" ('issued a statement') or None."""
    speech = is_speech_verb(tok) or _finding_verb(tok)
    issue = tok.lower_ in _ISSUE_VERBS and any(c.dep_ == "dobj" and c.lower_ in _STATEMENT for c in tok.children)
    if issue:
        return "statement"
    return "speech_verb" if speech else None


def _credited_span(sc: SentenceContext, tok: Any, subj: Any, content: list[Any]) -> tuple[int, int]:
    """From the subject or the content, whichever comes first, to the end of the verb's content."""
    if tok.head.i != tok.i and tok.dep_ in ("ccomp", "parataxis"):
        return sc.start, sc.end  # the verb is a tag on a statement: the whole sentence is credited
    lo = min([subj.left_edge.idx, tok.idx] + [c.left_edge.idx for c in content if c.i != tok.head.i])
    hi = max(t.right_edge.idx + len(t.right_edge.text) for t in [tok, *content] if t.i >= sc.sent.start)
    return max(lo, sc.start), min(hi, sc.end)


def _interviews_with_outlet(sc: SentenceContext) -> list[Finding]:
    """An outlet credited with an interview ("remarks to the AFP news service", "conversation with the FT")."""
    out: list[Finding] = []
    for m in _TO_OUTLET.finditer(sc.text):
        outlet = m.group("outlet").strip()
        if outlet.lower() in ("the", "press", "he", "she", "they"):
            continue
        span = sc.doc.char_span(sc.start + m.start("outlet"), sc.start + m.end(), alignment_mode="expand")
        if span is not None and any(t.ent_type_ == "PERSON" for t in span) or sc.ctx.full_name(outlet) != outlet:
            continue  # an interview with a person names the interviewee, not an outlet
        cue = m.group(0)[: m.start("outlet") - m.start()].removesuffix("the ").strip()
        out.append(_finding(sc, sc.start + m.start(), sc.start + m.end(), outlet, "source", "outlet", cue))
    return out
