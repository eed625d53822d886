"""Extraction's merge and carry-over do work linear in the number of findings: counted, never timed.

A 1.9 MB draft repeating one sentence (issue 12) gives 75,000 findings of one fact; merging them rebuilt a
set of the spans seen so far on every merge, so the work grew with the square of the draft.
"""

from __future__ import annotations

from types import SimpleNamespace

from factdesk.extraction.claims import Finding
from factdesk.extraction.context import Context
from factdesk.extraction.pipeline import _to_claims
from factdesk.services import carryover

SENTENCE = "The city paid $3 million. "


class Counted(int):
    """An offset that counts how often it is hashed: each set insert or lookup of a span hashes it."""

    hashes = 0

    def __hash__(self) -> int:
        Counted.hashes += 1
        return int.__hash__(self)


def merge_work(n: int) -> tuple[int, int]:
    """Merge n statements of one fact; returns (hashes of spans, spans in the claim)."""
    text = SENTENCE * n
    at = SENTENCE.index("$3 million")
    findings = [
        Finding("money", Counted(i * len(SENTENCE) + at), i * len(SENTENCE) + at + len("$3 million"),
                {"amount": 3_000_000, "currency": "USD"}, ("statistic",))
        for i in range(n)
    ]
    sentences = [(i * len(SENTENCE), (i + 1) * len(SENTENCE) - 1) for i in range(n)]
    Counted.hashes = 0
    [claim] = _to_claims(text, findings, sentences, Context())
    return Counted.hashes, len(claim.spans)


def test_merging_four_times_the_statements_of_a_fact_does_four_times_the_work():
    small, small_spans = merge_work(250)
    large, large_spans = merge_work(1000)
    assert (small_spans, large_spans) == (250, 1000)  # every statement kept, once
    assert small > 0
    # Quadratic merging hashes about n²/2 spans: 16 times the work for 4 times the statements.
    assert large <= 4.5 * small, (small, large)


def test_a_span_stated_twice_is_kept_once():
    text = SENTENCE * 2
    at = SENTENCE.index("$3 million")
    f = [Finding("money", at, at + 10, {"amount": 3_000_000, "currency": "USD"}) for _ in range(3)]
    [claim] = _to_claims(text, f, [(0, 25), (26, 51)], Context())
    assert claim.spans == ((at, at + 10),)


def fake_claim(type_: str, start: int, length: int = 10) -> SimpleNamespace:
    return SimpleNamespace(type=type_, start=start, end=start + length)


def test_reanchoring_reads_only_the_unmatched_claims_near_the_span():
    candidates = carryover._Candidates()
    for i in range(4000):
        candidates.add(fake_claim("money", i * 100))  # type: ignore[arg-type]
    near = candidates.near("money", 200_000, 200_010)
    assert [c.start for _, c in near] == [200_000]
    assert len(candidates.near("money", 50_000, 60_000)) == 101


def test_a_matched_claim_is_taken_out_of_the_candidates():
    candidates = carryover._Candidates()
    claims = [fake_claim("quote", s, 30) for s in (0, 20, 40)]
    for c in claims:
        candidates.add(c)  # type: ignore[arg-type]
    candidates.take(claims[1])  # type: ignore[arg-type]
    assert [c for _, c in candidates.near("quote", 25, 45)] == [claims[0], claims[2]]


def test_reanchoring_finds_the_nearest_context_within_its_reach():
    text = "x" * 30_000 + "ctx" + "y" * 97 + "ctx" + "z" * 100  # the context at 30,000 and at 30,100
    assert carryover._nearest(text, "ctx", 30_050) == 30_000  # a tie: the earlier one
    assert carryover._nearest(text, "ctx", 30_051) == 30_100
    assert carryover._nearest(text, "ctx", 30_100) == 30_100
    # A context further than REANCHOR_REACH from where the claim was is not looked for.
    assert carryover._nearest(text, "ctx", 30_000 - carryover.REANCHOR_REACH - 10) is None
