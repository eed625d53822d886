"""Facts: which sentences are checkable statements of their own."""

from __future__ import annotations

import pytest

from .conftest import of_type

pytestmark = pytest.mark.model


def test_a_rule_about_named_things_is_a_fact_though_worded_with_must_or_could(claims_of) -> None:  # type: ignore[no-untyped-def]
    for text in (
        "Under the new budget, the Riverton City Council must publish its spending every quarter.",
        "Drivers who ignore the ban could be fined under the Road Traffic Act.",
    ):
        assert [c.text for c in of_type(claims_of(text), "fact")] == [text.rstrip(".")], text


def test_speculation_about_no_one_named_is_still_no_fact(claims_of) -> None:  # type: ignore[no-untyped-def]
    assert not of_type(claims_of("Prices could rise sharply again after the summer holidays."), "fact")


def test_a_sentence_the_parser_hangs_on_a_noun_is_still_a_fact(claims_of) -> None:  # type: ignore[no-untyped-def]
    text = "The new measure would except very young children, disabled people, and pensioners over 80."
    assert [c.text for c in of_type(claims_of(text), "fact")] == [text.rstrip(".")]


def test_the_clause_before_an_attribution_is_a_fact_without_its_conjunction(claims_of) -> None:  # type: ignore[no-untyped-def]
    text = "Police arrested the driver at the scene in Halden, and his lawyer denied the charges on Friday."
    assert [c.text for c in of_type(claims_of(text), "fact")] == ["Police arrested the driver at the scene in Halden"]
