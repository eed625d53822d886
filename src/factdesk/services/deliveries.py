"""Delivering outbound events to a CMS's callback URL, and the delivery log that records every attempt."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..cms.schemes import factdesk as factdesk_scheme
from ..config import Settings
from ..db import Sessions, unit_of_work
from ..domain.actors import Actor
from ..domain.roles import Permission
from ..models import EventDelivery, Integration, OutboxJob, utcnow
from .errors import Forbidden, NotFound
from .notifications import DELIVER_TASK

MAX_BACKOFF_SECONDS = 3600.0


@dataclass(frozen=True)
class Attempt:
    """What one run of an outbound task did: "retry" (after `retry_in` seconds), "done_already", or the
    task's word for its end ("delivered" or "failed" for a delivery, "done" or "failed" for a revert)."""

    outcome: str
    retry_in: float = 0.0


@dataclass(frozen=True)
class _Request:
    url: str
    body: bytes
    headers: dict[str, str]


def backoff(settings: Settings, attempts: int) -> float:
    """Seconds before attempt `attempts + 1`: base, 2×base, 4×base, … capped at an hour."""
    return min(MAX_BACKOFF_SECONDS, settings.callback_backoff_seconds * 2 ** max(0, attempts - 1))


def attempt_delivery(sessions: Sessions, settings: Settings, delivery_id: int) -> Attempt:
    """POST one event to its callback URL once, and log the attempt. Safe to repeat: a delivered or
    failed event is not sent again, and the receiver sees one idempotency key (the event id) per event.

    Two units of work, not one: the request is made between two short transactions, so that no lock is
    held while the CMS answers.
    """
    with unit_of_work(sessions) as session:
        prepared = _prepare(session, settings, delivery_id)
    if prepared is None:
        return Attempt("done_already")
    if not isinstance(prepared, _Request):
        return Attempt("not_due")
    started = time.monotonic()
    status_code, error = _post(prepared, settings.callback_timeout_seconds)
    elapsed_ms = int((time.monotonic() - started) * 1000)
    with unit_of_work(sessions) as session:
        return _record(session, settings, delivery_id, status_code, error, elapsed_ms)


def _prepare(session: Session, settings: Settings, delivery_id: int) -> _Request | str | None:
    delivery = session.get(EventDelivery, delivery_id)
    if delivery is None or delivery.status != "pending":
        _finish_job(session, delivery_id, delivery.draft_id if delivery else None)
        return None
    if delivery.log:
        # A second copy of the job (the sweep re-sent it while this one waited in backoff) must not
        # attempt early: the backoff holds whichever copy arrives first.
        due = datetime.fromisoformat(delivery.log[-1]["at"]) + timedelta(seconds=backoff(settings, delivery.attempts))
        if utcnow() < due - timedelta(milliseconds=50):
            return "not_due"
    integration = session.get(Integration, delivery.integration_id)
    assert integration is not None
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode("utf-8")
    # Signed with the current secret (the first): after a rotation the CMS verifies with the new one.
    secret = (integration.secrets or [""])[0]
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "factdesk",
        "Idempotency-Key": delivery.event_id,
        "X-Factdesk-Event": delivery.event,
        factdesk_scheme.HEADER: factdesk_scheme.sign(secret, int(time.time()), body),
    }
    return _Request(delivery.url, body, headers)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect is an answer we do not follow: the event is not delivered


# Outbound HTTP to a CMS (callbacks here, unpublish calls in services.reverts): redirects are not followed.
OPENER = urllib.request.build_opener(_NoRedirect)


def _post(req: _Request, timeout: float) -> tuple[int | None, str | None]:
    try:
        with OPENER.open(urllib.request.Request(req.url, data=req.body, headers=req.headers, method="POST"),
                          timeout=timeout) as response:
            return response.status, None
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return None, str(getattr(exc, "reason", exc))[:500]


def _record(
    session: Session, settings: Settings, delivery_id: int, status_code: int | None, error: str | None, ms: int
) -> Attempt:
    delivery = session.get(EventDelivery, delivery_id, with_for_update=True)
    if delivery is None or delivery.status != "pending":
        return Attempt("done_already")
    now = utcnow()
    ok = status_code is not None and 200 <= status_code < 300
    delivery.attempts += 1
    delivery.log = [*delivery.log, {"at": now.isoformat(), "status_code": status_code,
                                    "error": None if ok else error or f"HTTP {status_code}", "ms": ms}]
    if ok:
        delivery.status, delivery.delivered_at = "delivered", now
        _finish_job(session, delivery.id, delivery.draft_id)
        return Attempt("delivered")
    delivery.last_error = error or f"HTTP {status_code}"
    if delivery.attempts >= settings.callback_max_attempts:
        delivery.status = "failed"
        _finish_job(session, delivery.id, delivery.draft_id, error=delivery.last_error)
        return Attempt("failed")
    wait = backoff(settings, delivery.attempts)
    # Push the outbox job out too, so the sweep does not send it again while we are backing off.
    for job in _pending_jobs(session, delivery.id, delivery.draft_id):
        job.available_at, job.sent_at, job.last_error = now + timedelta(seconds=wait), now, delivery.last_error
    return Attempt("retry", wait)


def _pending_jobs(session: Session, delivery_id: int, draft_id: int | None) -> list[OutboxJob]:
    jobs = session.scalars(select(OutboxJob).where(
        OutboxJob.task == DELIVER_TASK, OutboxJob.status == "pending", OutboxJob.draft_id == draft_id
    ))
    return [j for j in jobs if j.args == [delivery_id]]


def _finish_job(session: Session, delivery_id: int, draft_id: int | None, error: str | None = None) -> None:
    for job in _pending_jobs(session, delivery_id, draft_id):
        job.status, job.done_at, job.last_error = "done", utcnow(), error


# --- reading the log -----------------------------------------------------------------------------

def _check_reader(actor: Actor) -> None:
    if not actor.can(Permission.READ_GATE_LOGS):
        raise Forbidden("only editors and admins may read the delivery log", details={"reason": "role"})


@dataclass(frozen=True)
class DeliveryView:
    """One outbound event, its payload and every attempt (`log`: {"at", "status_code", "error", "ms"})."""

    id: int
    event_id: str
    event: str
    integration: str
    draft_id: int | None
    url: str
    status: str
    attempts: int
    log: list[dict[str, Any]]
    last_error: str | None
    payload: dict[str, Any]
    created_at: datetime
    delivered_at: datetime | None


@dataclass(frozen=True)
class DeliveryPage:
    items: list[DeliveryView]
    total: int
    limit: int
    offset: int


def delivery_view(delivery: EventDelivery, integration_name: str) -> DeliveryView:
    return DeliveryView(
        id=delivery.id, event_id=delivery.event_id, event=delivery.event, integration=integration_name,
        draft_id=delivery.draft_id, url=delivery.url, status=delivery.status, attempts=delivery.attempts,
        log=delivery.log, last_error=delivery.last_error, payload=delivery.payload, created_at=delivery.created_at,
        delivered_at=delivery.delivered_at,
    )


def list_deliveries(
    sessions: Sessions, actor: Actor, *, integration: str | None = None, draft_id: int | None = None,
    status: str | None = None, limit: int = 50, offset: int = 0,
) -> DeliveryPage:
    """Outbound events, newest first, with every attempt. Raises Forbidden for non-editors."""
    _check_reader(actor)
    query = select(EventDelivery, Integration.name).join(Integration, Integration.id == EventDelivery.integration_id)
    if integration:
        query = query.where(Integration.name == integration)
    if draft_id is not None:
        query = query.where(EventDelivery.draft_id == draft_id)
    if status:
        query = query.where(EventDelivery.status == status)
    with unit_of_work(sessions) as session:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = session.execute(query.order_by(EventDelivery.id.desc()).limit(limit).offset(offset))
        return DeliveryPage([delivery_view(d, name) for d, name in rows], total, limit, offset)


def get_delivery(sessions: Sessions, actor: Actor, delivery_id: int) -> DeliveryView:
    """One outbound event and its attempts. Raises Forbidden, NotFound."""
    _check_reader(actor)
    with unit_of_work(sessions) as session:
        row = session.execute(
            select(EventDelivery, Integration.name)
            .join(Integration, Integration.id == EventDelivery.integration_id)
            .where(EventDelivery.id == delivery_id)
        ).first()
        if row is None:
            raise NotFound(f"no delivery {delivery_id}")
        return delivery_view(row[0], row[1])
