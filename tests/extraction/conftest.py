"""Shared fixtures for the extraction tests: one spaCy model for every test that needs one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from factdesk.extraction import Claim, extract, load_nlp

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
DATA = Path(__file__).resolve().parent / "data"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "model: loads the spaCy model (shared, loaded once per process)")


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    # load_nlp() is cached, so every module gets the same loaded pipeline.
    return load_nlp()


@pytest.fixture(scope="module")
def claims_of(nlp) -> Callable[..., list[Claim]]:  # type: ignore[no-untyped-def]
    """extract(...).claims with the shared model; reference_date as 'YYYY-MM-DD' for brevity."""

    def run(text: str, ref: str | None = None, **kw) -> list[Claim]:  # type: ignore[no-untyped-def]
        date = dt.date.fromisoformat(ref) if ref else None
        return extract(text, reference_date=date, nlp=nlp, **kw).claims

    return run


def of_type(claims: list[Claim], kind: str) -> list[Claim]:
    return [c for c in claims if c.type == kind]
