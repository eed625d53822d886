"""The example draft's claims, pinned: any change in an extracted claim of lecun-meta-draft.txt fails here.

The expected claims are in data/lecun-meta-draft.pinned.json. When a change to them is intended, rewrite
that file with `.venv/bin/python -m tests.extraction.test_example_pinned` and review its diff.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from factdesk.extraction import Claim, extract

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
DRAFT = FIXTURES / "lecun-meta-draft.txt"
PINNED = Path(__file__).resolve().parent / "data" / "lecun-meta-draft.pinned.json"


def _as_pinned(claim: Claim) -> dict[str, Any]:
    """A claim as written in the pinned file, in a form JSON round-trips exactly."""
    return {
        "type": claim.type,
        "spans": [[s, e] for s, e in claim.spans],
        "text": claim.text,
        "sentence": claim.sentence,
        "normalized": claim.normalized,
        "score": claim.score,
        "reasons": list(claim.reasons),
        "fingerprint": claim.fingerprint,
    }


def _extract_pinned(pinned: dict[str, Any], nlp: Any = None) -> list[dict[str, Any]]:
    ref = pinned["reference_date"]
    result = extract(
        DRAFT.read_text(encoding="utf-8"), reference_date=dt.date.fromisoformat(ref) if ref else None, nlp=nlp
    )
    # Through JSON, as the file was written, so tuples and lists compare alike.
    return json.loads(json.dumps([_as_pinned(c) for c in result.claims], ensure_ascii=False))


@pytest.mark.model
def test_the_example_drafts_claims_are_exactly_the_pinned_ones(nlp) -> None:  # type: ignore[no-untyped-def]
    pinned = json.loads(PINNED.read_text(encoding="utf-8"))
    got = _extract_pinned(pinned, nlp)
    want = pinned["claims"]
    assert [(c["type"], c["text"]) for c in got] == [(c["type"], c["text"]) for c in want]
    for g, w in zip(got, want, strict=True):
        assert g == w, w["text"]


def test_the_pinned_file_covers_every_claim_type() -> None:
    """A pin that lost its claims would pass vacuously; the draft has one of every type."""
    pinned = json.loads(PINNED.read_text(encoding="utf-8"))
    types = {c["type"] for c in pinned["claims"]}
    assert types == {"date", "money", "quantity", "role", "quote", "attribution", "fact"}
    assert all(c["fingerprint"] and c["spans"] for c in pinned["claims"])


if __name__ == "__main__":
    # Rewrites the pinned file from the current extractor (see the module docstring).
    current = json.loads(PINNED.read_text(encoding="utf-8")) if PINNED.exists() else {"reference_date": None}
    claims = _extract_pinned(current)
    PINNED.write_text(
        json.dumps(
            {
                "draft": "tests/fixtures/lecun-meta-draft.txt",
                "reference_date": current["reference_date"],
                "about": "Every claim extracted from the draft, pinned by test_example_pinned.py.",
                "claims": claims,
            },
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {len(claims)} claims to {PINNED}")
