"""The issue's case on the example draft, extracted as the worker extracts it: a second article repeating its
claims about Alexander Wang and the $14 billion shows the first draft's verdicts as exact matches."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from factdesk.db import unit_of_work
from factdesk.extraction import load_nlp
from factdesk.models import AuditEvent, ClaimMatch
from factdesk.services.drafts import Submission, get_draft, submit_draft
from factdesk.services.extraction import extract_revision

from .test_memory import claims_of, rate

EXAMPLE = Path(__file__).parent.parent / "fixtures" / "lecun-meta-draft.txt"


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_nlp()


def extracted(sessions, author, body: str, name: str, nlp, desk: str = "politics") -> int:  # type: ignore[no-untyped-def]
    draft = submit_draft(sessions, author, Submission(body=body, desk=desk, external_id=name)).draft.id
    revision = get_draft(sessions, draft).current_revision
    assert revision is not None and extract_revision(sessions, revision.id, nlp=nlp) == "stored"
    return draft


def wang_and_money(claims: list[dict]) -> tuple[dict, dict]:  # type: ignore[type-arg]
    [wang] = [c for c in claims if c["type"] == "role" and c["normalized"].get("org") == "Scale AI"]
    [money] = [c for c in claims if c["type"] == "money" and c["normalized"]["amount"] == 14_000_000_000]
    return wang, money


def follow_up(text: str) -> str:
    """A second article repeating the example's paragraphs about Wang and the $14 billion."""
    paragraphs = [p for p in text.split("\n") if "Alexander Wang" in p or "$14 billion" in p]
    return "Meta's AI lab under scrutiny\n\nBy another reporter\n\n" + "\n\n".join(paragraphs)


def test_a_second_draft_with_the_examples_claims_shows_their_verdicts(client, desk, sessions, nlp) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    first = extracted(sessions, desk.rita, text, "lecun", nlp)
    wang_1, money_1 = wang_and_money(claims_of(client, desk.cara_h, first))
    wang_v = rate(client, desk.eddy_h, wang_1["id"], note="Scale AI's site lists him as co-founder")
    money_v = rate(client, desk.eddy_h, money_1["id"], note="Meta's filing, June")

    second = extracted(sessions, desk.rita, follow_up(text), "follow-up", nlp)
    wang_2, money_2 = wang_and_money(claims_of(client, desk.cara_h, second))
    assert [(m["kind"], m["claim_id"], m["verdict_id"], m["draft_id"]) for m in wang_2["matches"]] == [
        ("exact", wang_1["id"], wang_v["id"], first)]
    assert [(m["kind"], m["claim_id"], m["verdict_id"]) for m in money_2["matches"]] == [
        ("exact", money_1["id"], money_v["id"])]
    assert money_2["matches"][0]["note"] == "Meta's filing, June" and money_2["matches"][0]["reusable"] is True


def _match_rows(sessions, claim_id: int) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    with unit_of_work(sessions) as s:
        return [tuple(r) for r in s.execute(select(ClaimMatch.earlier_claim_id, ClaimMatch.verdict_id)
                                            .where(ClaimMatch.claim_id == claim_id))]


def test_a_verdict_recorded_later_reaches_the_drafts_extracted_before_it(client, desk, users, sessions, nlp) -> None:
    """Two drafts in review at once, both extracted before anyone checked: the first draft's verdicts show on the
    second's waiting claims as soon as they are recorded, not only on drafts extracted after them."""
    ed, ed_h = users.make("ed", "editor")  # an editor of every desk
    _, sue_h = users.make("sue", "checker", "sport")
    text = EXAMPLE.read_text(encoding="utf-8")
    first = extracted(sessions, desk.rita, text, "lecun", nlp)
    second = extracted(sessions, desk.rita, follow_up(text), "follow-up", nlp, desk="sport")
    wang_1, money_1 = wang_and_money(claims_of(client, desk.cara_h, first))
    wang_2, money_2 = wang_and_money(claims_of(client, desk.cara_h, second))
    assert money_2["matches"] == [] and wang_2["matches"] == []
    own = rate(client, ed_h, wang_2["id"], note="checked on its own")  # the second draft's Wang, checked first

    money_v = rate(client, desk.eddy_h, money_1["id"], note="Meta's filing, June")
    rate(client, desk.eddy_h, wang_1["id"])
    one = client.get(f"/api/v1/claims/{money_2['id']}", headers=desk.cara_h)
    assert one.status_code == 200
    assert [(m["kind"], m["claim_id"], m["verdict_id"], m["draft_id"], m["rating"], m["note"], m["reusable"])
            for m in one.json["matches"]] == [
        ("exact", money_1["id"], money_v["id"], first, "accurate", "Meta's filing, June", True)]
    _, listed = wang_and_money(claims_of(client, desk.cara_h, second))
    assert listed["matches"] == one.json["matches"]
    # A claim with a verdict of its own is not waiting: no match; a checker of another desk sees none.
    assert _match_rows(sessions, wang_2["id"]) == [] and own["claim_status"] == "verdict"
    assert client.get(f"/api/v1/claims/{money_2['id']}", headers=sue_h).json["matches"] == []

    # Recorded again (superseded): the match follows the latest, one row still.
    latest = rate(client, desk.eddy_h, money_1["id"], "inaccurate", note="the filing says $14.3 billion")
    assert _match_rows(sessions, money_2["id"]) == [(money_1["id"], latest["id"])]
    [match] = client.get(f"/api/v1/claims/{money_2['id']}", headers=desk.cara_h).json["matches"]
    assert (match["verdict_id"], match["rating"]) == (latest["id"], "inaccurate")

    r = client.post(f"/api/v1/claims/{money_2['id']}/verdicts", json={"reuse_of": latest["id"]}, headers=ed_h)
    assert r.status_code == 201, r.json
    assert (r.json["rating"], r.json["reuse_of"], r.json["note"]) == (
        "inaccurate", latest["id"], "the filing says $14.3 billion")
    with unit_of_work(sessions) as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.claim_id == money_2["id"],
                                                  AuditEvent.action == "verdict.reused"))
        assert event is not None and event.after["reused_claim_id"] == money_1["id"]
