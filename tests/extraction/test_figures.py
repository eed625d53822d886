"""Figures and their sentence: subject and parties of money, hedges that govern a figure, units, clean spans,
and one reference date for the command line and the server."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from factdesk.cli import main
from factdesk.extraction import default_reference_date

from .conftest import DATA, FIXTURES, of_type

LABELLED = (
    sorted(DATA.glob("*.txt")) + sorted((DATA / "wikinews-2020").glob("*.txt")) + [FIXTURES / "lecun-meta-draft.txt"]
)


@pytest.mark.model
def test_money_names_what_it_pays_for_and_the_parties(claims_of) -> None:  # type: ignore[no-untyped-def]
    (money,) = of_type(claims_of("Head\n\nThe $14 billion investment by Meta in Scale AI was announced."), "money")
    assert money.normalized["subject"] == "investment"
    assert money.normalized["parties"] == ["Meta", "Scale AI"]
    (money,) = of_type(claims_of("Head\n\nMeta invested $14 billion in Scale AI."), "money")
    assert money.normalized["parties"] == ["Meta", "Scale AI"]


@pytest.mark.model
def test_a_hedge_marks_a_figure_only_when_it_governs_it(claims_of) -> None:  # type: ignore[no-untyped-def]
    text = "Head\n\nThe $14 billion investment in Scale AI may become irrelevant if the environment does not change."
    (money,) = of_type(claims_of(text), "money")
    assert not any("hedged" in r for r in money.reasons)
    (money,) = of_type(claims_of("Head\n\nMeta may have paid $14 billion for the stake."), "money")
    assert any("hedged" in r for r in money.reasons)


@pytest.mark.model
def test_units_are_singular_words(claims_of) -> None:  # type: ignore[no-untyped-def]
    claims = of_type(claims_of("Head\n\nThe council bought 12 buses, 3 houses and 40 viruses were found."), "quantity")
    assert [c.normalized["unit"] for c in claims] == ["bus", "house", "virus"]


@pytest.mark.model
@pytest.mark.parametrize("path", LABELLED, ids=lambda p: p.stem)
def test_no_claim_text_ends_in_punctuation(path: Path, claims_of) -> None:  # type: ignore[no-untyped-def]
    for claim in claims_of(path.read_text(), "2020-06-01"):
        assert claim.text == claim.text.strip()
        assert not claim.text.endswith((".", ",", ";", ":")) or claim.text.endswith(("U.S.", "a.m.", "p.m.")), (
            claim.text
        )


@pytest.mark.model
def test_a_date_at_a_sentence_end_has_no_full_stop(claims_of) -> None:  # type: ignore[no-untyped-def]
    (date,) = of_type(claims_of("Head\n\nThe buses left on 28 November.", "2025-12-01"), "date")
    assert date.text == "28 November"


def test_the_default_reference_date_is_the_utc_day() -> None:
    late = dt.datetime(2025, 3, 1, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    assert default_reference_date(late) == dt.date(2025, 3, 2)


@pytest.mark.model
def test_extract_without_a_reference_date_reads_against_today_as_the_server_does(tmp_path: Path) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text("Head\n\nThe mayor resigned on 3 March.\n", encoding="utf-8")
    today = default_reference_date()
    runner = CliRunner()
    default = runner.invoke(main, ["extract", str(draft), "--format", "json"])
    explicit = runner.invoke(main, ["extract", str(draft), "--format", "json", "--reference-date", today.isoformat()])
    assert default.exit_code == 0, default.output
    (date,) = [c for c in json.loads(default.output) if c["type"] == "date"]
    assert date["normalized"]["year"] in (today.year, today.year - 1)
    assert json.loads(default.output) == json.loads(explicit.output)


@pytest.mark.model
@pytest.mark.parametrize(
    ("sentence", "value", "unit"),
    [
        ("He has a current world ranking number 27 this season.", 27, "rank"),
        ("Currently ranked 27th in the world, he is seeded.", 27, "rank"),
        ("The university celebrated Guy's 100th birthday.", 100, "birthday"),
        ("He was re-elected twice after that.", 2, "time"),
        ("The tests covered the nation's 5.5 million people.", 5500000, "person"),
    ],
)
def test_ranks_counts_and_scaled_figures(claims_of, sentence, value, unit) -> None:  # type: ignore[no-untyped-def]
    (qty,) = of_type(claims_of("Head\n\n" + sentence), "quantity")
    assert (qty.normalized["value"], qty.normalized["unit"]) == (value, unit)


@pytest.mark.model
def test_times_of_day_and_names_with_years_are_not_figures(claims_of) -> None:  # type: ignore[no-untyped-def]
    claims = claims_of("Head\n\nHe left at 11 a.m. local time (UTC+0900). The 2019-nCoV virus spread.", "2020-01-28")
    assert of_type(claims, "quantity") == [] and of_type(claims, "date") == []


@pytest.mark.model
def test_lari_are_money_and_a_due_date_is_ahead(claims_of) -> None:  # type: ignore[no-untyped-def]
    claims = claims_of(
        "Head\n\nBail was set at 100,000 Georgian lari. He was due to stand down in August.", "2020-05-25"
    )
    (money,) = of_type(claims, "money")
    assert (money.normalized["amount"], money.normalized["currency"]) == (100000, "GEL")
    (date,) = of_type(claims, "date")
    assert (date.normalized["year"], date.normalized["month"]) == (2020, 8)
