"""Verdicts across edits: an edit that changes one figure reopens only the claims holding it."""

from __future__ import annotations

from sqlalchemy import select

from factdesk.db import unit_of_work
from factdesk.models import Approval, AuditEvent, Claim, Draft, EventDelivery, Verdict
from factdesk.services.extraction import extract_revision
from tests.cms.conftest import GENERIC_SECRET

TEXT = ("The city council voted 7-2 on Tuesday to raise the 2027 budget by 4.2%, to $1.3 billion. "
        "Unemployment in the city fell to 3.1% last year, according to the mayor. "
        "It is the largest increase since 2009, the finance director said.")


def claims_of(sessions, revision_id):  # type: ignore[no-untyped-def]
    with unit_of_work(sessions) as s:
        return list(s.scalars(select(Claim).where(Claim.revision_id == revision_id).order_by(Claim.start)))


def rate_everything(sessions, revision_id, checker_id, rating="accurate"):  # type: ignore[no-untyped-def]
    with unit_of_work(sessions) as s:
        for claim in s.scalars(select(Claim).where(Claim.revision_id == revision_id)):
            s.add(Verdict(claim_id=claim.id, rating=rating, note=f"checked {claim.text}",
                          sources=[{"url": "https://example.org"}], checker_id=checker_id))
            claim.status = "verdict"


def test_an_edit_of_one_figure_reopens_only_the_claims_holding_it(integrations, post_generic, placed, sessions,
                                                                   users):
    integrations("cms", GENERIC_SECRET)
    checker, _ = users.make("carl", "checker")
    [first] = placed(post_generic("cms", {"id": "a1", "version": 1, "title": "Budget", "body": TEXT}))
    assert extract_revision(sessions, first["revision_id"]) == "stored"
    old = claims_of(sessions, first["revision_id"])
    assert any(c.text == "3.1%" for c in old) and len(old) >= 5
    rate_everything(sessions, first["revision_id"], checker.id)

    # The figure changes, and a longer title moves every offset.
    [second] = placed(post_generic("cms", {"id": "a1", "version": 2, "title": "Budget update",
                                           "body": TEXT.replace("3.1%", "3.4%")}))
    assert extract_revision(sessions, second["revision_id"]) == "stored"
    new = claims_of(sessions, second["revision_id"])
    old_by_id = {c.id: c for c in claims_of(sessions, first["revision_id"])}
    assert all(c.status == "retired" for c in old_by_id.values())

    reopened = [c for c in new if "3.4%" in c.text]
    kept = [c for c in new if "3.4%" not in c.text]
    assert reopened and kept
    for claim in reopened:
        assert claim.status == "open"
        # Linked to the claim it replaces: same type, same place, the old figure.
        assert claim.previous_claim_id is not None
        previous = old_by_id[claim.previous_claim_id]
        assert previous.type == claim.type and "3.1%" in previous.text
    with unit_of_work(sessions) as s:
        for claim in kept:
            assert claim.status == "verdict"
            previous = old_by_id[claim.previous_claim_id]
            assert previous.fingerprint == claim.fingerprint and previous.start != claim.start
            verdict = s.scalar(select(Verdict).where(Verdict.claim_id == claim.id))
            original = s.get(Verdict, verdict.carried_from_id)
            assert original.claim_id == previous.id
            assert (verdict.rating, verdict.note, verdict.checker_id) == ("accurate", original.note, checker.id)
        carried = s.scalars(select(AuditEvent).where(AuditEvent.action == "verdict.carried_over")).all()
        assert {e.claim_id for e in carried} == {c.id for c in kept}
        assert s.scalar(select(Draft.status)) == "in_review"

    # A third revision keeps only the first sentence: the others' claims are retired as removed.
    [third] = placed(post_generic("cms", {"id": "a1", "version": 3, "title": "Budget update",
                                          "body": TEXT.replace("3.1%", "3.4%").split(" Unemployment")[0]}))
    assert extract_revision(sessions, third["revision_id"]) == "stored"
    latest = claims_of(sessions, third["revision_id"])
    assert latest and all(c.status == "verdict" for c in latest)
    with unit_of_work(sessions) as s:
        removed = s.scalars(select(AuditEvent).where(AuditEvent.action == "claim.retired")).all()
        gone = {e.claim_id for e in removed if e.after["reason"] == "removed"}
        assert {c.id for c in reopened} <= gone
        assert {c.previous_claim_id for c in latest} <= {c.id for c in kept}
        assert s.scalar(select(Draft.status)) == "cleared"  # every claim still there has a verdict


def test_a_new_revision_of_an_approved_draft_closes_the_gate(integrations, post_generic, placed, drain, sessions,
                                                             users):
    integrations("cms", GENERIC_SECRET, callback_url="http://127.0.0.1:9/hook")
    editor, _ = users.make("eve", "editor")
    [first] = placed(post_generic("cms", {"id": "a1", "version": 1, "body": TEXT}))
    with unit_of_work(sessions) as s:
        draft = s.get(Draft, first["draft_id"])
        s.add(Approval(draft_id=draft.id, revision_id=first["revision_id"],
                       content_hash=draft.current_revision.content_hash, editor_id=editor.id))
        draft.status = "approved"
    r = post_generic("cms", {"id": "a1", "version": 2, "body": TEXT.replace("3.1%", "3.4%")})
    assert r.status_code == 202
    [second] = placed(r)
    with unit_of_work(sessions) as s:
        [event] = s.scalars(select(EventDelivery)).all()
        assert event.event == "gate.closed" and event.status == "pending"
        assert event.payload["draft"]["external_id"] == "a1"
        assert event.payload["draft"]["revision_id"] == second["revision_id"]
        assert s.scalar(select(Draft.status)) == "extracting"
    # A further edit finds the gate closed already: no second event.
    post_generic("cms", {"id": "a1", "version": 3, "body": TEXT.replace("3.1%", "3.5%")})
    drain()
    with unit_of_work(sessions) as s:
        assert len(s.scalars(select(EventDelivery)).all()) == 1
