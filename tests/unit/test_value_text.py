"""The claim page's "About this claim" values, as a checker reads them."""

from __future__ import annotations

import pytest

from factdesk.web.claims import value_text


@pytest.mark.parametrize(("value", "shown"), [
    (14_000_000_000.0, "14,000,000,000"),
    (12.0, "12"),
    (4.2, "4.2"),
    (2025, "2025"),
    (False, "no"),
    (True, "yes"),
    (None, "—"),
    (["Meta", "Scale AI"], "Meta, Scale AI"),
    ({"per_unit": "year", "count": 3.0}, "per unit: year, count: 3"),
])
def test_values_read_as_words_and_figures(value: object, shown: str) -> None:
    assert value_text(value) == shown
