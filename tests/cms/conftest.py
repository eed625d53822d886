"""CMS test helpers: the real captured requests, integrations, and signing requests the way each CMS does."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from factdesk.cms.schemes import factdesk as factdesk_scheme
from factdesk.db import unit_of_work
from factdesk.models import AuditEvent, CmsInboxItem, CmsSave, Draft, OutboxJob, Revision
from factdesk.services.inbox import count_waiting, drain_inbox
from factdesk.services.integrations import add_integration

CAPTURES = Path(__file__).parent.parent / "fixtures" / "cms"
GHOST_SECRET = "factdesk-ghost-secret"
SHARED_TOKEN = "factdesk-shared-token"
GENERIC_SECRET = "generic-secret-0123456789"


def capture(name: str) -> dict[str, Any]:
    """A real request a CMS sent: method, path, headers, body_raw (exact bytes), body_json."""
    return json.loads((CAPTURES / f"{name}.json").read_text(encoding="utf-8"))


def capture_time(cap: dict[str, Any]) -> float:
    """When it was captured, as the clock the replay window is checked against."""
    from datetime import datetime

    return datetime.fromisoformat(cap["received_at"]).timestamp()


def count_rows(sessions, *models) -> tuple[int, ...]:  # type: ignore[no-untyped-def]
    with unit_of_work(sessions) as s:
        return tuple(s.scalar(select(func.count()).select_from(m)) or 0 for m in models)


STORED = (CmsInboxItem, Draft, Revision, CmsSave, OutboxJob, AuditEvent)


@pytest.fixture
def integrations(sessions):  # type: ignore[no-untyped-def]
    """Makes integrations: `integrations(name, secret, fmt=..., scheme=..., callback_url=...)`."""

    def make(name: str, secret: str, **kwargs: Any) -> None:
        add_integration(sessions, name, secret, **kwargs)

    return make


@pytest.fixture
def drain(sessions, settings):  # type: ignore[no-untyped-def]
    """Place every save waiting in the inbox, as the worker's `factdesk.process_inbox` does."""

    def run() -> None:
        drain_inbox(sessions, debounce=settings.debounce_seconds)
        with unit_of_work(sessions) as s:
            assert count_waiting(s) == 0, "the drain left saves waiting"

    return run


@pytest.fixture
def placed(drain, sessions):  # type: ignore[no-untyped-def]
    """Drain the inbox, then say what became of each save a hook answer stored: outcome, draft_id, revision_id."""

    def of(response) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
        drain()
        with unit_of_work(sessions) as s:
            rows = [s.get(CmsInboxItem, save["receipt"]) for save in response.json["saves"]]
            return [{"outcome": r.outcome, "draft_id": r.draft_id, "revision_id": r.revision_id} for r in rows]

    return of


@pytest.fixture
def replay(app, client):  # type: ignore[no-untyped-def]
    """POST a captured request, exactly as it arrived, to an integration's hook at its capture time."""

    def send(cap: dict[str, Any], integration: str, *, body: bytes | None = None):  # type: ignore[no-untyped-def]
        app.extensions["factdesk.clock"] = lambda: capture_time(cap)
        headers = {k: v for k, v in cap["headers"].items()
                   if k.lower() not in ("content-length", "host", "connection")}
        return client.post(f"/api/v1/webhooks/cms/{integration}", data=cap["body_raw"].encode("utf-8")
                           if body is None else body, headers=headers)

    return send


@pytest.fixture
def post_generic(client):  # type: ignore[no-untyped-def]
    """POST a generic-format save signed in factdesk's scheme (now, unless `t` is given)."""

    def send(integration: str, payload: dict[str, Any] | bytes, *, secret: str = GENERIC_SECRET,
             t: int | None = None, content_type: str = "application/json"):  # type: ignore[no-untyped-def]
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        signature = factdesk_scheme.sign(secret, int(time.time()) if t is None else t, body)
        return client.post(f"/api/v1/webhooks/cms/{integration}", data=body,
                           headers={"Content-Type": content_type, factdesk_scheme.HEADER: signature})

    return send


@pytest.fixture
def newsroom(sessions, users, integrations, post_generic, drain):  # type: ignore[no-untyped-def]
    """A generic-format CMS (`newsroom`) with a callback URL, a checker and an editor (test_publication_gate)."""
    from tests.cms.test_publication_gate import Newsroom

    url = "http://127.0.0.1:9/factdesk-events"
    integrations("newsroom", GENERIC_SECRET, callback_url=url)
    return Newsroom(sessions, users, post_generic, drain, url)
