"""The issue's case on the example draft, extracted as the worker extracts it: a second article repeating its
claims about Alexander Wang and the $14 billion shows the first draft's verdicts as exact matches."""

from __future__ import annotations

from pathlib import Path

import pytest

from factdesk.extraction import load_nlp
from factdesk.services.drafts import Submission, get_draft, submit_draft
from factdesk.services.extraction import extract_revision

from .test_memory import claims_of, rate

EXAMPLE = Path(__file__).parent.parent / "fixtures" / "lecun-meta-draft.txt"


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_nlp()


def extracted(sessions, author, body: str, name: str, nlp) -> int:  # type: ignore[no-untyped-def]
    draft = submit_draft(sessions, author, Submission(body=body, desk="politics", external_id=name)).draft.id
    revision = get_draft(sessions, draft).current_revision
    assert revision is not None and extract_revision(sessions, revision.id, nlp=nlp) == "stored"
    return draft


def wang_and_money(claims: list[dict]) -> tuple[dict, dict]:  # type: ignore[type-arg]
    [wang] = [c for c in claims if c["type"] == "role" and c["normalized"].get("org") == "Scale AI"]
    [money] = [c for c in claims if c["type"] == "money" and c["normalized"]["amount"] == 14_000_000_000]
    return wang, money


def test_a_second_draft_with_the_examples_claims_shows_their_verdicts(client, desk, sessions, nlp) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    first = extracted(sessions, desk.rita, text, "lecun", nlp)
    wang_1, money_1 = wang_and_money(claims_of(client, desk.cara_h, first))
    wang_v = rate(client, desk.eddy_h, wang_1["id"], note="Scale AI's site lists him as co-founder")
    money_v = rate(client, desk.eddy_h, money_1["id"], note="Meta's filing, June")

    paragraphs = [p for p in text.split("\n") if "Alexander Wang" in p or "$14 billion" in p]
    second = extracted(sessions, desk.rita, "Meta's AI lab under scrutiny\n\nBy another reporter\n\n"
                       + "\n\n".join(paragraphs), "follow-up", nlp)
    wang_2, money_2 = wang_and_money(claims_of(client, desk.cara_h, second))
    assert [(m["kind"], m["claim_id"], m["verdict_id"], m["draft_id"]) for m in wang_2["matches"]] == [
        ("exact", wang_1["id"], wang_v["id"], first)]
    assert [(m["kind"], m["claim_id"], m["verdict_id"]) for m in money_2["matches"]] == [
        ("exact", money_1["id"], money_v["id"])]
    assert money_2["matches"][0]["note"] == "Meta's filing, June" and money_2["matches"][0]["reusable"] is True
