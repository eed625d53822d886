"""Dates, money and quantities: the normalised values a checker verifies."""

from __future__ import annotations

import pytest

from .conftest import of_type

pytestmark = pytest.mark.model


def _one(claims, kind, text):  # type: ignore[no-untyped-def]
    found = [c for c in of_type(claims, kind) if text in c.text or c.text in text]
    assert found, (kind, text, [(c.type, c.text) for c in claims])
    return found[0].normalized


@pytest.mark.parametrize(
    ("sentence", "ref", "phrase", "want"),
    [
        ("On Thursday, the council met.", "2019-01-06", "Thursday", {"year": 2019, "month": 1, "day": 3}),
        ("Prices fell last year, the bank said.", "2019-01-06", "last year", {"year": 2018}),
        ("The plant closed in November, workers said.", "2019-01-06", "November", {"year": 2018, "month": 11}),
        ("Yesterday, the team won the final.", "2019-10-14", "Yesterday", {"year": 2019, "month": 10, "day": 13}),
        (
            "The company was registered on August 6, 2019.",
            "2019-11-07",
            "August 6, 2019",
            {"year": 2019, "month": 8, "day": 6},
        ),
        ("The campaign began on 20 Nov 2019 in Apia.", None, "20 Nov 2019", {"year": 2019, "month": 11, "day": 20}),
        ("The vaccine was introduced in the 1960s.", "2019-12-07", "1960s", {"decade": 1960}),
        ("The board will meet on Friday to vote.", "2019-12-16", "Friday", {"year": 2019, "month": 12, "day": 20}),
        ("Sales rose earlier this week, traders said.", "2019-12-07", "earlier this week", {"year": 2019, "month": 12}),
    ],
)
def test_dates_resolve_against_the_reference_date(claims_of, sentence, ref, phrase, want) -> None:  # type: ignore[no-untyped-def]
    got = _one(claims_of("Headline here\n\n" + sentence, ref), "date", phrase)
    assert {k: got.get(k) for k in want} == want


def test_the_previous_day_follows_the_last_date_in_the_text(claims_of) -> None:  # type: ignore[no-untyped-def]
    claims = claims_of(
        "Head\n\nOn Friday, the judge ruled. He had reconsidered his decision made the previous day.", "2019-12-16"
    )
    got = _one(claims, "date", "the previous day")
    assert (got["year"], got["month"], got["day"]) == (2019, 12, 12)


def test_a_year_in_a_quoted_name_or_a_resolution_number_is_no_date(claims_of) -> None:  # type: ignore[no-untyped-def]
    claims = claims_of('Head\n\nThe army launched a program dubbed "Zrinyi 2026" under resolution No. 1430/2019.')
    assert of_type(claims, "date") == []


@pytest.mark.parametrize(
    ("sentence", "phrase", "amount", "currency"),
    [
        ("Meta made a $14 billion investment in Scale AI.", "$14 billion", 14_000_000_000, "USD"),
        ("The club paid £3.5m for the striker.", "£3.5m", 3_500_000, "GBP"),
        ("The grant was worth €200,000 over two years.", "€200,000", 200_000, "EUR"),
        ("The ministry spent 1.2 trillion yen on the program.", "1.2 trillion yen", 1_200_000_000_000, "JPY"),
        ("HDT took a 38.8 million euro loan from the bank.", "38.8 million euro", 38_800_000, "EUR"),
        ("She had a trust fund worth US$5 million.", "US$5 million", 5_000_000, "USD"),
    ],
)
def test_money_amounts_and_currencies(claims_of, sentence, phrase, amount, currency) -> None:  # type: ignore[no-untyped-def]
    got = _one(claims_of("Head\n\n" + sentence), "money", phrase)
    assert (got["amount"], got["currency"]) == (amount, currency)


@pytest.mark.parametrize(
    ("sentence", "phrase", "value", "unit"),
    [
        ("After a decade of work at the lab, he left.", "a decade", 10, "year"),
        ("Turnout rose to 42% in the city.", "42%", 42, "percent"),
        ("The bill needs two-thirds of the senators to pass.", "two-thirds", 0.667, "fraction"),
        ("Kosgei finished the race in 2:14:04 on Sunday.", "2:14:04", 8044, "second"),
        ("The outbreak killed 53 people in the capital.", "53 people", 53, "person"),
        ("Officials vaccinated 58,150 individuals last month.", "58,150 individuals", 58150, "individual"),
        ("One out of every thousand children develop the disease.", "One out of every thousand", 0.001, "fraction"),
        ("He was re-elected for his second term in 2010.", "second term", 2, "term"),
    ],
)
def test_quantities_values_and_units(claims_of, sentence, phrase, value, unit) -> None:  # type: ignore[no-untyped-def]
    got = _one(claims_of("Head\n\n" + sentence), "quantity", phrase)
    assert got["value"] == pytest.approx(value, abs=1e-3)
    assert got["unit"] == unit


def test_a_vote_tally_keeps_both_figures(claims_of) -> None:  # type: ignore[no-untyped-def]
    got = _one(claims_of("Head\n\nThe city council voted 7-2 on Tuesday to raise the budget."), "quantity", "7-2")
    assert got["values"] == [7, 2] and got["unit"] == "vote"


def test_numbers_in_names_and_pronoun_one_are_not_quantities(claims_of) -> None:  # type: ignore[no-untyped-def]
    claims = claims_of("Head\n\nThe LLaMA 4 model was rushed. Measles is one of several diseases that spread fast.")
    assert of_type(claims, "quantity") == []


def test_clock_times_and_years_in_quotes_are_not_counts(claims_of) -> None:  # type: ignore[no-untyped-def]
    claims = claims_of('Head\n\nThe quake hit at 8:55 p.m. local time. "It is the largest rise since 2009," he said.')
    assert of_type(claims, "quantity") == []
    assert [c.normalized["year"] for c in of_type(claims, "date")] == [2009]


def test_a_figure_between_commas_after_a_name_is_an_age(claims_of) -> None:  # type: ignore[no-untyped-def]
    got = _one(claims_of("Head\n\nPriya Raman, 52, apologised on Tuesday."), "quantity", "52")
    assert (got["value"], got["unit"]) == (52, "year")


def test_months_and_weekdays_in_names_are_not_dates(claims_of) -> None:  # type: ignore[no-untyped-def]
    text = "Head\n\nThe playwright August Wilson spoke in November. Shops opened on Black Friday."
    assert [c.text for c in of_type(claims_of(text, "2019-12-16"), "date")] == ["November"]
