"""The CMS inbox: the hook stores each verified save with one INSERT; workers turn the rows into revisions.

Receiving, on the request path: `check_save` refuses what can be refused without the database (format,
text present) and `store_saves` compares the save with the saves of its document received before it (the
same rules as `services.saves`) in one indexed read, and stores it with one INSERT on a Core connection
(`services.inbox_writer` commits the rows of concurrent requests together). Placing the save
(draft row lock, revision, ordering, outbox, audit) is `drain_inbox`, run by the `factdesk.process_inbox`
task and by the periodic drain, in batches, in id order, safe to run twice or concurrently.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Connection, Table, bindparam, func, insert, literal, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ..cms import Save
from ..db import unit_of_work
from ..extraction import normalize
from ..models import CmsInboxItem, Integration, utcnow
from .drafts import FORMATS, content_hash
from .errors import Invalid, ServiceError
from .integrations import IntegrationView, integration_view
from .saves import CmsVersion, Placement, place_after, previous_hash
from .webhooks import receive_save

log = logging.getLogger(__name__)

INBOX = cast(Table, CmsInboxItem.__table__)
# What the CMS is told about a save: "accepted" (stored; a worker makes it the draft's newest revision),
# "unchanged" (newer, but the text it has already), "stale" (older than what it has: kept as history),
# "duplicate" (a redelivery of a save received before: nothing stored).
ACCEPTED, UNCHANGED, STALE, DUPLICATE = "accepted", "unchanged", str(Placement.STALE), str(Placement.DUPLICATE)
DRAIN_TASK = "factdesk.process_inbox"
# The PostgreSQL advisory lock drains take per batch (any constant unique within this database).
INBOX_LOCK = 0x66647378  # "fdsx"


@dataclass(frozen=True)
class Receipt:
    """What the hook answers for one save; `receipt` is its inbox row (None for a duplicate: not stored)."""

    external_id: str
    outcome: str
    receipt: int | None


@dataclass(frozen=True)
class CheckedSave:
    """A save that can be stored, with its text's hash and its predecessor's (as submit_draft computes them)."""

    save: Save
    digest: str
    previous_hash: str | None


def check_save(save: Save) -> CheckedSave:
    """Refuse what submit_draft would refuse (Invalid: unknown format, no text), before anything is stored."""
    if save.format not in FORMATS:
        raise Invalid(f"format must be one of {', '.join(FORMATS)}", details={"format": ["unknown format"]})
    normalized = normalize(save.body, save.format, title=save.title)
    body = normalized if save.title is None else normalize(save.body, save.format)
    if not body.text.strip():
        raise Invalid("body has no text", details={"body": ["must contain text"]})
    prev_hash = None
    if save.source_order is not None:
        prev_hash = previous_hash(CmsVersion(order=save.source_order, previous_body=save.previous_body,
                                             previous_title=save.previous_title, first_save=save.first_save),
                                  save.format)
    return CheckedSave(save, content_hash(normalized.text), prev_hash)


def store_saves(conn: Connection, integration_id: int, checked: list[CheckedSave]) -> list[Receipt]:
    """Store each save in the inbox (the caller commits), unless it is a redelivery of one stored before."""
    receipts = []
    for item in checked:
        save = item.save
        answer = _answer(conn, integration_id, item)
        row_id = None
        if answer != DUPLICATE:
            row_id = conn.execute(_INSERT, {
                "integration_id": integration_id, "external_id": save.external_id,
                "source_order": save.source_order, "content_hash": item.digest, "previous_hash": item.previous_hash,
                "payload": save.to_json(), "answer": answer, "received_at": utcnow(),
            }).scalar_one()
        receipts.append(Receipt(save.external_id, answer, row_id))
    return receipts


# Built once (with bind parameters): constructing these per request costs more than running them.
_INSERT = insert(INBOX).returning(INBOX.c.id)
_DOCUMENT = (INBOX.c.integration_id == bindparam("integration_id")) & (INBOX.c.external_id == bindparam("external_id"))
_COLUMNS = (INBOX.c.source_order, INBOX.c.content_hash, INBOX.c.previous_hash)
_NOT_STALE = func.coalesce(INBOX.c.outcome, INBOX.c.answer).not_in([STALE, "rejected"])
# A save without a CMS version is compared with the document's newest save by arrival.
_HEAD_BY_ARRIVAL = (select(literal(False).label("same"), *_COLUMNS).where(_DOCUMENT, _NOT_STALE)
                    .order_by(INBOX.c.id.desc()).limit(1))
# A versioned one: its own earlier delivery if any, and the newest versioned save that was not stale.
_SAME_AND_HEAD = union_all(
    select(select(literal(True).label("same"), *_COLUMNS).where(
        _DOCUMENT, INBOX.c.source_order == bindparam("order"), INBOX.c.content_hash == bindparam("digest"),
    ).limit(1).subquery()),
    select(select(literal(False).label("same"), *_COLUMNS).where(
        _DOCUMENT, _NOT_STALE, INBOX.c.source_order.is_not(None),
    ).order_by(INBOX.c.source_order.desc(), INBOX.c.id.desc()).limit(1).subquery()),
)


def _answer(conn: Connection, integration_id: int, item: CheckedSave) -> str:
    """Compare the save with its document's saves received so far, in one round trip: its own earlier
    delivery if any (a duplicate) and the document's head (its newest save that was not stale).

    Two deliveries of one document racing in two API processes may both be answered "accepted"; the worker
    places them by the same rules, so what is stored is the same either way.
    """
    save = item.save
    params = {"integration_id": integration_id, "external_id": save.external_id}
    if save.source_order is None:
        rows = conn.execute(_HEAD_BY_ARRIVAL, params).all()
    else:
        rows = conn.execute(_SAME_AND_HEAD, {**params, "order": save.source_order, "digest": item.digest}).all()
    if any(row.same for row in rows):
        return DUPLICATE
    head = rows[0] if rows else None
    if save.source_order is not None and place_after(head, save.source_order, item.digest,
                                                     item.previous_hash) == STALE:
        return STALE
    return UNCHANGED if head is not None and head.content_hash == item.digest else ACCEPTED


def drain_inbox(sessions: sessionmaker[Session], *, debounce: float, batch: int = 100,
                seconds: float | None = None) -> int:
    """Place waiting saves, `batch` per transaction, oldest first, until none is left (or `seconds` have
    passed); returns how many rows were processed. Safe to run twice and concurrently: batches take turns
    (an advisory lock on PostgreSQL, the single writer on SQLite), each taking the oldest waiting rows."""
    deadline = None if seconds is None else time.monotonic() + seconds
    total = 0
    while True:
        with unit_of_work(sessions) as session:
            done = process_inbox_batch(session, debounce=debounce, batch=batch)
        total += done
        if done < batch or (deadline is not None and time.monotonic() > deadline):
            return total


def process_inbox_batch(session: Session, *, debounce: float, batch: int = 100) -> int:
    """Place up to `batch` waiting saves (the oldest) in the caller's transaction, each through
    `receive_save` (the ordering, redelivery and debounce rules), marking each row processed; returns how
    many."""
    if session.get_bind().dialect.name == "postgresql":
        # One batch at a time, as on SQLite (one writer): saves are placed strictly in arrival order, and
        # two drains never hold locks on each other's drafts (a deadlock). A second drain waits its turn.
        session.execute(select(func.pg_advisory_xact_lock(INBOX_LOCK)))
    query = select(CmsInboxItem).where(CmsInboxItem.processed_at.is_(None)).order_by(CmsInboxItem.id).limit(batch)
    rows = list(session.scalars(query))
    views: dict[int, IntegrationView | None] = {}
    for row in rows:
        if row.integration_id not in views:
            integration = session.get(Integration, row.integration_id)
            views[row.integration_id] = None if integration is None else integration_view(integration)
        _place(session, views[row.integration_id], row, debounce)
        row.processed_at = utcnow()
    return len(rows)


def _place(session: Session, view: IntegrationView | None, row: CmsInboxItem, debounce: float) -> None:
    assert row.payload is not None and view is not None  # processed rows are never selected; FKs cascade
    save = Save.from_json(row.payload)
    for attempt in (1, 2):
        try:
            with session.begin_nested():
                received = receive_save(session, view, save, debounce=debounce)
        except IntegrityError:
            # Two drains created the same new draft at once; the second attempt finds the first's draft.
            if attempt == 2:
                raise
        except ServiceError as exc:
            # The request checked what makes a save unusable, so this is a rule changed since (e.g. the
            # integration's user lost its role): keep the save and say why, never block the rows behind it.
            log.warning("inbox row %s (%s) rejected: %s", row.id, row.external_id, exc)
            row.outcome, row.error = "rejected", str(exc)
            return
        else:
            row.outcome, row.draft_id, row.revision_id = received.outcome, received.draft_id, received.revision_id
            row.payload = None  # the revision holds the text now; the row stays as a receipt
            return


def count_waiting(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(CmsInboxItem)
                          .where(CmsInboxItem.processed_at.is_(None))) or 0
