"""End to end: a reworded claim gets its near match from the near search a real worker runs after extraction."""

from __future__ import annotations

import pytest

from tests.conftest import wait_for
from tests.desk.conftest import verdict_body
from tests.integration.test_worker_pipeline import claims_when_ready

pytestmark = pytest.mark.worker

LEFT = "Yann LeCun left Meta in November after twelve years at the company."
QUIT = "In November, Yann LeCun quit Meta after twelve years at the company."


def test_a_reworded_claim_shows_the_earlier_check_once_the_worker_has_searched(worker, client, users) -> None:
    _, reporter = users.make("rita", "reporter", "politics")
    _, editor = users.make("eddy", "editor")  # of no desk: sees matches from every desk
    first = client.post("/api/v1/drafts", json={"body": LEFT}, headers=reporter).json["id"]
    listing = wait_for(lambda: claims_when_ready(client, first, reporter), timeout=60)
    checked = next(c for c in listing["items"] if c["type"] == "fact")
    verdict = client.post(f"/api/v1/claims/{checked['id']}/verdicts", json=verdict_body(), headers=editor)
    assert verdict.status_code == 201, verdict.json
    second = client.post("/api/v1/drafts", json={"body": QUIT}, headers=reporter).json["id"]

    def near_matches() -> list[dict[str, object]] | None:
        listing = claims_when_ready(client, second, editor)
        fact = next((c for c in listing["items"] if c["type"] == "fact"), None) if listing else None
        return fact["matches"] if fact else None

    [match] = wait_for(near_matches, timeout=60)
    assert (match["kind"], match["claim_id"], match["verdict_id"]) == ("near", checked["id"], verdict.json["id"])
