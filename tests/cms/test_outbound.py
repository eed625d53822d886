"""Outbound events: signed, retried with backoff by the real worker, logged, readable by editors."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from factdesk.cms import InboundRequest, verify
from factdesk.db import unit_of_work
from factdesk.services.drafts import submit_draft
from factdesk.services.integrations import find_integration, integration_actor
from factdesk.services.notifications import notify_blocking_verdict, notify_gate_change
from factdesk.services.revisions import Submission
from tests.conftest import wait_for

pytestmark = pytest.mark.worker

SECRET = "callback-secret-0123456789"


class Receiver:
    """An HTTP server on 127.0.0.1 that answers 503 to the first `failures` requests, then 200."""

    def __init__(self, failures: int) -> None:
        self.requests: list[tuple[dict[str, str], bytes, float]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body, time.time()))
                self.send_response(503 if len(receiver.requests) <= failures else 200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/factdesk-events"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():  # type: ignore[no-untyped-def]
    r = Receiver(failures=2)
    yield r
    r.close()


def cms_draft(sessions, integrations, url: str) -> int:  # type: ignore[no-untyped-def]
    integrations("newsroom", SECRET, callback_url=url)
    view = find_integration(sessions, "newsroom")
    assert view is not None
    actor = integration_actor(view)
    result = submit_draft(sessions, actor, Submission(body="The city paid $3 million.", external_id="doc-1",
                                                      source="newsroom"))
    return result.draft.id


def test_an_event_is_retried_with_backoff_until_the_cms_accepts_it(
    worker, sessions, integrations, receiver, client, users
):
    draft_id = cms_draft(sessions, integrations, receiver.url)
    with unit_of_work(sessions) as s:
        notify_gate_change(s, draft_id, opened=True, detail={"reason": "approved"})
    wait_for(lambda: len(receiver.requests) >= 3, timeout=60)
    time.sleep(0.5)  # a fourth attempt would come now if the third had not counted
    assert len(receiver.requests) == 3
    keys = {h["idempotency-key"] for h, _, _ in receiver.requests}
    assert len(keys) == 1
    for headers, body, at in receiver.requests:
        # Each attempt is signed in factdesk's scheme with the integration's current secret.
        verify("factdesk", InboundRequest("POST", "/", headers, body, at), [SECRET], 300)
        event = json.loads(body)
        assert event["type"] == "gate.opened" and event["id"] in keys
        assert event["draft"]["external_id"] == "doc-1" and headers["x-factdesk-event"] == "gate.opened"
    # Backoff grows: the second wait is longer than the first (0.2 s, then 0.4 s).
    gaps = [b[2] - a[2] for a, b in zip(receiver.requests, receiver.requests[1:], strict=False)]
    assert gaps[0] >= 0.2 and gaps[1] >= 0.4

    _, editor = users.make("eve", "editor")
    log = wait_for(lambda: (lambda r: r if r["items"][0]["status"] == "delivered" else None)(
        client.get("/api/v1/deliveries?integration=newsroom", headers=editor).json), timeout=10)
    [delivery] = log["items"]
    assert delivery["event"] == "gate.opened" and delivery["attempts"] == 3
    assert [a["status_code"] for a in delivery["log"]] == [503, 503, 200]
    assert delivery["event_id"] == keys.pop()
    one = client.get(f"/api/v1/deliveries/{delivery['id']}", headers=editor)
    assert one.status_code == 200 and one.json["status"] == "delivered"
    _, reporter = users.make("rita", "reporter")
    assert client.get("/api/v1/deliveries", headers=reporter).status_code == 403
    assert client.get("/api/v1/deliveries").status_code == 401


def test_rest_drafts_and_integrations_without_callback_get_no_events(sessions, integrations, users, client):
    integrations("quiet", SECRET)
    reporter, _ = users.make("rita", "reporter")
    rest = submit_draft(sessions, reporter, Submission(body="The city paid $3 million.")).draft.id
    with unit_of_work(sessions) as s:
        notify_gate_change(s, rest, opened=True, detail={})
        notify_blocking_verdict(s, rest, 1, 1)
    _, editor = users.make("eve", "editor")
    assert client.get("/api/v1/deliveries", headers=editor).json["total"] == 0
