"""The fact memory's rules without a database: which claims share a match key, shelf lives, their settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from factdesk.config import ConfigError, Settings
from factdesk.domain.actors import Actor
from factdesk.domain.memory import (
    DEFAULT_SHELF_LIFE_DAYS,
    is_stale,
    match_key,
    may_see_match,
    shelf_life,
    subject_words,
)

WANG = {"person": "Alexandr Wang", "role": "co-founder", "org": "Scale AI", "former": False}


def key(type_: str, values: dict, text: str, sentence: str) -> str:  # type: ignore[type-arg]
    return match_key(type_, values, sentence=sentence, text=text)


def test_the_same_values_in_other_words_share_a_key() -> None:
    assert key("role", WANG, "Alexandr Wang, co-founder of Scale AI", "Alexandr Wang, co-founder of Scale AI, said.") \
        == key("role", {**WANG, "org": "scale ai"}, "Scale AI co-founder Alexandr Wang", "Meta hired him.")
    money = {"amount": 14_000_000_000, "currency": "USD", "scale": "billion"}
    assert key("money", money, "$14 billion", "Meta made a $14 billion investment in Scale AI.") \
        == key("money", {**money, "amount": 14e9, "scale": "bn"}, "$14bn", "Scale AI's $14bn came from Meta.")
    quote = {"speaker": "Yann LeCun", "words": "When you do this, you fall behind,"}
    assert key("quote", quote, "x", "x") == key("quote", {**quote, "words": "“When you do this you fall behind.”"},
                                                 "y", "y")


@pytest.mark.parametrize(("type_", "values", "changed"), [
    ("role", WANG, {"role": "chief executive"}),
    ("role", WANG, {"former": True}),
    ("money", {"amount": 14e9, "currency": "USD"}, {"amount": 15e9}),
    ("money", {"amount": 14e9, "currency": "USD"}, {"currency": "EUR"}),
    ("date", {"date": "2025-11", "event": "departure"}, {"date": "2025-12"}),
    ("date", {"date": "2025-11", "event": "departure"}, {"event": "appointment"}),
    ("quote", {"speaker": "Yann LeCun", "words": "you fall behind"}, {"speaker": "Mark Zuckerberg"}),
    ("attribution", {"source": "Financial Times", "content": "he left"}, {"content": "he stayed"}),
])
def test_a_changed_value_is_another_claim(type_: str, values: dict, changed: dict) -> None:  # type: ignore[type-arg]
    sentence = "Meta said so."
    assert key(type_, values, "t", sentence) != key(type_, {**values, **changed}, "t", sentence)


def test_a_figure_about_something_else_is_another_claim() -> None:
    money = {"amount": 14e9, "currency": "USD"}
    assert key("money", money, "$14 billion", "Meta made a $14 billion investment in Scale AI.") \
        != key("money", money, "$14 billion", "Apple paid $14 billion for Beats.")
    assert subject_words("On Monday, Meta's $14 billion went to Scale AI.") == ["ai", "meta", "scale"]


def test_facts_match_on_wording_not_on_shared_entities_alone() -> None:
    ents = {"entities": ["LeCun", "Meta"]}
    assert key("fact", ents, "LeCun left Meta.", "s") == key("fact", ents, "LeCun  left META.", "s")
    assert key("fact", ents, "LeCun left Meta.", "s") != key("fact", ents, "LeCun joined Meta.", "s")


def test_shelf_lives_by_type_and_their_overrides() -> None:
    assert DEFAULT_SHELF_LIFE_DAYS["role"] == 180 and DEFAULT_SHELF_LIFE_DAYS["money"] == 365
    assert DEFAULT_SHELF_LIFE_DAYS["quantity"] == 365 and DEFAULT_SHELF_LIFE_DAYS["attribution"] == 365
    assert shelf_life("date") is None and shelf_life("quote") is None
    now = datetime(2026, 6, 1, tzinfo=UTC)
    assert is_stale("role", now - timedelta(days=181), now) and not is_stale("role", now - timedelta(days=179), now)
    assert not is_stale("quote", now - timedelta(days=5000), now)
    assert not is_stale("role", now - timedelta(days=181), now, {"role": 365})
    assert is_stale("quote", now - timedelta(days=31), now, {"quote": 30})
    assert not is_stale("role", now - timedelta(days=5000), now, {"role": None})


def test_shelf_life_setting() -> None:
    settings = Settings.from_env({"FACTDESK_SHELF_LIFE_DAYS": "role=90, quote=30,money=none"})
    assert settings.shelf_life_overrides == {"role": 90, "quote": 30, "money": None}
    assert Settings.from_env({}).shelf_life_overrides == {}
    for bad in ("role", "role=soon", "colour=3", "role=-1"):
        with pytest.raises(ConfigError, match="FACTDESK_SHELF_LIFE_DAYS"):
            Settings.from_env({"FACTDESK_SHELF_LIFE_DAYS": bad})


def test_a_desk_bound_checker_sees_matches_of_their_desk_only() -> None:
    anywhere, politics = Actor(1, "cara", "checker"), Actor(2, "carl", "checker", "politics")
    assert may_see_match(anywhere, "sport") and may_see_match(anywhere, None)
    assert may_see_match(politics, "politics") and not may_see_match(politics, "sport")
    assert not may_see_match(politics, None)
