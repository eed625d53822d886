"""Claims as a whole: structure, fingerprints, duplicate merging, JSON shape, the table, hostile input."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest

from factdesk.extraction import Claim, extract, render_table

from .conftest import of_type

DRAFT = (
    "Council backs budget\n\nThursday, November 7, 2019\n\nBy Jane Smith\n\n"
    "The council voted 7-2 on Tuesday to raise the budget by 4.2%, to $1.3 billion.\n\n"
    "What happens next\n\nThe mayor said the $1.3 billion budget was the largest since 2009.\n\n"
    "Add Row\nAdd\nWrite A Comment\nShare\nAdvertisement"
)


def test_importing_the_package_does_not_load_spacy() -> None:
    code = "import sys, factdesk.extraction; sys.exit('spacy' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


@pytest.mark.model
def test_headings_datelines_bylines_and_furniture_yield_no_claims(nlp) -> None:  # type: ignore[no-untyped-def]
    result = extract(DRAFT, nlp=nlp)
    for line in ("Thursday, November 7, 2019", "By Jane Smith", "What happens next", "Add Row", "Write A Comment"):
        i = result.text.index(line)
        assert not [c for c in result.claims if any(s < i + len(line) and i < e for s, e in c.spans)], line


@pytest.mark.model
def test_the_dateline_is_the_reference_date_when_none_is_given(nlp) -> None:  # type: ignore[no-untyped-def]
    (tuesday,) = [c for c in of_type(extract(DRAFT, nlp=nlp).claims, "date") if c.text == "Tuesday"]
    assert tuesday.normalized["date"] == "2019-11-05"


@pytest.mark.model
def test_spans_are_exact_and_claims_in_text_order(nlp) -> None:  # type: ignore[no-untyped-def]
    result = extract(DRAFT, nlp=nlp)
    assert [c.start for c in result.claims] == sorted(c.start for c in result.claims)
    for c in result.claims:
        assert result.text[c.start : c.end] == c.text
        assert 0 <= c.score <= 1 and c.reasons
        assert c.sentence and c.text in result.text


@pytest.mark.model
def test_the_same_figure_stated_twice_is_one_claim_with_two_spans(nlp) -> None:  # type: ignore[no-untyped-def]
    money = of_type(extract(DRAFT, nlp=nlp).claims, "money")
    assert len(money) == 1 and len(money[0].spans) == 2
    assert len({c.fingerprint for c in extract(DRAFT, nlp=nlp).claims}) == len(extract(DRAFT, nlp=nlp).claims)


@pytest.mark.model
def test_fingerprints_survive_moved_text_and_change_with_a_figure(nlp) -> None:  # type: ignore[no-untyped-def]
    before = {c.text: c.fingerprint for c in extract(DRAFT, nlp=nlp).claims if c.type == "quantity"}
    moved = DRAFT.replace("\n\nBy Jane Smith", "\n\nBy Jane Smith\n\nA new opening paragraph was added here.")
    after = {c.text: c.fingerprint for c in extract(moved, nlp=nlp).claims if c.type == "quantity"}
    assert before == after
    changed = {
        c.text: c.fingerprint for c in extract(DRAFT.replace("4.2%", "4.3%"), nlp=nlp).claims if c.type == "quantity"
    }
    assert changed["4.3%"] != before["4.2%"]
    assert changed["7-2"] == before["7-2"]
    assert all(len(fp) == 64 and int(fp, 16) >= 0 for fp in before.values())


@pytest.mark.model
def test_html_input_spans_refer_to_the_normalised_text(nlp) -> None:  # type: ignore[no-untyped-def]
    html = (
        "<p>The city council voted 7-2 on Tuesday to raise the 2027 budget by 4.2%, to $1.3 billion.</p>"
        "<p>Unemployment in the city fell to 3.1% last year, according to the mayor.</p>"
    )
    result = extract(html, fmt="html", title="Council approves 4.2% budget increase", nlp=nlp)
    assert result.text.startswith("Council approves 4.2% budget increase\n\nThe city council")
    assert all(result.text[c.start : c.end] == c.text for c in result.claims)
    assert {c.text for c in of_type(result.claims, "money")} == {"$1.3 billion"}


@pytest.mark.model
def test_to_dict_and_render_table(nlp) -> None:  # type: ignore[no-untyped-def]
    claims = extract(DRAFT, nlp=nlp).claims
    d = claims[0].to_dict()
    assert set(d) == {
        "type",
        "start",
        "end",
        "spans",
        "text",
        "sentence",
        "normalized",
        "score",
        "reasons",
        "fingerprint",
    }
    assert d["spans"][0] == [d["start"], d["end"]]
    table = render_table(claims)
    assert "type" in table.splitlines()[0] and "money" in table
    assert "(no claims)" in render_table([])
    assert isinstance(claims[0], Claim)


_RNG = random.Random(7)
HOSTILE = {
    "one megabyte article": ("The council voted 7-2 on Tuesday to spend $1.3 billion, the mayor said. " * 14_000)[
        :1_000_000
    ],
    "20,000 characters without punctuation": " ".join(f"word{i % 97}" for i in range(4000))[:20_000],
    "emoji only": "\U0001f600\U0001f389\U0001f525" * 3000,
    "right-to-left scripts": "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645 2019. " * 500
    + "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd " * 500,
    "control characters": "".join(chr(_RNG.randrange(0, 32)) if i % 5 == 0 else "a1 " for i in range(20_000)),
    "unbalanced quotes": 'He said "this never closes and goes on ' * 400 + '\u201c \u201d " \u201c \u2018 ' * 400,
    "table of 5,000 numbers": "\n".join(
        " | ".join(str(_RNG.randint(0, 99_999)) for _ in range(10)) for _ in range(500)
    ),
}


# Tens of seconds to minutes each (pytest --durations); they still run by default and in CI.
SLOW = {"one megabyte article", "control characters"}


@pytest.mark.model
@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n for n in HOSTILE])
def test_hostile_input_returns_with_exact_spans(name: str, nlp) -> None:  # type: ignore[no-untyped-def]
    for fmt in ("text", "html", "markdown") if len(HOSTILE[name]) < 100_000 else ("text",):
        result = extract(HOSTILE[name], fmt=fmt, nlp=nlp)
        for c in result.claims:
            assert all(0 <= s < e <= len(result.text) for s, e in c.spans)
            assert result.text[c.start : c.end] == c.text
