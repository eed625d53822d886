"""People's names in a parsed sentence: where a name starts and ends, read token by token."""

from __future__ import annotations

from typing import Any

from .context import Context

# Small words inside names ("Leonardo da Vinci", "Ludwig van Beethoven").
NAME_PARTICLES = frozenset({"di", "de", "da", "van", "von", "der", "den", "del", "la", "le", "bin", "al", "ibn", "st."})
_QUOTES = ('"', "“", "”", "'")


def is_name_token(tok: Any, not_names: frozenset[str]) -> bool:
    """A capitalised proper noun or a person entity's word, unless it is one of `not_names` (titles)."""
    t = tok.text
    return (tok.pos_ == "PROPN" or tok.ent_type_ == "PERSON") and t[:1].isupper() and t.lower() not in not_names


def hyphen_joined(doc: Any, j: int, limit: int) -> bool:
    """Whether tokens j, j+1 are '-' and a word written without spaces after a name word ('Won-soon')."""
    return (
        j + 1 < limit
        and doc[j].text == "-"
        and not doc[j - 1].whitespace_
        and not doc[j].whitespace_
        and doc[j + 1].is_alpha
    )


def name_after(
    doc: Any, i: int, limit: int, not_names: frozenset[str], strict: bool = True
) -> tuple[int, int, str] | None:
    """A person's name starting at token i: capitalised proper nouns, particles, hyphenated parts
    ('Mir-Mohammadi'), a quoted nickname (skipped). Strict: not a name the parser took for a place or an
    organisation."""
    j, parts = i, list[str]()
    while j < limit and len(parts) < 6:
        tok = doc[j]
        if is_name_token(tok, not_names) or (
            parts and tok.lower_ in NAME_PARTICLES and j + 1 < limit and doc[j + 1].text[:1].isupper()
        ):
            parts.append(tok.text)
            j += 1
        elif parts and hyphen_joined(doc, j, limit):
            parts[-1] += "-" + doc[j + 1].text
            j += 2
        elif parts and tok.text in _QUOTES and j + 3 < limit and doc[j + 2].text in _QUOTES:
            j += 3  # talent agent Pasquale "Pat" Di Cicco: the nickname is not the name
        else:
            break
    if not parts or strict and doc[j - 1].ent_type_ in ("GPE", "ORG", "NORP") and doc[i].ent_type_ != "PERSON":
        return None
    return i, j, " ".join(parts)


def name_before(doc: Any, end: int, floor: int, ctx: Context, not_names: frozenset[str]) -> tuple[int, int, str] | None:
    """A person's name ending just before token `end` (one word only if known as a person's)."""
    j = end
    while j > floor:
        if is_name_token(doc[j - 1], not_names) or doc[j - 1].lower_ in NAME_PARTICLES and j - 1 > floor:
            j -= 1
        elif j - 1 > floor and hyphen_joined(doc, j - 1, end) and doc[j - 2].text[:1].isupper():
            j -= 1  # the hyphen of "Mir-Mohammadi"; "Mir" is read next
        elif j - 2 > floor and hyphen_joined(doc, j - 2, end) and doc[j - 3].text[:1].isupper():
            j -= 2  # "-soon" of "Won-soon"; "Won" is read next
        else:
            break
    if j == end:
        return None
    text = doc[j:end].text
    known = ctx.full_name(text) != text
    if not any(t.ent_type_ == "PERSON" for t in doc[j:end]) and end - j < 2 and not known:
        return None
    return j, end, _joined(doc, j, end)


def _joined(doc: Any, start: int, end: int) -> str:
    """The name's words with single spaces, hyphenated parts kept together."""
    return "".join(t.text + (" " if t.whitespace_ else "") for t in doc[start:end]).strip()
