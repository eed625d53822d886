"""The queue over HTTP: urgency order, filters, leasing, caps, desks, renew, release and lease expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from factdesk.db import unit_of_work
from factdesk.domain.actors import SYSTEM
from factdesk.models import AuditEvent, Claim
from factdesk.services.queue import expire_leases

from .conftest import verdict_body

SOON = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)


def expire_now(sessions, claim_id: int) -> None:  # type: ignore[no-untyped-def]
    """Move a lease's expiry into the past, as if its time ran out."""
    with unit_of_work(sessions) as s:
        s.get(Claim, claim_id).lease_expires_at = datetime.now(UTC) - timedelta(seconds=1)


def test_queue_orders_by_deadline_then_check_worthiness_and_filters(client, desk, drafts) -> None:
    later = drafts.make(desk.rita, 2, deadline=SOON + timedelta(hours=5), scores=[0.9, 0.95])
    sooner = drafts.make(desk.rita, 2, deadline=SOON, scores=[0.2, 0.7], desk="business")
    none = drafts.make(desk.rita, 1, deadline=None, scores=[0.99])
    r = client.get("/api/v1/queue", headers=desk.cara_h)
    assert r.status_code == 200
    assert [i["id"] for i in r.json["items"]] == [
        sooner.claim_ids[1], sooner.claim_ids[0], later.claim_ids[1], later.claim_ids[0], none.claim_ids[0]]
    assert r.json["items"][0]["draft"]["desk"] == "business" and r.json["items"][0]["sentence"]
    by_desk = client.get("/api/v1/queue?desk=business", headers=desk.cara_h).json["items"]
    assert {i["draft"]["id"] for i in by_desk} == {sooner.id}
    by_draft = client.get(f"/api/v1/queue?draft={later.id}&limit=1", headers=desk.cara_h).json["items"]
    assert [i["id"] for i in by_draft] == [later.claim_ids[1]]
    assert client.get("/api/v1/queue?type=money", headers=desk.cara_h).json["items"] == []
    assert client.get("/api/v1/queue?type=rumour", headers=desk.cara_h).status_code == 422
    assert client.get("/api/v1/queue").status_code == 401


def test_lease_hands_out_the_most_urgent_claim_then_204_when_nothing_is_left(client, desk, drafts, sessions) -> None:
    made = drafts.make(desk.rita, 2, scores=[0.3, 0.8])
    first = client.post("/api/v1/queue/lease", headers=desk.cara_h)
    assert first.status_code == 200
    assert first.json["id"] == made.claim_ids[1] and first.json["status"] == "leased"
    assert first.json["leased_by_id"] == desk.cara.id and first.json["lease_expires_at"]
    second = client.post("/api/v1/queue/lease", json={}, headers=desk.cara_h)
    assert second.json["id"] == made.claim_ids[0]
    assert client.post("/api/v1/queue/lease", headers=desk.cara_h).status_code == 204
    # Leased claims leave the queue.
    assert client.get("/api/v1/queue", headers=desk.cara_h).json["items"] == []
    with unit_of_work(sessions) as s:
        actions = list(s.scalars(select(AuditEvent.action).where(AuditEvent.draft_id == made.id)))
    assert actions.count("claim.leased") == 2


def test_lease_respects_role_desk_and_author(client, desk, drafts, users) -> None:
    drafts.make(desk.rita, 3, desk="business")
    assert client.post("/api/v1/queue/lease", headers=desk.rita_h).status_code == 403  # a reporter
    assert client.post("/api/v1/queue/lease", headers=desk.carl_h).status_code == 204  # politics only
    # The author, even as an editor, is never handed their own draft's claims.
    author, author_h = users.make("ed2", "editor")
    drafts.make(author, 1, desk="business")
    leased = [client.post("/api/v1/queue/lease", headers=author_h) for _ in range(4)]
    assert [r.status_code for r in leased] == [200, 200, 200, 204]
    assert all(r.json["draft"]["desk"] == "business" for r in leased[:3])


def test_lease_cap(client, desk, drafts, runtime) -> None:
    drafts.make(desk.rita, runtime.settings.lease_cap + 1)
    got = [client.post("/api/v1/queue/lease", headers=desk.cara_h) for _ in range(runtime.settings.lease_cap)]
    assert all(r.status_code == 200 for r in got)
    over = client.post("/api/v1/queue/lease", headers=desk.cara_h)
    assert over.status_code == 409
    assert over.json["errors"]["reason"] == "lease_cap" and over.json["errors"]["cap"] == runtime.settings.lease_cap


def test_renew_and_release(client, desk, drafts, sessions) -> None:
    made = drafts.make(desk.rita, 1)
    lease = client.post("/api/v1/queue/lease", headers=desk.cara_h).json
    cid = lease["id"]
    # Someone else may neither renew nor release it; an editor may release it.
    other = client.post(f"/api/v1/claims/{cid}/renew", headers=desk.carl_h)
    assert other.status_code == 409 and other.json["errors"]["reason"] == "lease_held"
    assert client.post(f"/api/v1/claims/{cid}/release", headers=desk.carl_h).status_code == 409
    renewed = client.post(f"/api/v1/claims/{cid}/renew", headers=desk.cara_h)
    assert renewed.status_code == 200 and renewed.json["lease_expires_at"] >= lease["lease_expires_at"]
    released = client.post(f"/api/v1/claims/{cid}/release", headers=desk.cara_h)
    assert released.status_code == 200 and released.json["status"] == "open" and released.json["leased_by_id"] is None
    again = client.post(f"/api/v1/claims/{cid}/release", headers=desk.cara_h)
    assert again.status_code == 409 and again.json["errors"]["reason"] == "not_leased"
    client.post("/api/v1/queue/lease", headers=desk.cara_h)
    assert client.post(f"/api/v1/claims/{cid}/release", headers=desk.eddy_h).status_code == 200
    assert client.post("/api/v1/claims/999999/renew", headers=desk.cara_h).status_code == 404
    assert client.post(f"/api/v1/claims/{cid}/release", headers=desk.rita_h).status_code == 403
    with unit_of_work(sessions) as s:
        events = [(e.action, e.actor) for e in s.scalars(select(AuditEvent).where(AuditEvent.claim_id == cid))]
    assert events == [("claim.leased", "checker:cara"), ("claim.lease_renewed", "checker:cara"),
                      ("claim.released", "checker:cara"), ("claim.leased", "checker:cara"),
                      ("claim.released", "editor:eddy")]
    assert made.claim_ids == [cid]


def test_an_expired_lease_is_leasable_at_once_and_the_old_holder_loses_it(client, desk, drafts, sessions) -> None:
    drafts.make(desk.rita, 1)
    cid = client.post("/api/v1/queue/lease", headers=desk.cara_h).json["id"]
    expire_now(sessions, cid)
    # Back in the queue before any sweep ran.
    assert [i["id"] for i in client.get("/api/v1/queue", headers=desk.carl_h).json["items"]] == [cid]
    taken = client.post("/api/v1/queue/lease", headers=desk.carl_h)
    assert taken.status_code == 200 and taken.json["id"] == cid and taken.json["leased_by_id"] == desk.carl.id
    late = client.post(f"/api/v1/claims/{cid}/verdicts", json=verdict_body(), headers=desk.cara_h)
    assert late.status_code == 409 and late.json["errors"]["reason"] == "lease_held"
    renew = client.post(f"/api/v1/claims/{cid}/renew", headers=desk.cara_h)
    assert renew.status_code == 409
    with unit_of_work(sessions) as s:
        expiry = s.scalars(select(AuditEvent).where(AuditEvent.action == "claim.lease_expired")).one()
    assert expiry.claim_id == cid and expiry.before["leased_by_id"] == desk.cara.id
    assert expiry.after["status"] == "open" and expiry.actor == "checker:carl"


def test_the_sweep_returns_expired_leases_and_audits_each(client, desk, drafts, sessions) -> None:
    drafts.make(desk.rita, 3)
    ids = [client.post("/api/v1/queue/lease", headers=desk.cara_h).json["id"] for _ in range(2)]
    expire_now(sessions, ids[0])
    assert expire_leases(sessions, SYSTEM) == 1
    assert expire_leases(sessions, SYSTEM) == 0  # safe to repeat
    with unit_of_work(sessions) as s:
        claims = {c.id: c for c in s.scalars(select(Claim).where(Claim.id.in_(ids)))}
        events = list(s.scalars(select(AuditEvent).where(AuditEvent.action == "claim.lease_expired")))
    assert claims[ids[0]].status == "open" and claims[ids[0]].leased_by_id is None
    assert claims[ids[1]].status == "leased"
    assert [(e.claim_id, e.actor) for e in events] == [(ids[0], "system")]
    metrics = client.get("/metrics").get_data(as_text=True)
    assert "factdesk_lease_expiries_total 1.0" in metrics


def test_claims_of_a_superseded_revision_leave_the_queue(client, desk, drafts) -> None:
    old = drafts.make(desk.rita, 2, external_id="story-1")
    cid = client.post("/api/v1/queue/lease", headers=desk.cara_h).json["id"]
    new = drafts.edit(desk.rita, "story-1", "A different text: 7 facts changed.", n=1)
    items = client.get("/api/v1/queue", headers=desk.cara_h).json["items"]
    assert [i["id"] for i in items] == new.claim_ids
    stale = client.post(f"/api/v1/claims/{cid}/verdicts", json=verdict_body(), headers=desk.cara_h)
    assert stale.status_code == 409 and stale.json["errors"]["reason"] == "stale_revision"
    assert client.post(f"/api/v1/claims/{old.claim_ids[1]}/verdicts", json=verdict_body(),
                       headers=desk.eddy_h).status_code == 409
