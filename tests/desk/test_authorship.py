"""Everyone who wrote a revision of a draft is its author: never handed its claims, never rating or approving it.

Issue 12 (4): an editor posted a revision to a reporter's draft through the same `external_id`, recorded the
verdicts on it and approved it (201, publishable), because the rule looked only at the draft's creator.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from factdesk.services.desk_drafts import get_draft_desk
from factdesk.services.desk_queue import load_desk_queue

from .conftest import verdict_body

SOON = datetime.now(UTC) + timedelta(hours=1)


def revise(client, headers, external_id: str, body: str) -> int:  # type: ignore[no-untyped-def]
    """POST a new text for the draft with `external_id`; returns the draft's id."""
    r = client.post("/api/v1/drafts", json={"external_id": external_id, "body": body, "desk": "politics"},
                    headers=headers)
    assert r.status_code == 202, r.json
    return int(r.json["id"])


def test_an_editor_who_revised_a_reporters_draft_neither_rates_nor_approves_it(
    client, desk, drafts, users, sessions
) -> None:
    edna, edna_h = users.make("edna", "editor", "politics")
    drafts.make(desk.rita, 2, external_id="story-1")
    # The walk-around: the editor posts a revision through the reporter's external_id (editors of the desk may).
    draft_id = revise(client, desk.eddy_h, "story-1", "Eddy's text: the council spent $4 million. It hired 12.")
    made = drafts.extract(draft_id, 2)

    for claim_id in made.claim_ids:
        r = client.post(f"/api/v1/claims/{claim_id}/verdicts", json=verdict_body(), headers=desk.eddy_h)
        assert r.status_code == 403 and r.json["code"] == "forbidden" and r.json["errors"]["reason"] == "author"
    assert client.post("/api/v1/queue/lease", headers=desk.eddy_h).status_code == 204

    # A checker clears it; the editor who wrote a revision still may not approve, another editor may.
    for _ in made.claim_ids:
        leased = client.post("/api/v1/queue/lease", headers=desk.cara_h)
        assert leased.status_code == 200
        rated = client.post(f"/api/v1/claims/{leased.json['id']}/verdicts", json=verdict_body(), headers=desk.cara_h)
        assert rated.status_code == 201
    assert client.get(f"/api/v1/drafts/{draft_id}", headers=desk.eddy_h).json["status"] == "cleared"

    refused = client.post(f"/api/v1/drafts/{draft_id}/approve", headers=desk.eddy_h)
    assert refused.status_code == 403 and refused.json["errors"]["reason"] == "author"
    assert client.get(f"/api/v1/drafts/{draft_id}/gate", headers=desk.eddy_h).json["publishable"] is False
    page = get_draft_desk(sessions, desk.eddy, draft_id)
    assert not page.approval.allowed and page.approval.reason == (
        "You wrote a revision of this draft: its author may not approve it.")

    approved = client.post(f"/api/v1/drafts/{draft_id}/approve", headers=edna_h)
    assert approved.status_code == 201
    assert client.get(f"/api/v1/drafts/{draft_id}/gate", headers=edna_h).json["publishable"] is True


def test_the_queue_never_offers_a_claim_of_a_draft_the_checker_wrote_a_revision_of(
    client, desk, drafts, sessions
) -> None:
    other = drafts.make(desk.rita, 2, external_id="other")
    revised = drafts.make(desk.rita, 2, external_id="revised", deadline=SOON)  # the more urgent draft
    revise(client, desk.eddy_h, "revised", "Eddy's edit: 40 people came. The hall cost $2 million.")
    # The reporter writes the current text again: the editor wrote an earlier revision, and still counts.
    revise(client, desk.rita_h, "revised", "Rita's text again: 41 people came. The hall cost $2 million.")
    again = drafts.extract(revised.id, 2)

    # The desk's queue page lists (and counts) only what the lease could hand the editor.
    page = load_desk_queue(sessions, desk.eddy)
    assert [c.id for c in page.items] == other.claim_ids and page.total == 2
    # Everyone else still sees the revised draft first.
    assert [c.id for c in load_desk_queue(sessions, desk.cara).items] == again.claim_ids + other.claim_ids

    leased = [client.post("/api/v1/queue/lease", headers=desk.eddy_h) for _ in range(3)]
    assert [r.status_code for r in leased] == [200, 200, 204]
    assert sorted(r.json["id"] for r in leased[:2]) == sorted(other.claim_ids)
    # Asking for the revised draft's claims by name gives nothing either.
    only = client.post("/api/v1/queue/lease", json={"draft": revised.id}, headers=desk.eddy_h)
    assert only.status_code == 204
    assert client.post("/api/v1/queue/lease", headers=desk.cara_h).json["id"] in again.claim_ids
