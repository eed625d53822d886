"""Acceptance: every labelled claim of the example draft and of our own labelled articles is found."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from factdesk.extraction import extract

from .conftest import DATA, FIXTURES

pytestmark = pytest.mark.model


def _same(want, got) -> bool:  # type: ignore[no-untyped-def]
    # The scorer's comparison: numbers as numbers, words by containment either way.
    if got is None:
        return False
    if isinstance(want, bool) or isinstance(got, bool):
        return str(want).lower() == str(got).lower()
    if isinstance(want, (int, float)):
        return abs(float(got) - want) <= 1e-6 * max(1.0, abs(want))
    w, g = str(want).lower(), str(got).lower()
    return bool(w) and bool(g) and (w in g or g in w)


def _score(label_file: Path, nlp):  # type: ignore[no-untyped-def]
    gold = json.loads(label_file.read_text())
    text = (label_file.parent / gold["draft"]).read_text()
    ref = gold.get("reference_date")
    result = extract(text, reference_date=dt.date.fromisoformat(ref) if ref else None, nlp=nlp)
    assert result.text == text
    misses, wrong = [], []
    for g in gold["claims"]:
        i = text.find(g["anchor"])
        anchor = (i, i + len(g["anchor"]))
        hit = [
            c for c in result.claims if c.type == g["type"] and any(s < anchor[1] and anchor[0] < e for s, e in c.spans)
        ]
        if not hit:
            misses.append(g["id"])
            continue
        for key in (
            "year",
            "month",
            "day",
            "amount",
            "currency",
            "value",
            "person",
            "role",
            "org",
            "speaker",
            "source",
        ):
            if key in (g.get("expect") or {}) and not any(_same(g["expect"][key], c.normalized.get(key)) for c in hit):
                wrong.append(f"{g['id']}.{key}")
    noise = []
    for line in gold.get("not_claims", []):
        i = text.find(line)
        noise += [c.text for c in result.claims if any(s < i + len(line) and i < e for s, e in c.spans)]
    return gold, misses, wrong, noise


def test_every_labelled_claim_of_the_lecun_draft_is_found_with_its_values(nlp) -> None:  # type: ignore[no-untyped-def]
    _gold, misses, wrong, noise = _score(FIXTURES / "lecun-meta-draft.claims.json", nlp)
    assert misses == []
    assert wrong == []
    assert noise == []


@pytest.mark.parametrize("label_file", sorted(DATA.glob("*.claims.json")), ids=lambda p: p.name.split(".")[0])
def test_own_labelled_articles_reach_the_held_out_targets(label_file: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    gold, misses, wrong, noise = _score(label_file, nlp)
    recall = 1 - len(misses) / len(gold["claims"])
    assert recall >= 0.85, misses
    assert len(wrong) <= 0.2 * len(gold["claims"]), wrong
    assert noise == []
