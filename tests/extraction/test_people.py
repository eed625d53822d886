"""Roles, quotes and attributions: who holds which title, who said what."""

from __future__ import annotations

import pytest

from .conftest import of_type

pytestmark = pytest.mark.model


def test_apposition_role_with_former_and_organisation(claims_of) -> None:  # type: ignore[no-untyped-def]
    claims = claims_of("Head\n\nIn an interview, Yann LeCun, former chief AI strategist at Meta, has opened up.")
    (role,) = of_type(claims, "role")
    assert role.normalized == {"person": "Yann LeCun", "role": "chief AI strategist", "org": "Meta", "former": True}


def test_title_before_name_with_state_of(claims_of) -> None:  # type: ignore[no-untyped-def]
    claims = claims_of("Head\n\nSenator Marco Rubio of Florida said the bill would fail.")
    (role,) = of_type(claims, "role")
    assert role.normalized["person"] == "Marco Rubio"
    assert role.normalized["role"] == "Senator"


def test_a_restated_title_is_one_claim_with_two_spans(claims_of) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Head\n\nSamoan Prime Minister Tuilaepa Sailele Malielegaoi spoke on Monday. "
        "Later, Prime Minister Tuilaepa visited a clinic."
    )
    (role,) = of_type(claims_of(text), "role")
    assert len(role.spans) == 2
    assert role.normalized["org"] == "Samoa"


def test_quote_speaker_is_resolved_from_a_pronoun_to_the_full_name(claims_of) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Head\n\nYann LeCun, former chief AI strategist at Meta, has opened up about the company.\n\n"
        "\u201cWhen you do this, you fall behind,\u201d he stated."
    )
    (quote,) = of_type(claims_of(text), "quote")
    assert quote.normalized["speaker"] == "Yann LeCun"
    assert quote.text == "When you do this, you fall behind"


def test_quote_speaker_surname_and_straight_quotes(claims_of) -> None:  # type: ignore[no-untyped-def]
    text = 'Head\n\nBrigid Kosgei won the race. "I was not expecting this", said Kosgei after the race.'
    (quote,) = of_type(claims_of(text), "quote")
    assert quote.normalized["speaker"] == "Brigid Kosgei"


def test_quoted_terms_are_not_quotes(claims_of) -> None:  # type: ignore[no-untyped-def]
    text = 'Head\n\nThey are called "U.S. nationals" on their passports, under the Hungarian "outward investment" plan.'
    assert of_type(claims_of(text), "quote") == []


@pytest.mark.parametrize(
    ("sentence", "key", "name"),
    [
        (
            "According to the World Health Organization (WHO), cases rose. According to the WHO, deaths fell.",
            "source",
            "World Health Organization",
        ),
        ("The New York Times reported that the call took place in July.", "source", "New York Times"),
        (
            "Gáspár Maróth, the government commissioner, spoke. Maróth said the bid won after long talks.",
            "speaker",
            "Gáspár Maróth",
        ),
    ],
)
def test_attribution_sources_and_speakers(claims_of, sentence, key, name) -> None:  # type: ignore[no-untyped-def]
    attrs = of_type(claims_of("Head\n\n" + sentence), "attribution")
    assert attrs and all(a.normalized.get(key) == name for a in attrs[-1:])


def test_a_possessive_organisation_before_a_title(claims_of) -> None:  # type: ignore[no-untyped-def]
    claims = claims_of("Head\n\nHalden's chief executive, Priya Raman, apologised on Tuesday.")
    (role,) = of_type(claims, "role")
    assert role.normalized == {"person": "Priya Raman", "role": "chief executive", "org": "Halden", "former": False}


def test_an_organisation_tagged_as_a_person_is_still_a_source(claims_of) -> None:  # type: ignore[no-untyped-def]
    claims = claims_of("Head\n\nNorthwind Freight, the Rotterdam-based shipping group, said it would cut 1,200 jobs.")
    (attr,) = of_type(claims, "attribution")
    assert attr.normalized.get("source") == "Northwind Freight"
