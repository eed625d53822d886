"""Who is speaking: speech verbs, their subjects, and pronouns or short names resolved to full names."""

from __future__ import annotations

from typing import Any

from .context import Context
from .lexicon import word_set

# Verbs that credit words or claims to someone, in the forms news copy uses them.
SPEECH_VERBS = word_set(
    """forecast forecasts say says said saying state states stated tell tells told note notes noted add
    adds added remark remarks remarked observe observes observed announce announces announced write
    writes wrote written tweet tweets tweeted explain explains explained caution cautions cautioned
    emphasize emphasizes emphasized emphasise emphasised argue argues argued claim claims claimed accuse
    accuses accused acknowledge acknowledges acknowledged admit admits admitted reveal reveals revealed
    report reports reported insist insists insisted maintain maintains maintained predict predicts
    predicted warn warns warned point points pointed confirm confirms confirmed deny denies denied
    allege alleges alleged estimate estimates estimated specify specifies specified read reads declare
    declares declared testify testified contend contends contended assert asserts asserted stress
    stresses stressed concede conceded conclude concludes concluded reply replied respond responded
    recall recalled describe describes described characterize characterized characterise characterised
    call calls called suggest suggests suggested disclose disclosed"""
) | word_set(
    # The progressive, as running copy has it ("Trump is warning that ..."), where attributions.STANCE_VERBS
    # does not already read it ("revealing", "arguing"); and "continued" as a tag ('..., he continued').
    """telling noting adding remarking writing tweeting cautioning claiming reporting maintaining warning
    confirming denying declaring testifying contending asserting concluding replying calling pointing
    continued"""
)
# Speech verbs that also name or describe things; they credit a speaker only with a subject.
WEAK_SPEECH = frozenset(
    {
        "call",
        "calls",
        "called",
        "calling",
        "describe",
        "describes",
        "described",
        "read",
        "reads",
        "characterize",
        "characterized",
        "characterise",
        "characterised",
        "post",
        "posted",
    }
)
PRONOUNS = frozenset({"he", "she", "they", "i", "we", "him", "her", "them"})
_POSSESSIVE = frozenset({"his", "her", "their", "its"})
_STATEMENT_NOUNS = frozenset(
    {
        "statement",
        "tweet",
        "post",
        "letter",
        "announcement",
        "release",
        "message",
        "note",
        "memo",
        "ruling",
        "decision",
        "report",
        "remarks",
        "comments",
        "speech",
        "update",
    }
)
_DETS = ("the ", "a ", "an ")
# Entity types of a proper-noun subject that is not a person.
_NOT_PEOPLE = frozenset({"ORG", "GPE", "NORP", "FAC", "PRODUCT", "WORK_OF_ART", "LAW"})
# Words that make a name an organisation's, whatever the entity recogniser thought.
ORG_WORDS = word_set(
    """group company firm corporation corp inc ltd llc plc agency union bank ministry department office
    council committee board court service services association institute university college school
    newspaper times post journal news network party government freight airlines airways motors holdings
    partners foundation fund commission authority organization organisation reuters press"""
)


def looks_like_org(tok: Any) -> bool:
    """A subject that names an organisation: an acronym, an org word in the name, or 'X, the group'.

    Only the name itself counts: "Union spokesman Pieter de Vries" is a person.
    """
    if tok.text.isupper() and len(tok.text) > 1:
        return True
    doc = tok.doc
    i = tok.i
    while i > 0 and (doc[i - 1].text[:1].isupper() or doc[i - 1].lower_ in ("de", "van", "von", "di", "da")):
        if doc[i - 1].pos_ not in ("PROPN", "ADP", "X") and not doc[i - 1].ent_type_:
            break
        i -= 1
    if any(t.lower_ in ORG_WORDS for t in doc[i : tok.i + 1]):
        return True
    return any(c.dep_ == "appos" and c.lower_ in ORG_WORDS for c in tok.children)


def is_speech_verb(tok: Any) -> bool:
    return tok.lower_ in SPEECH_VERBS and tok.pos_ in ("VERB", "AUX")


def subject_of(verb: Any, passive: bool = True) -> Any | None:
    """The verb's grammatical subject, climbing through conjunctions and relative clauses.

    With passive=False a passive subject ("Residents were told") is not a speaker and gives None.
    """
    for _ in range(3):
        for child in verb.children:
            if child.dep_ == "nsubjpass" and not passive:
                return None
            if child.dep_ in ("nsubj", "nsubjpass"):
                if child.lower_ in ("who", "which", "that") and verb.dep_ == "relcl":
                    return verb.head
                return child
        if verb.dep_ in ("conj", "xcomp", "advcl") and verb.head.i != verb.i:
            verb = verb.head
        else:
            break
    if verb.dep_ == "relcl":
        return verb.head
    return None


def person_in(tok: Any) -> str | None:
    """The full person name a subject token heads ('Cooper' in 'her son Anderson Cooper')."""
    if tok.ent_type_ == "PERSON":
        doc = tok.doc
        i, j = tok.i, tok.i + 1
        while i > 0 and doc[i - 1].ent_type_ == "PERSON" and doc[i - 1].ent_iob_ != "O" and tok.ent_iob_ != "B":
            i -= 1
        while j < len(doc) and doc[j].ent_type_ == "PERSON" and doc[j].ent_iob_ == "I":
            j += 1
        name = doc[i:j].text
        return name[:-2] if name.endswith(("'s", "’s")) else name
    for t in tok.subtree:
        # "Zuckerberg's ambitions" are not Zuckerberg: possessives never name the subject.
        if t.ent_type_ == "PERSON" and t.dep_ in ("appos", "compound", "nsubj") and t.head.i == tok.i:
            return person_in(t)
    return None


def resolve(tok: Any, ctx: Context) -> tuple[str | None, str]:
    """A subject token -> (name, key) where key is 'speaker' for a person, 'source' for anything else."""
    if tok.lower_ in PRONOUNS or tok.lower_ == "his":  # "his criticism of the deal" is a person's
        return (ctx.last_person, "speaker") if ctx.last_person else (None, "speaker")
    name = _named_person(tok, ctx)
    if name is not None:
        return name, "speaker"
    words = [t for t in tok.subtree if t.i >= tok.i - 8]
    first = words[0].lower_ if words else ""
    name = _person_referred_to(tok, first, ctx)
    if name is not None:
        return name, "speaker"
    return _subject_phrase(tok, words, ctx)


def _named_person(tok: Any, ctx: Context) -> str | None:
    """The full name of a person the subject names ('Anderson Cooper', or 'LeCun' once named in full)."""
    if looks_like_org(tok):
        return None
    name = person_in(tok)
    if name:
        return ctx.full_name(name)
    if tok.pos_ == "PROPN" and ctx.full_name(tok.text) != tok.text:
        return ctx.full_name(tok.text)
    return None


def _person_referred_to(tok: Any, first: str, ctx: Context) -> str | None:
    """The person a subject points back to: "his statement" -> the last speaker, "the commissioner" -> its holder."""
    if first in _POSSESSIVE and tok.lower_ in _STATEMENT_NOUNS and ctx.last_speaker:
        return ctx.last_speaker
    # "the commissioner" after "Gáspár Maróth, the Hungarian Government commissioner"
    if first == "the" and tok.lower_ in ctx.roles:
        return ctx.roles[tok.lower_]
    return None


def _subject_phrase(tok: Any, words: list[Any], ctx: Context) -> tuple[str | None, str]:
    """The subject phrase itself ('the health ministry'): a source, or a speaker if it is a person's name."""
    # The subject phrase without a trailing relative clause or apposition.
    stop = next(
        (t.i for t in tok.subtree if t.i > tok.i and (t.dep_ in ("relcl", "appos", "acl") or t.text in ",(")), None
    )
    span = tok.doc[words[0].i if words else tok.i : stop if stop else tok.right_edge.i + 1]
    text = span.text.strip()
    for det in _DETS:
        if text.lower().startswith(det):
            text = text[len(det) :]
    if not text:
        return None, "source"
    text = ctx.acronyms.get(text, text)
    if tok.pos_ == "PROPN" and tok.ent_type_ not in _NOT_PEOPLE and not looks_like_org(tok):
        return ctx.full_name(text), "speaker"
    return text, "source"


def track_subjects(sent: Any, ctx: Context) -> None:
    """Remember the sentence's main person subject, so a later 'he said' finds its speaker."""
    for tok in sent:
        if tok.dep_ in ("nsubj", "nsubjpass") and tok.lower_ not in PRONOUNS:
            name = person_in(tok)
            if name is None and tok.pos_ == "PROPN" and ctx.full_name(tok.text) != tok.text:
                name = tok.text
            if name:
                ctx.last_person = ctx.full_name(name)
                return
