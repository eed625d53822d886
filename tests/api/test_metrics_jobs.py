"""/metrics says how many jobs wait for a worker, per task, and how long the oldest has waited."""

from __future__ import annotations

import re

from factdesk.db import unit_of_work
from factdesk.extraction import Claim as FoundClaim
from factdesk.extraction import Extraction
from factdesk.services.drafts import get_draft
from factdesk.services.extraction import store_claims


def _jobs(client) -> dict[str, tuple[float, float]]:  # type: ignore[no-untyped-def]
    text = client.get("/metrics").get_data(as_text=True)
    pending = dict(re.findall(r'^factdesk_jobs_pending\{task="([^"]+)"\} (\S+)$', text, re.M))
    waited = dict(re.findall(r'^factdesk_jobs_oldest_pending_seconds\{task="([^"]+)"\} (\S+)$', text, re.M))
    return {task: (float(n), float(waited[task])) for task, n in pending.items()}


def test_metrics_count_the_jobs_not_yet_run_per_task(client, reporter, sessions) -> None:
    assert _jobs(client) == {}
    body = "Yann LeCun left Meta in November after twelve years at the company."
    r = client.post("/api/v1/drafts", json={"body": body}, headers=reporter)
    assert r.status_code == 202
    [(task, (n, waited))] = _jobs(client).items()  # no worker runs in this test: the extraction waits
    assert (task, n) == ("factdesk.extract_revision", 1.0) and 0 <= waited < 60
    revision = get_draft(sessions, r.json["id"]).current_revision
    fact = FoundClaim(type="fact", spans=((0, len(body) - 1),), text=body[:-1], sentence=body,
                      normalized={"entities": ["Meta", "Yann LeCun"]}, score=0.5, reasons=("test",), fingerprint="f")
    with unit_of_work(sessions) as s:
        assert store_claims(s, revision.id, Extraction(text=revision.text, claims=[fact])) == "stored"
    # The extraction is done, and the near search it queued waits in its turn.
    assert {task: n for task, (n, _) in _jobs(client).items()} == {"factdesk.match_near": 1.0}
