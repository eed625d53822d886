"""One claim per checkable statement: over every labelled text, no two claims share a span or state one thing twice."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from factdesk.extraction import Claim, extract

from .conftest import DATA, FIXTURES

pytestmark = pytest.mark.model

# The shared examples sit beside the repository (../shared/examples) where a checkout has them.
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "examples"
TEXTS = sorted(
    {
        p.name: p
        for folder in (SHARED, FIXTURES, DATA, DATA / "wikinews-2020")
        for p in (folder.glob("*.txt") if folder.is_dir() else [])
    }.values()
)
STATEMENTS = ("quote", "attribution", "fact")


def _claims(path: Path, nlp) -> list[Claim]:  # type: ignore[no-untyped-def]
    label = path.with_name(path.stem + ".claims.json")
    ref = json.loads(label.read_text(encoding="utf-8")).get("reference_date") if label.exists() else None
    return extract(
        path.read_text(encoding="utf-8"), reference_date=dt.date.fromisoformat(ref) if ref else None, nlp=nlp
    ).claims


def test_every_labelled_text_is_read() -> None:
    assert {"lecun-meta-draft.txt", "halden-fine.txt"} <= {p.name for p in TEXTS}


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.stem)
def test_no_two_claims_share_a_span_or_repeat_one_statement(path: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    claims = _claims(path, nlp)
    seen: dict[tuple[int, int], str] = {}
    for c in claims:
        for span in c.spans:
            assert span not in seen, f"{c.type} and {seen[span]} on {c.text!r}"
            seen[span] = c.type
    for fact in (c for c in claims if c.type == "fact"):
        speech = (c for c in claims if c.type in ("quote", "attribution"))
        for said in (c for c in speech if c.start < fact.end and fact.start < c.end):
            # A quote stands for its sentence. Beside an attribution, a fact is what the source says, without
            # the source: the attribution asks whether it was said, the fact whether it is so.
            assert said.type == "attribution", f"fact {fact.text!r} restates quote {said.text!r}"
            who = [str(said.normalized.get(k) or "").lower() for k in ("cue", "source", "speaker")]
            assert not any(w and w in fact.text.lower() for w in who), f"fact {fact.text!r} restates {said.text!r}"


def test_an_attribution_carries_its_sentences_entities_and_figures(claims_of) -> None:  # type: ignore[no-untyped-def]
    claims = claims_of("Health Minister Fahrettin Koca said 31 of the injured were in intensive care in Malatya.")
    statements = [c for c in claims if c.type in STATEMENTS]
    assert [c.type for c in statements] == ["attribution", "fact"]  # who said it; whether it is so
    assert statements[1].text == "31 of the injured were in intensive care in Malatya"
    values = statements[0].normalized
    assert (values["speaker"], values["cue"]) == ("Fahrettin Koca", "said")
    assert "Malatya" in values["entities"]
    assert values["figures"] == ["31"]


def test_a_quote_stands_for_its_sentence_and_its_tag(claims_of) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Yann LeCun left Meta in November. “When you do this, you fall behind,” he stated, highlighting a "
        "growing concern that deadlines were prioritized over research at Meta."
    )
    statements = [c for c in claims_of(text) if c.type in STATEMENTS]
    quote = next(c for c in statements if c.type == "quote")
    assert quote.normalized["speaker"] == "Yann LeCun"
    assert not [c for c in statements if c.start >= quote.start - 1 and c.type != "quote"]


def test_what_a_source_says_is_a_fact_beside_the_attribution(claims_of) -> None:  # type: ignore[no-untyped-def]
    claims = claims_of("According to the WHO, the number of measles cases worldwide exceeded that of any year since "
                       "2006. The New York Times reported that Hunter Biden, the son of Joe Biden, sat on the board.")
    facts = [c.text for c in claims if c.type == "fact"]
    assert facts == ["the number of measles cases worldwide exceeded that of any year since 2006",
                     "Hunter Biden, the son of Joe Biden, sat on the board"]
    assert [c.normalized["source"] for c in claims if c.type == "attribution"] == ["WHO", "New York Times"]


def test_what_a_sentence_says_beside_its_attribution_stays_a_fact(claims_of) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Vanderbilt was married to talent agent Pasquale Di Cicco and conductor Leopold Stokowski; but, according "
        "to her memoirs, also had some degree of romantic involvement with Frank Sinatra."
    )
    claims = claims_of(text)
    fact = next(c for c in claims if c.type == "fact")
    attribution = next(c for c in claims if c.type == "attribution")
    assert fact.text.startswith("Vanderbilt was married") and fact.end <= attribution.start


def test_a_tag_after_a_quotation_is_the_quote_not_a_second_attribution(claims_of) -> None:  # type: ignore[no-untyped-def]
    claims = claims_of('"Riverton voted for safer streets and cheaper housing," Ortiz said on Tuesday night.')
    assert [c.type for c in claims if c.type in STATEMENTS] == ["quote"]


def test_acts_named_by_speech_verbs_are_not_attributions(claims_of) -> None:  # type: ignore[no-untyped-def]
    for text in (
        "The Samoan government declared a state of emergency on November 15.",
        "Rivals invested heavily as they struggle to maintain their standing in a crowded AI marketplace.",
    ):
        assert not [c for c in claims_of(text) if c.type == "attribution"], text


def test_work_credited_to_a_person_is_an_attribution(claims_of) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Yann LeCun joined Meta in 2013. This unique environment allowed him to innovate, giving rise to LLaMA, "
        "a family of language models."
    )
    credit = [c for c in claims_of(text) if c.type == "attribution"]
    assert [c.normalized.get("credited") for c in credit] == ["Yann LeCun"]
    assert credit[0].text.startswith("him to innovate, giving rise to LLaMA")
    assert credit[0].normalized["cue"] == "giving rise to"
