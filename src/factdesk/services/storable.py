"""Text a database can store, checked where text comes in, so that nothing is accepted and then fails.

Two things valid in JSON and in a Python str cannot be stored: a NUL character (PostgreSQL's text type
refuses it) and half of a surrogate pair, which JSON's \\ud800 escapes can carry but UTF-8 cannot encode
(json.loads joins whole pairs, so any surrogate left in a str is a half). Refused at the door they are a
422 naming the field; let through, a REST submit failed with a 500, and a CMS save taken into the inbox
failed again on every drain.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .errors import Invalid

PROBLEM = "contains a NUL character or half of a surrogate pair, which cannot be stored"


def storable(text: str) -> bool:
    if "\x00" in text:
        return False
    if text.isascii():  # the common case, and a quick one: no surrogate can be in it
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_storable(fields: Mapping[str, object]) -> None:
    """Raise Invalid naming each str field that cannot be stored; other values are not looked at."""
    bad = sorted(name for name, value in fields.items() if isinstance(value, str) and not storable(value))
    if bad:
        raise Invalid(f"{', '.join(bad)} {PROBLEM}", details={name: [PROBLEM] for name in bad})


def unstorable_names(pairs: Iterable[tuple[str, str]]) -> list[str]:
    """The names, sorted, of the (name, text) pairs (a query string's, a form's) either of which cannot be stored."""
    return sorted({name for name, text in pairs if not (storable(name) and storable(text))})
