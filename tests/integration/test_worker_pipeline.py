"""End to end: a posted draft is extracted by a real Celery worker, also when the broker was down."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from factdesk.api import create_app
from factdesk.db import unit_of_work
from factdesk.models import Claim, OutboxJob
from factdesk.runtime import Runtime
from factdesk.services.revisions import EXTRACT_TASK
from tests.conftest import DEAD_BROKER, wait_for

pytestmark = pytest.mark.worker


def claims_when_ready(client, draft_id, headers):  # type: ignore[no-untyped-def]
    body = client.get(f"/api/v1/drafts/{draft_id}/claims", headers=headers).json
    return body if body["revision"]["extraction"] == "done" else None


def test_worker_extracts_a_posted_draft(worker, client, reporter, lecun_text):
    r = client.post("/api/v1/drafts", json={"title": "LeCun leaves", "body": lecun_text}, headers=reporter)
    assert r.status_code == 202
    listing = wait_for(lambda: claims_when_ready(client, r.json["id"], reporter), timeout=60)
    claims = listing["items"]
    assert len(claims) >= 10
    types = {c["type"] for c in claims}
    assert {"money", "quote", "role"} <= types
    text = client.get(f"/api/v1/drafts/{r.json['id']}/revisions", headers=reporter).json[0]["text"]
    for c in claims:
        assert text[c["start"]:c["end"]] == c["text"]
        assert c["status"] == "open" and c["verdict"] is None
    money = next(c for c in claims if c["type"] == "money")
    assert money["normalized"]["amount"] == 14_000_000_000 and money["normalized"]["currency"] == "USD"
    draft = client.get(f"/api/v1/drafts/{r.json['id']}", headers=reporter).json
    assert draft["status"] == "in_review"
    assert draft["claim_counts"]["total"] == len(claims)
    assert draft["claim_counts"]["by_status"] == {"open": len(claims)}


def test_claims_follow_the_newest_revision(worker, client, reporter):
    first = client.post("/api/v1/drafts", json={"external_id": "e1", "body": "Sales rose 10% in 2019."},
                        headers=reporter)
    second = client.post("/api/v1/drafts", json={"external_id": "e1", "body": "Sales rose 12% in 2019."},
                         headers=reporter)
    listing = wait_for(lambda: claims_when_ready(client, first.json["id"], reporter), timeout=60)
    assert listing["revision"]["id"] == second.json["current_revision"]["id"]
    assert any("12%" in c["text"] for c in listing["items"])
    assert not any("10%" in c["text"] for c in listing["items"])


def test_a_draft_posted_while_the_broker_is_down_is_extracted_once_it_is_back(
    worker, runtime, sessions, users, lecun_text
):
    # An API process whose broker is unreachable: it must still accept the draft.
    down = Runtime(replace(runtime.settings, broker_url=DEAD_BROKER))
    client = create_app(runtime=down).test_client()
    _, headers = users.make("dana", "reporter")
    started = time.monotonic()
    r = client.post("/api/v1/drafts", json={"body": lecun_text}, headers=headers)
    elapsed = time.monotonic() - started
    assert r.status_code == 202
    assert elapsed < 5, "a broker outage must not stall the request"
    with unit_of_work(sessions) as s:
        job = s.scalars(select(OutboxJob)).one()
        assert (job.status, job.send_count) == ("pending", 1)  # kept, waiting for the broker
    # The broker is "back": the worker's periodic sweep, on the real broker, re-sends the job.
    listing = wait_for(lambda: claims_when_ready(client, r.json["id"], headers), timeout=60)
    assert len(listing["items"]) >= 10
    with unit_of_work(sessions) as s:
        job = s.scalars(select(OutboxJob).where(OutboxJob.task == EXTRACT_TASK)).one()
        assert job.status == "done" and job.send_count >= 2  # delivered by the sweep's re-send
    down.dispose()


def test_running_the_extraction_twice_stores_the_claims_once(worker, client, reporter, sessions):
    from factdesk.services.extraction import extract_revision

    r = client.post("/api/v1/drafts", json={"body": "The fine was $725 on Monday, police said."},
                    headers=reporter)
    wait_for(lambda: claims_when_ready(client, r.json["id"], reporter), timeout=60)
    revision_id = r.json["current_revision"]["id"]
    with unit_of_work(sessions) as s:
        before = s.scalar(select(func.count()).select_from(Claim))
    assert extract_revision(sessions, revision_id) == "already_extracted"
    with unit_of_work(sessions) as s:
        assert s.scalar(select(func.count()).select_from(Claim)) == before > 0


def test_a_draft_survives_a_worker_crash_mid_extraction(worker, client, reporter, sessions, lecun_text):
    from factdesk.models import Revision

    # Long enough that the worker is still extracting when it is killed.
    big = "\n".join(lecun_text for _ in range(60))
    r = client.post("/api/v1/drafts", json={"body": big}, headers=reporter)
    assert r.status_code == 202
    draft_id, revision_id = r.json["id"], r.json["current_revision"]["id"]
    wait_for(lambda: f"extracting revision {revision_id} " in worker.log(), timeout=30, interval=0.05)
    worker.kill()
    with unit_of_work(sessions) as s:
        assert s.get(Revision, revision_id).extracted_at is None, "the crash came too late to test anything"
        assert s.scalar(select(OutboxJob.status).where(OutboxJob.draft_id == draft_id)) == "pending"
    worker.start()
    listing = wait_for(lambda: claims_when_ready(client, draft_id, reporter), timeout=120)
    assert len(listing["items"]) >= 10
