"""Quotes: direct speech in quotation marks, with the speaker resolved to a full name."""

from __future__ import annotations

import bisect
import re
from typing import Any

from .claims import Finding
from .context import Context, SentenceContext
from .speakers import is_speech_verb, resolve, subject_of

# A quotation longer than this is an unbalanced mark, not speech.
MAX_QUOTE = 3000
_OPENERS = "“„«"
_CLOSERS = "”»"
_MARKS = re.compile(r"[\"“”„«»]")
_NAMING = re.compile(
    r"\b(?:called|dubbed|named|titled|entitled|nicknamed|known as|so-called|term|terms|word|words|phrase|"
    r"labell?ed|branded|styled|as the|the name)\s*$",
    re.I,
)
_SIGNATURE = re.compile(r"[ \t]*[―—–][ \t]*(?P<name>[A-Z][\w.'’-]*(?:[ \t][A-Z][\w.'’-]*){1,4})[ \t]*(?:\n|$)")
_WORD = re.compile(r"[\w'’\[\]-]+")


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Spans of quoted text (inside the marks). Straight and curly marks pair alike; unclosed ones are dropped."""
    out: list[tuple[int, int]] = []
    open_at: int | None = None
    for m in _MARKS.finditer(text):
        i, c = m.start(), m.group()
        before = text[i - 1] if i else "\n"
        after = text[i + 1] if i + 1 < len(text) else " "
        if open_at is not None and "\n" in text[open_at:i]:
            open_at = None  # Quotations never run across a line break here: the earlier mark was never closed.
        if open_at is None:
            open_at = i if _opens(c, before, after) else None
        elif _closes(c, before, after):
            if 0 < i - open_at - 1 <= MAX_QUOTE:
                out.append((open_at + 1, i))
            open_at = None
        else:
            open_at = i  # a new opening mark: the earlier one was never closed
    return out


def _opener_context(before: str) -> bool:
    """A straight mark after a space or an opening bracket may open; after a word or a full stop, it closes."""
    return not before.isalnum() and before not in ".,!?"


def _opens(mark: str, before: str, after: str) -> bool:
    # A closing curly mark at a line's start opens a quotation all the same (a typo some pages carry).
    line_start = before == "\n" and mark == "”"
    return mark in _OPENERS or line_start or (mark == '"' and _opener_context(before) and not after.isspace())


def _closes(mark: str, before: str, after: str) -> bool:
    return mark in _CLOSERS or (mark == '"' and not (_opener_context(before) and after.isalnum()))


def _is_term(text: str, qs: int, qe: int, doc: Any) -> bool:
    """Quoted terms, names and nicknames ('outward investment', 'U.S. nationals') are not speech."""
    content = text[qs:qe]
    words = _WORD.findall(content)
    if len(words) <= 1:
        return True
    before = text[max(0, qs - 25) : qs - 1]
    if len(words) <= 5 and _NAMING.search(before):
        return True
    if len(words) <= 3:
        prev = doc.char_span(
            max(0, qs - 1 - len(before.split()[-1]) - 1) if before.split() else 0, qs - 1, alignment_mode="contract"
        )
        prev_tok = prev[-1] if prev is not None and len(prev) else None
        # Inside a noun phrase ("the Hungarian 'outward investment' strategy") it names a thing.
        if prev_tok is not None and prev_tok.pos_ in ("DET", "ADJ", "PROPN", "NUM") and prev_tok.dep_ not in ("nsubj",):
            return True
        if all(w[:1].isupper() or w[:1].isdigit() for w in words) and text[qe - 1 : qe] not in ".,!?":
            return len(words) <= 2
    return False


def _frame(sents: list[Any], qs: int, qe: int) -> list[Any]:
    """Tokens around a quotation, outside it, that may name its speaker: its sentence(s) and a tag after.

    `sents` are the document's sentences in order (Token.sent rescans the document on every call).
    """
    starts = [s.start_char for s in sents]
    i = max(0, bisect.bisect_right(starts, qs) - 1)
    j = max(i, bisect.bisect_right(starts, max(qs, qe - 1)) - 1)
    chosen = [sents[i]] if i == j else [sents[i], sents[j]]
    if j + 1 < len(sents):
        nxt = sents[j + 1]
        # '“…,” he stated' is sometimes parsed as a sentence of its own.
        if nxt[0].text[:1].islower() or (
            len(nxt) > 1 and nxt[0].lower_ in ("he", "she", "they") and is_speech_verb(nxt[1])
        ):
            chosen.append(nxt)
    return [t for s in chosen for t in s if not (qs - 1 <= t.idx < qe + 1)]


def _signed(text: str, qe: int, ctx: Context) -> str | None:
    """The name a quotation is signed with after a dash ('“... our greatest shame.” ― Sonya Herridge')."""
    m = _SIGNATURE.match(text, qe + 1)
    return ctx.full_name(m.group("name")) if m else None


def _speaker(sents: list[Any], qs: int, qe: int, ctx: Context) -> tuple[str | None, tuple[str, ...]]:
    outside = _frame(sents, qs, qe)
    speech = [t for t in outside if is_speech_verb(t)]
    roots = [t for t in outside if t.dep_ == "ROOT" and t.pos_ in ("VERB", "AUX")]
    name = _verb_subject(speech, qs, qe, ctx)
    if name:
        return name, ()
    for t in outside:
        if t.lower_ == "according" and t.i + 2 < len(t.doc):
            obj = next((c for c in t.doc[t.i + 1].children if c.dep_ == "pobj"), None)
            if obj is not None:
                name, _ = resolve(obj, ctx)
                if name:
                    return name, ()
    name = _verb_subject(roots, qs, qe, ctx)
    if name:
        return name, ()
    if not [t for t in outside if not t.is_punct] and ctx.last_speaker:
        return ctx.last_speaker, ("continued_quote",)
    return ctx.last_speaker, ("speaker_unknown",) if not ctx.last_speaker else ("speaker_guessed",)


def _verb_subject(verbs: list[Any], qs: int, qe: int, ctx: Context) -> str | None:
    """The resolved subject of the verb nearest the quotation."""
    for verb in sorted(verbs, key=lambda t: min(abs(t.idx - qs), abs(t.idx - qe))):
        subj = subject_of(verb)
        if subj is not None and not (qs <= subj.idx < qe):
            name, _key = resolve(subj, ctx)
            if name:
                return name
    return None


def find_quotes(sc: SentenceContext) -> list[Finding]:
    """Quote claims for quotations that open in this sentence."""
    text = sc.doc_text
    out: list[Finding] = []
    for qs, qe in sc.quoted:
        # Each quotation is read once: in the sentence holding its opening mark.
        if not (sc.start <= max(qs - 1, 0) < sc.end):
            continue
        if _is_term(text, qs, qe, sc.doc):
            continue
        signed = _signed(text, qe, sc.ctx)
        speaker, features = (signed, ()) if signed else _speaker(sc.sents, qs, qe, sc.ctx)
        words = text[qs:qe].strip()
        norm: dict[str, Any] = {"speaker": speaker, "words": " ".join(words.split())}
        if speaker:
            sc.ctx.last_speaker = speaker
        if len(_WORD.findall(words)) <= 3:
            features += ("short_quote",)
        out.append(Finding("quote", sc.base + qs, sc.base + qe, norm, ("quote", *features)))
    return out
