"""Verdicts, approval, overrides, the publish gate, the audit log and /metrics over HTTP."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from factdesk.db import unit_of_work
from factdesk.models import Approval, AuditEvent, Verdict

from .conftest import verdict_body


def lease(client, headers) -> int:  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/queue/lease", headers=headers)
    assert r.status_code == 200, r.json
    return int(r.json["id"])


def rate(client, headers, claim_id: int, rating: str = "accurate", status: int = 201):  # type: ignore[no-untyped-def]
    r = client.post(f"/api/v1/claims/{claim_id}/verdicts", json=verdict_body(rating), headers=headers)
    assert r.status_code == status, r.json
    return r.json


def test_a_verdict_supersedes_the_previous_one_and_claims_show_the_latest(client, desk, drafts, sessions) -> None:
    made = drafts.make(desk.rita, 2)
    cid = lease(client, desk.cara_h)
    first = rate(client, desk.cara_h, cid, "unverifiable")
    assert first["claim_status"] == "verdict" and first["draft_status"] == "in_review"
    assert first["checker"] == "cara" and first["time"]
    body = verdict_body("accurate", correction="It was 12, not 13.")
    second = client.post(f"/api/v1/claims/{cid}/verdicts", json=body, headers=desk.eddy_h)
    assert second.status_code == 201
    claims = client.get(f"/api/v1/drafts/{made.id}/claims", headers=desk.rita_h).json["items"]
    by_id = {c["id"]: c for c in claims}
    verdict = by_id[cid]["verdict"]
    assert by_id[cid]["status"] == "verdict"
    assert {k: verdict[k] for k in ("rating", "note", "checker")} == {
        "rating": "accurate", "note": "checked against the record", "checker": "eddy"}
    assert verdict["sources"][0]["url"] == "https://example.org/record" and verdict["time"]
    other = next(c for c in claims if c["id"] != cid)
    assert other["status"] == "open" and other["verdict"] is None
    with unit_of_work(sessions) as s:
        assert s.scalar(select(func.count()).select_from(Verdict).where(Verdict.claim_id == cid)) == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rating": "accurate", "note": "no source"}, "sources"),
        ({"rating": "accurate", "sources": []}, "sources"),
        ({"rating": "true"}, "rating"),
        ({"note": "no rating"}, "rating"),
        ({"rating": "inaccurate", "sources": [{"url": "not a url"}]}, "sources"),
        ({"rating": "inaccurate", "sources": [{"url": "javascript:alert(1)"}]}, "sources"),
        ({"rating": "inaccurate", "verdict": "x"}, "verdict"),
    ],
)
def test_bad_verdict_bodies_are_422_and_store_nothing(client, desk, drafts, sessions, body, field) -> None:
    drafts.make(desk.rita, 1)
    cid = lease(client, desk.cara_h)
    r = client.post(f"/api/v1/claims/{cid}/verdicts", json=body, headers=desk.cara_h)
    assert r.status_code == 422 and field in r.json["errors"]["json"]
    with unit_of_work(sessions) as s:
        assert s.scalar(select(func.count()).select_from(Verdict)) == 0


def test_verdict_refusals(client, desk, drafts, users) -> None:
    made = drafts.make(desk.rita, 2)
    a, b = made.claim_ids
    no_lease = client.post(f"/api/v1/claims/{a}/verdicts", json=verdict_body(), headers=desk.cara_h)
    assert no_lease.status_code == 409 and no_lease.json["errors"]["reason"] == "lease_required"
    held = lease(client, desk.carl_h)
    assert client.post(f"/api/v1/claims/{held}/verdicts", json=verdict_body(), headers=desk.cara_h).status_code == 409
    assert client.post(f"/api/v1/claims/{held}/verdicts", json=verdict_body(),
                       headers=desk.eddy_h).json["errors"]["reason"] == "lease_held"
    assert client.post(f"/api/v1/claims/{a}/verdicts", json=verdict_body(), headers=desk.rita_h).status_code == 403
    assert client.post("/api/v1/claims/424242/verdicts", json=verdict_body(), headers=desk.eddy_h).status_code == 404
    # The author rule holds whatever the author's role.
    boss, boss_h = users.make("boss", "editor")
    own = drafts.make(boss, 1)
    r = client.post(f"/api/v1/claims/{own.claim_ids[0]}/verdicts", json=verdict_body(), headers=boss_h)
    assert r.status_code == 403 and r.json["errors"]["reason"] == "author"
    assert b in made.claim_ids


def clear(client, desk, made, ratings) -> None:  # type: ignore[no-untyped-def]
    for cid, rating in zip(made.claim_ids, ratings, strict=True):
        r = client.post(f"/api/v1/claims/{cid}/verdicts", json=verdict_body(rating), headers=desk.eddy_h)
        assert r.status_code == 201


def test_approval_needs_every_claim_checked_and_none_blocking(client, desk, drafts) -> None:
    made = drafts.make(desk.rita, 3)
    url = f"/api/v1/drafts/{made.id}/approve"
    unchecked = client.post(url, headers=desk.eddy_h)
    assert unchecked.status_code == 409 and unchecked.json["errors"]["blockers"] == made.claim_ids
    clear(client, desk, made, ["accurate", "misleading", "not_checkable"])
    assert client.get(f"/api/v1/drafts/{made.id}", headers=desk.rita_h).json["status"] == "cleared"
    blocked = client.post(url, headers=desk.eddy_h)
    assert blocked.status_code == 409 and blocked.json["errors"]["blockers"] == [made.claim_ids[1]]
    assert blocked.json["errors"]["claims"] == [{"claim_id": made.claim_ids[1], "reason": "misleading"}]
    gate = client.get(f"/api/v1/drafts/{made.id}/gate", headers=desk.rita_h).json
    assert gate["publishable"] is False and gate["blockers"] == [made.claim_ids[1]]
    assert client.post(url, headers=desk.rita_h).status_code == 403  # a reporter
    assert client.post(url, headers=desk.cara_h).status_code == 403  # a checker
    assert client.post("/api/v1/drafts/9999/approve", headers=desk.eddy_h).status_code == 404


@pytest.mark.parametrize(
    ("overrides", "status"),
    [
        ([{"claim_id": 0, "reason": "x"}], 422),
        ([{"claim_id": 1}], 422),
        ([{"claim_id": 1, "reason": "  "}], 422),
        ("all", 422),
    ],
)
def test_bad_approval_bodies_are_422(client, desk, drafts, overrides, status) -> None:
    made = drafts.make(desk.rita, 1)
    r = client.post(f"/api/v1/drafts/{made.id}/approve", json={"overrides": overrides}, headers=desk.eddy_h)
    assert r.status_code == status


def test_override_with_a_reason_opens_the_gate_and_is_audited(client, desk, drafts, sessions) -> None:
    made = drafts.make(desk.rita, 2)
    clear(client, desk, made, ["accurate", "inaccurate"])
    bad = made.claim_ids[1]
    not_blocking = client.post(f"/api/v1/drafts/{made.id}/approve",
                               json={"overrides": [{"claim_id": made.claim_ids[0], "reason": "why not"}]},
                               headers=desk.eddy_h)
    assert not_blocking.status_code == 422
    reason = "The minister's office confirmed the figure in writing."
    r = client.post(f"/api/v1/drafts/{made.id}/approve", json={"overrides": [{"claim_id": bad, "reason": reason}]},
                    headers=desk.eddy_h)
    assert r.status_code == 201
    assert r.json["content_hash"] == made.content_hash and r.json["revision"] == 1 and r.json["editor"] == "eddy"
    assert r.json["overrides"] == [{"claim_id": bad, "reason": reason, "rating": "inaccurate"}]
    draft = client.get(f"/api/v1/drafts/{made.id}", headers=desk.rita_h).json
    assert draft["status"] == "approved" and draft["approval"]["content_hash"] == made.content_hash
    gate = client.get(f"/api/v1/drafts/{made.id}/gate?content_hash={made.content_hash}", headers=desk.rita_h).json
    assert gate == {"publishable": True, "revision": 1, "content_hash": made.content_hash, "blockers": [],
                    "reason": "approved", "current_revision": 1}
    events = client.get(f"/api/v1/drafts/{made.id}/audit", headers=desk.rita_h).json
    override = next(e for e in events if e["action"] == "claim.override")
    assert override["claim_id"] == bad and override["actor"] == "editor:eddy" and override["time"]
    assert override["before"] == {"rating": "inaccurate", "blocking": True}
    assert override["after"]["reason"] == reason
    assert [e["action"] for e in events][:2] == ["draft.created", "revision.created"]
    assert "draft.approved" in [e["action"] for e in events]
    assert [e["id"] for e in client.get(f"/api/v1/drafts/{made.id}/audit?after_id={events[-2]['id']}",
                                         headers=desk.rita_h).json] == [events[-1]["id"]]


def test_the_author_never_approves(client, drafts, users) -> None:
    boss, boss_h = users.make("boss", "editor")
    own = drafts.make(boss, 0)
    r = client.post(f"/api/v1/drafts/{own.id}/approve", headers=boss_h)
    assert r.status_code == 403 and r.json["errors"]["reason"] == "author"


def test_the_gate_refuses_a_text_edited_after_approval(client, desk, drafts, sessions) -> None:
    made = drafts.make(desk.rita, 1, external_id="story-9")
    clear(client, desk, made, ["accurate"])
    assert client.post(f"/api/v1/drafts/{made.id}/approve", headers=desk.eddy_h).status_code == 201
    edited = drafts.edit(desk.rita, "story-9", "The edited text, after approval: 14 facts.", n=1)
    old = client.get(f"/api/v1/drafts/{made.id}/gate?content_hash={made.content_hash}", headers=desk.rita_h).json
    assert old["publishable"] is False and old["reason"] == "not_current" and old["revision"] == 1
    new = client.get(f"/api/v1/drafts/{made.id}/gate", headers=desk.rita_h).json
    assert new["publishable"] is False and new["content_hash"] == edited.content_hash and new["revision"] == 2
    assert new["blockers"] == edited.claim_ids
    unknown = client.get(f"/api/v1/drafts/{made.id}/gate?content_hash={'0' * 64}", headers=desk.rita_h).json
    assert unknown["publishable"] is False and unknown["revision"] is None
    draft = client.get(f"/api/v1/drafts/{made.id}", headers=desk.rita_h).json
    assert draft["status"] == "in_review" and draft["approval"]["current"] is False
    # Approving the text the editor read, now stale, is refused.
    stale = client.post(f"/api/v1/drafts/{made.id}/approve", json={"content_hash": made.content_hash},
                        headers=desk.eddy_h)
    assert stale.status_code == 409 and stale.json["errors"]["reason"] == "stale_revision"
    clear(client, desk, edited, ["accurate"])
    assert client.post(f"/api/v1/drafts/{made.id}/approve", json={"content_hash": edited.content_hash},
                       headers=desk.eddy_h).status_code == 201
    assert client.get(f"/api/v1/drafts/{made.id}/gate", headers=desk.rita_h).json["publishable"] is True
    with unit_of_work(sessions) as s:
        assert s.scalar(select(func.count()).select_from(Approval)) == 2


def test_a_blocking_verdict_after_approval_closes_the_gate_until_approved_again(client, desk, drafts) -> None:
    made = drafts.make(desk.rita, 2)
    clear(client, desk, made, ["accurate", "accurate"])
    assert client.post(f"/api/v1/drafts/{made.id}/approve", headers=desk.eddy_h).status_code == 201
    r = rate(client, desk.eddy_h, made.claim_ids[0], "inaccurate")
    assert r["draft_status"] == "cleared"
    gate = client.get(f"/api/v1/drafts/{made.id}/gate", headers=desk.rita_h).json
    assert gate["publishable"] is False and gate["blockers"] == [made.claim_ids[0]]
    rate(client, desk.eddy_h, made.claim_ids[0], "accurate")
    assert client.get(f"/api/v1/drafts/{made.id}/gate", headers=desk.rita_h).json["publishable"] is False
    assert client.post(f"/api/v1/drafts/{made.id}/approve", headers=desk.eddy_h).status_code == 201
    assert client.get(f"/api/v1/drafts/{made.id}/gate", headers=desk.rita_h).json["publishable"] is True


def test_audit_events_are_append_only(client, desk, drafts, sessions) -> None:
    made = drafts.make(desk.rita, 1)
    with pytest.raises(Exception, match="append-only"), unit_of_work(sessions) as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.draft_id == made.id)).first()
        event.actor = "someone else"
    assert client.get("/api/v1/drafts/9999/audit", headers=desk.rita_h).status_code == 404


def test_metrics_report_queue_depth_leases_and_time_to_verdict(client, desk, drafts, runtime) -> None:
    made = drafts.make(desk.rita, 3, desk="politics")
    drafts.make(desk.rita, 1, desk="business", claim_type="money")
    lease(client, desk.carl_h)
    rate(client, desk.eddy_h, made.claim_ids[2])
    r = client.get("/metrics")
    assert r.status_code == 200 and r.mimetype == "text/plain"
    text = r.get_data(as_text=True)
    assert 'factdesk_queue_depth{desk="politics",type="fact"} 1.0' in text
    assert 'factdesk_queue_depth{desk="business",type="money"} 1.0' in text
    assert 'factdesk_leases_held{desk="politics"} 1.0' in text
    assert "factdesk_extraction_to_verdict_seconds_count 1.0" in text
    assert 'factdesk_extraction_to_verdict_seconds_bucket{le="+Inf"} 1.0' in text
