"""PostgreSQL goes down under a running API and worker: every endpoint answers 503 with Retry-After, never 500,
and once it is back everything answers 2xx again, with nothing restarted.

Always on the private PostgreSQL (servers.py), whatever the suite runs on: the fault is PostgreSQL's.
"""

from __future__ import annotations

import pytest

from tests.faults.conftest import Servers
from tests.faults.stack import Reply, Stack

pytestmark = pytest.mark.worker

TEXT = ("The council approved a budget of $40 million on Tuesday. Unemployment fell to 4.2% in March, the "
        "ministry said. Jane Doe, the chief executive of Acme, said sales rose {}% last year.")


def assert_unavailable(r: Reply, what: str) -> None:
    assert r.status == 503, f"{what}: {r}"
    assert int(r.headers["retry-after"]) > 0, what
    if r.headers["content-type"].startswith("application/json"):
        assert (r.json()["status"], r.json()["code"]) == (503, "unavailable"), what


def claims_of(stack: Stack, draft_id: int, headers: dict[str, str]) -> list[dict] | None:  # type: ignore[type-arg]
    listing = stack.http.get(f"/api/v1/drafts/{draft_id}/claims", headers=headers).json()
    return listing["items"] if listing["revision"]["extraction"] == "done" else None


def test_postgresql_down_is_503_everywhere_and_everything_recovers(servers: Servers, server_stack: Stack):
    stack, http = server_stack, server_stack.http
    rita = stack.user("rita", "reporter")
    cara = stack.user("cara", "checker", password=True)
    eddy = stack.user("eddy", "editor")
    stack.integration("cms")
    stack.integration("other")
    draft = http.post("/api/v1/drafts", json_body={"body": TEXT.format(12)}, headers=rita).json()
    claims = stack.wait(lambda: claims_of(stack, draft["id"], rita), "the draft extracted", timeout=60)
    assert len(claims) >= 3
    held = http.post("/api/v1/queue/lease", json_body={}, headers=cara)
    assert held.status == 200, held
    assert stack.save("cms", "doc-1", TEXT.format(1)).status == 202  # the API now has "cms" cached
    stack.sign_in("cara")
    assert http.get("/desk/queue").status == 200
    verdict = {"rating": "unverifiable", "note": "No public record."}

    def every_endpoint() -> dict[str, Reply]:
        return {
            "drafts list": http.get("/api/v1/drafts", headers=eddy),
            "draft submit": http.post("/api/v1/drafts", json_body={"body": TEXT.format(13)}, headers=rita),
            "queue": http.get("/api/v1/queue", headers=cara),
            "lease": http.post("/api/v1/queue/lease", json_body={}, headers=cara),
            "verdict": http.post(f"/api/v1/claims/{held.json()['id']}/verdicts", json_body=verdict, headers=cara),
            "metrics": http.get("/metrics"),
            # "other" was never asked for: the hook must read it from the database. "cms" may still be cached:
            # then the save reaches the inbox writer, which cannot store it.
            "hook, integration not cached": stack.save("other", "doc-2", TEXT.format(2)),
            "hook": stack.save("cms", "doc-3", TEXT.format(3)),
            "desk page": http.get("/desk/queue"),
        }

    servers.postgres.stop("fast")
    try:
        down = every_endpoint()
        for what, reply in down.items():
            assert_unavailable(reply, what)
        assert down["desk page"].headers["content-type"].startswith("text/html")
        assert b"Try again shortly" in down["desk page"].body
        assert_unavailable(http.get("/readyz"), "readiness")
    finally:
        servers.postgres.start()

    stack.wait(lambda: http.get("/readyz").status == 200, "ready again", timeout=30)
    up = every_endpoint()
    for what, reply in up.items():
        assert 200 <= reply.status < 300, f"{what}: {reply}"
    assert up["verdict"].status == 201 and up["lease"].status == 200
    assert stack.api.alive() and stack.worker.proc is not None and stack.worker.proc.poll() is None
    # The worker came back too: what was accepted after the outage is placed and extracted.
    receipts = [r.json()["saves"][0]["receipt"] for r in (up["hook"], up["hook, integration not cached"])]
    stack.wait(lambda: stack.placed(receipts), "the saves accepted after the outage placed", timeout=60)
    submitted = up["draft submit"].json()
    stack.wait(lambda: claims_of(stack, submitted["id"], rita), "the draft submitted after it extracted",
               timeout=60)
