"""The check-worthiness model ships in the package and ranks sentences a checker would pick above the rest."""

from __future__ import annotations

import pytest

from factdesk.extraction import checkworthy


@pytest.mark.parametrize(("worth_checking", "not_worth_checking"), [
    ("Unemployment fell to 3.5 percent last year, the lowest in fifty years.", "Thank you all for coming tonight."),
    ("The company invested $14 billion in Scale AI in June.", "I think we should talk about that later."),
    ("Crime in our cities has doubled since 2010.", "What a wonderful evening this has been."),
])
def test_a_sentence_stating_a_checkable_figure_scores_above_small_talk(worth_checking, not_worth_checking) -> None:
    assert checkworthy.probability(worth_checking) > 0.5 > checkworthy.probability(not_worth_checking)


def test_numbers_are_read_as_figures_so_the_exact_figure_does_not_change_the_score() -> None:
    assert checkworthy.probability("We lost 60,000 factories.") == checkworthy.probability("We lost 7 factories.")


def test_probabilities_stay_in_range_for_any_text() -> None:
    for text in ("", "a", "$ % € £ 1 2 3", "word " * 10_000):
        assert 0.0 <= checkworthy.probability(text) <= 1.0
