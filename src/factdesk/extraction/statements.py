"""One claim per checkable statement: a sentence's fact folded into the quote or attribution that states it.

A checker gives each claim a verdict, so one statement must never come out as two claims: an attribution
carries the entities and figures of its sentence as facets, a quote stands for its sentence, and an
attribution that only restates a quotation gives way to the quote. Typed claims (dates, money, quantities,
roles) are not statements of their own and are never folded: each has a value to check.
"""

from __future__ import annotations

import re

from .claims import Finding
from .spans import TRAILING

_SPEECH = ("quote", "attribution")
_FIGURES = ("money", "quantity", "date")
# Features of a folded fact that still say why its statement is worth checking.
_CARRIED = ("superlative", "named_entity", "in_title")
# What is left of a sentence beside its attribution is a fact of its own only if it says this much.
_MIN_REST_WORDS = 6
# What an attribution's content must say to be a fact of its own beside it ("prices rose" is not enough).
_MIN_CONTENT_WORDS = 4
_ACCORDING = re.compile(r"\baccording to\b")
_THAT = re.compile(r"^(?:that|whether)\s+", re.I)
# Characters between a quotation's last word and its tag: the closing mark, a comma, a space.
_TAG_GAP = 4
_WORDS = re.compile(r"[^\W\d_]{2,}")
_EDGE = " \t\n,;:—–-\"“”'‘’("
# A conjunction left at the end of a stretch that a second clause's attribution cut off ("... power, and").
_TRAILING_AND = re.compile(r"[\s,;]+(?:and|but|or|while)$", re.I)


def _overlap(a: Finding, b: Finding) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def _restates_quote(attr: Finding, quotes: list[Finding], piece: str, base: int) -> bool:
    """An attribution that starts inside a quotation or in the tag right after it ('...housing," Ortiz
    said', '...," he stated, highlighting ...'): the quote already states it, with its speaker."""
    for q in quotes:
        if q.start <= attr.start <= q.end:
            return True
        gap = piece[q.end - base - 1 : attr.start - base]  # the quotation's last character on
        if 0 < attr.start - q.end <= _TAG_GAP and not any(ch in gap for ch in ".!?"):
            return True
    return False


def _longest_gap(start: int, end: int, cuts: list[tuple[int, int]]) -> tuple[int, int]:
    """The longest stretch of start..end that none of `cuts` (sorted by start) covers."""
    pos, best = start, (start, start)
    for lo, hi in [*cuts, (end, end)]:
        if lo - pos > best[1] - best[0]:
            best = (pos, lo)
        pos = max(pos, hi)
    return best


def _rest(fact: Finding, hosts: list[Finding], piece: str, base: int) -> tuple[int, int] | None:
    """The longest stretch of a fact's sentence that no attribution or quote states, if it is a statement
    of its own ("Vanderbilt was married to ...; but, according to her memoirs, ...").

    After a quotation comes its tag and the writer's gloss on it ('..., he stated, highlighting ...'), part
    of the quote's statement: with a quote in the sentence only the stretch before the first one counts.
    """
    cuts = sorted((max(h.start, fact.start), min(h.end, fact.end)) for h in hosts)
    if any(h.type == "quote" for h in hosts):
        cuts = [cuts[0], (cuts[0][0], fact.end)]
    best = _longest_gap(fact.start, fact.end, cuts)
    text = piece[best[0] - base : best[1] - base]
    if len(_WORDS.findall(text)) < _MIN_REST_WORDS:
        return None
    lead = len(text) - len(text.lstrip(_EDGE))
    body = _TRAILING_AND.sub("", text.rstrip(_EDGE))
    return best[0] + lead, best[0] + len(body.rstrip(_EDGE))


def _credits(attr: Finding, piece: str, base: int) -> list[tuple[int, int]]:
    """Where an attribution names its cue and its source or speaker ("According to", "the WHO"; "The New
    York Times", "reported") inside its span; none when the text names neither (a speaker read from "he")."""
    text = piece[attr.start - base : attr.end - base].lower()
    found = []
    for key in ("cue", "source", "speaker"):
        words = str(attr.normalized.get(key) or "").lower()
        if words:  # every time: "announced his death and announced the cause"
            found += [(attr.start + m.start(), attr.start + m.end()) for m in re.finditer(re.escape(words), text)]
    # A second cue the attribution did not keep as its own ("..., according to NBC" after a stance verb).
    found += [(attr.start + m.start(), attr.start + m.end()) for m in _ACCORDING.finditer(text)]
    return found


def _attributed(fact: Finding, hosts: list[Finding], piece: str, base: int) -> tuple[int, int] | None:
    """What an attribution's sentence says, without who says it: the fact a checker checks beside the
    attribution ("the number of cases ... exceeded" beside "According to the WHO"). Both are claims: the one
    asks whether the source said it, the other whether it is so. None beside a quote (which stands for its
    sentence) or when the rest is too short to state anything."""
    if any(h.type == "quote" for h in hosts):
        return None
    credits = [span for h in hosts for span in _credits(h, piece, base)]
    if not credits:
        return None
    best = _longest_gap(fact.start, fact.end, sorted(credits))
    text = piece[best[0] - base : best[1] - base]
    core = _THAT.sub("", text.strip(_EDGE))
    if len(_WORDS.findall(core)) < _MIN_CONTENT_WORDS:
        return None
    start = best[0] + text.find(core)
    return start, start + len(core.rstrip(_EDGE + "."))


def _bare(f: Finding, piece: str, base: int) -> tuple[int, int]:
    """A finding's span without its trailing punctuation, as its claim will have it (spans.py trims it)."""
    end = f.end
    while end > f.start + 1 and piece[end - base - 1] in TRAILING:
        end -= 1
    return f.start, end


def _merge_into(keep: Finding, other: Finding) -> None:
    """Two attributions of one span ('According to X, ...' read by two cues): one claim, values of both."""
    for key, value in other.normalized.items():
        keep.normalized.setdefault(key, value)
    keep.features += tuple(f for f in other.features if f not in keep.features and f != "speaker_unknown")
    if keep.normalized.get("speaker") or keep.normalized.get("source"):
        keep.features = tuple(f for f in keep.features if f != "speaker_unknown")


def fold(findings: list[Finding], piece: str, base: int) -> list[Finding]:
    """The findings of one piece (its text, at offset `base`) with every statement stated once.

    Attributions gain `entities` and `figures` facets from their sentence (see the module docstring).
    """
    quotes = [f for f in findings if f.type == "quote"]
    attrs = _attributions(findings, quotes, piece, base)
    facts = _facts(findings, [*attrs, *quotes], piece, base)
    figures = [f for f in findings if f.type in _FIGURES]
    entities = [(fact, fact.normalized.get("entities", [])) for fact in findings if fact.type == "fact"]
    for a in attrs:
        _add_facets(
            a, [piece[f.start - base : f.end - base] for f in figures if a.start <= f.start < f.end <= a.end], entities
        )
    others = [f for f in findings if f.type not in (*_SPEECH, "fact")]
    return others + quotes + attrs + facts


def _attributions(findings: list[Finding], quotes: list[Finding], piece: str, base: int) -> list[Finding]:
    """The attributions that are statements of their own: none that a quote states, one per span."""
    attrs: list[Finding] = []
    for a in sorted((f for f in findings if f.type == "attribution"), key=lambda f: (f.start, f.end)):
        if _restates_quote(a, quotes, piece, base):
            continue
        same = next((k for k in attrs if _bare(k, piece, base) == _bare(a, piece, base)), None)
        if same is not None:
            _merge_into(same, a)
        else:
            attrs.append(a)
    return attrs


def _facts(findings: list[Finding], speech: list[Finding], piece: str, base: int) -> list[Finding]:
    """The facts no quote or attribution states, each narrowed to what it says beside them; a fact wholly
    stated by them lends them its features instead."""
    facts = []
    for fact in (f for f in findings if f.type == "fact"):
        hosts = [s for s in speech if _overlap(s, fact)]
        if not hosts:
            facts.append(fact)
            continue
        rest = _rest(fact, hosts, piece, base) or _attributed(fact, hosts, piece, base)
        if rest is not None:
            fact.start, fact.end = rest
            facts.append(fact)
            continue
        for host in hosts:
            host.features += tuple(f for f in fact.features if f in _CARRIED and f not in host.features)
    return facts


def _add_facets(attr: Finding, figures: list[str], entities: list[tuple[Finding, list[str]]]) -> None:
    """The entities and figures an attribution's content names, so its one claim shows what to check."""
    content = str(attr.normalized.get("content", ""))
    # The speaker is a facet of its own, not one of the things the statement is about.
    credited = " ".join(str(attr.normalized.get(k, "")) for k in ("speaker", "source", "credited")).lower()
    names = sorted(
        {
            e
            for fact, ents in entities
            if _overlap(fact, attr)
            for e in ents
            if e in content and e.lower() not in credited
        }
    )
    if names:
        attr.normalized["entities"] = names
    if figures:
        attr.normalized["figures"] = figures
