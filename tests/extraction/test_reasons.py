"""Reasons say what makes a claim worth checking, in a checker's words, never just the claim's type."""

from __future__ import annotations

import pytest

from factdesk.extraction.claims import Finding
from factdesk.extraction.scoring import score

from .conftest import of_type

CASES = [
    (
        Finding("role", 0, 9, {"person": "Yann LeCun", "role": "chief AI strategist", "org": "Meta", "former": True}),
        "names a former title at an organisation",
    ),
    (
        Finding("role", 0, 9, {"person": "Alexander Wang", "role": "head", "org": "Scale AI"}),
        "names a title at an organisation",
    ),
    (
        Finding("money", 0, 9, {"amount": 14e9, "currency": "USD", "scale": "billion"}, ("money",)),
        "a money figure with a scale word",
    ),
    (Finding("fact", 0, 9, {"entities": []}, ("fact", "superlative")), "a superlative or a record"),
    (
        Finding("attribution", 0, 9, {"speaker": "Mary Holt", "cue": "said"}, ("attribution", "speech_verb")),
        "reported speech with a named source",
    ),
    (
        Finding("attribution", 0, 9, {"speaker": "John Kasich", "cue": "hopes"}, ("attribution", "stance")),
        "a position credited to a named person or group",
    ),
    (
        Finding("quote", 0, 9, {"speaker": "Yann LeCun", "words": "..."}, ("quote",)),
        "direct speech with a named speaker",
    ),
    (Finding("quantity", 0, 9, {"value": 41.5, "unit": "percent"}, ("quantity", "statistic")), "a percentage or rate"),
]


@pytest.mark.parametrize(("finding", "reason"), CASES, ids=lambda c: getattr(c, "type", None))
def test_reasons_name_what_makes_the_claim_worth_checking(finding: Finding, reason: str) -> None:
    _value, reasons = score(finding, "", 0.0)
    assert reason in reasons
    assert not any(r.endswith(" claim") for r in reasons)


def test_every_claim_has_a_reason_and_ties_are_ordered_by_name() -> None:
    bare = score(Finding("date", 0, 4, {"year": 2019}), "", 0.0)[1]
    assert bare == ("a date",)
    both = Finding("fact", 0, 9, {}, ("fact", "named_entity", "in_title"))
    assert score(both, "", 0.0)[1] == ("in the headline", "names a person or organisation")


@pytest.mark.model
def test_a_hedge_weakens_a_claim_only_before_it(claims_of) -> None:  # type: ignore[no-untyped-def]
    later = of_type(claims_of("The $14 billion investment in Scale AI may become irrelevant."), "money")
    before = of_type(claims_of("Meta may have paid $14 billion for the stake."), "money")
    assert "hedged or speculative wording" not in later[0].reasons
    assert "hedged or speculative wording" in before[0].reasons
    assert before[0].score < later[0].score


def test_a_sentence_worded_like_checkers_picks_says_so_and_scores_higher() -> None:
    finding = Finding("fact", 0, 10, {"entities": ["Ohio"]}, ("named_entity",))
    low_value, low_reasons = score(finding, "", 0.1)
    high_value, high_reasons = score(finding, "", 0.9)
    assert high_value > low_value
    assert "worded like the statements fact-checkers pick" in high_reasons
    assert "worded like the statements fact-checkers pick" not in low_reasons
