"""The CMS inbox: the hook stores each verified save with one INSERT; workers turn the rows into revisions.

Receiving, on the request path: `receive_saves` is the hook's use case. `check_save` refuses what can be
refused without the database (format, text present) and hashes the text as sent; `services.inbox_writer`
hands the saves of concurrent requests to `store_saves`, which answers each by the ordering rule
(`services.cms_saves.place`) over what its document received before and stores them: one read, one
multi-row INSERT and one commit per batch. Placing a save in its draft (draft row lock, revision, ordering,
outbox, audit) is `drain_inbox`, run by the `factdesk.process_inbox` task and by the periodic drain, in
batches, in id order, safe to run twice or concurrently.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, cast

from sqlalchemy import Connection, Select, Table, TextClause, func, insert, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import Session

from ..cms import Save
from ..db import Sessions, unit_of_work
from ..extraction import normalize
from ..models import CmsInboxItem, Integration, utcnow
from . import failures
from .cms_saves import NO_PREDECESSOR, NOT_LIVE, Earlier, place, receive_save
from .errors import Invalid, ServiceError
from .integrations import IntegrationView, integration_view
from .revisions import FORMATS, SaveOutcome
from .storage_limits import check_fields

log = logging.getLogger(__name__)

INBOX = cast(Table, CmsInboxItem.__table__)
DRAIN_TASK = "factdesk.process_inbox"
# The PostgreSQL advisory lock drains take per batch (any constant unique within this database).
INBOX_LOCK = 0x66647378  # "fdsx"


@dataclass(frozen=True)
class Receipt:
    """What the hook answers for one save; `receipt` is its inbox row (None for a duplicate: not stored).

    `outcome`: ACCEPTED (stored; a worker makes it the draft's newest revision), UNCHANGED (newer, but the
    text the document has already), STALE (older than what it has: kept as history) or DUPLICATE (a
    redelivery of a save received before: nothing stored).
    """

    external_id: str
    outcome: SaveOutcome
    receipt: int | None


@dataclass(frozen=True)
class Answer:
    """The hook's answer to one delivery: ACCEPTED when any of its saves was, else the first save's outcome
    (IGNORED for a delivery that held no save), and a receipt per save."""

    status: SaveOutcome
    receipts: list[Receipt]


class NotStored(Exception):
    """The saves could not be stored (the database is down or too slow): nothing was accepted, retry."""


class SaveStore(Protocol):
    """Stores checked saves durably: the process's `services.inbox_writer.InboxWriter`."""

    def store(self, integration_id: int, saves: list[CheckedSave]) -> list[Receipt]: ...


class DrainRequest(Protocol):
    """Asks the workers to drain the inbox, without blocking: the process's `wiring.DrainSignal`."""

    def notify(self) -> None: ...


def receive_saves(store: SaveStore, drain: DrainRequest, integration_id: int, saves: list[Save]) -> Answer:
    """Store one delivery's saves durably (committed when this returns; `store` is the process's
    `InboxWriter`, the hook's unit of work) and ask the workers, through `drain`, to place them.

    Raises Invalid when a save cannot be stored (nothing of the delivery is), NotStored when the database
    could not store them now (down, too slow, anything a retry may get past). Safe to repeat: a redelivered
    save is answered DUPLICATE and stored once.
    """
    if not saves:
        return Answer(SaveOutcome.IGNORED, [])
    checked = [check_save(save) for save in saves]
    try:
        receipts = store.store(integration_id, checked)
    except Exception as exc:
        reason = failures.refused_value(exc)
        if reason is not None:  # a value check_save missed: the CMS must not retry it for ever (as a 503 asks)
            raise Invalid(f"A save cannot be stored: {reason}") from exc
        raise NotStored(str(exc)) from exc
    if any(r.receipt is not None for r in receipts):
        drain.notify()
    accepted = any(r.outcome == SaveOutcome.ACCEPTED for r in receipts)
    return Answer(SaveOutcome.ACCEPTED if accepted else receipts[0].outcome, receipts)


@dataclass(frozen=True)
class CheckedSave:
    """A save that can be stored, with the hash of its text as sent and of the text it says it replaced."""

    save: Save
    digest: str
    previous_hash: str | None
    payload: dict[str, Any]  # save.to_json(), made on the request's thread rather than the writer's


def check_save(save: Save) -> CheckedSave:
    """Refuse what the worker's save_revision would refuse (Invalid: unknown format, a field the database or
    a later step cannot take (services.storage_limits: unstorable text, too long, a date out of range), no
    text), before anything is stored.

    The hashes kept in the inbox are of the text as the CMS sent it (`source_hash`), not normalised: they
    only answer the CMS (duplicate, unchanged, stale) and the worker places the save by the normalised
    text's hash. Equal sources always normalise to equal texts, so "duplicate" and "unchanged" are never
    claimed for a change; two sources that differ only in markup are answered "accepted" and the worker
    finds them unchanged. Normalising is most of a request's CPU; this keeps it off the request path for
    plain text and to one pass for markup.
    """
    if save.format not in FORMATS:
        raise Invalid(f"format must be one of {', '.join(FORMATS)}", details={"format": ["unknown format"]})
    check_fields(vars(save))  # every field the inbox row keeps, the previous body included
    payload = save.to_json()
    if not save.takes_down and not has_text(save.body, save.format):
        raise Invalid("body has no text", details={"body": ["must contain text"]})
    prev_hash = None
    if save.source_order is not None:
        if save.first_save:
            prev_hash = NO_PREDECESSOR
        elif save.previous_body is not None:
            prev_hash = source_hash(save.previous_body, save.format, save.previous_title)
    return CheckedSave(save, source_hash(save.body, save.format, save.title), prev_hash, payload)


def has_text(body: str, fmt: str) -> bool:
    """Whether `normalize(body, fmt).text` holds anything but whitespace (what save_revision requires).

    Plain text normalises to itself (line endings aside), so str.strip() decides without normalising.
    """
    if fmt == "text":
        return bool(body.strip())
    return bool(normalize(body, fmt).text.strip())


def source_hash(body: str, fmt: str, title: str | None) -> str:
    """A hash of a save's text exactly as sent (format, title and body), for the request-time answers."""
    head = f"{fmt}:-:" if title is None else f"{fmt}:{len(title)}:{title}"  # unambiguous: title length first
    return hashlib.sha256((head + body).encode("utf-8")).hexdigest()  # check_fields refused surrogates


def store_saves(conn: Connection, requests: Sequence[tuple[int, list[CheckedSave]]]) -> list[list[Receipt]]:
    """Store the saves of several requests (integration id, saves) in the inbox (the caller commits), each
    unless it is a redelivery of one stored before; one receipt list per request, in order.

    Two statements whatever the number of saves: one read of what each save's document has received so far
    and one multi-row INSERT. Saves of one document within the batch are compared with each other in memory,
    in order, by the same rules.
    """
    items = [(integration_id, item) for integration_id, checked in requests for item in checked]
    found = _look_up(conn, items)
    received_at = utcnow()  # one time for the batch: its rows are committed together
    earlier: dict[tuple[int, str], list[Earlier]] = {}
    answers = []
    rows = []
    for k, (integration_id, item) in enumerate(items):
        save = item.save
        here = earlier.setdefault((integration_id, save.external_id), [])
        answer = _answer(item, found.get(k, {}), here)
        if answer == SaveOutcome.DUPLICATE and save.publication is not None:
            # A publish event repeats the text of the save just before it (Strapi sends an update, then
            # entry.publish, with one updatedAt): the text is known, but that it went out is news.
            answer = SaveOutcome.UNCHANGED
        answers.append(answer)
        if answer != SaveOutcome.DUPLICATE:
            here.append(Earlier(save.source_order, item.digest, item.previous_hash, answer not in NOT_LIVE))
            rows.append({
                "integration_id": integration_id, "external_id": save.external_id,
                "source_order": save.source_order, "content_hash": item.digest, "previous_hash": item.previous_hash,
                "payload": item.payload, "answer": answer, "received_at": received_at,
            })
    ids = iter(_insert(conn, rows) if rows else ())
    receipts = iter([Receipt(item.save.external_id, answer, None if answer == SaveOutcome.DUPLICATE else next(ids))
                     for (_, item), answer in zip(items, answers, strict=True)])
    return [[next(receipts) for _ in checked] for _, checked in requests]


# sort_by_parameter_order: the ids come back in the order of the rows (one INSERT ... VALUES (...), (...)).
_INSERT = insert(INBOX).returning(INBOX.c.id, sort_by_parameter_order=True)
# What one save is compared with: the rows the ordering rule (cms_saves.place) reads, as three indexed
# lookups: 0, its own earlier delivery (same version and text; never matches an unversioned save, whose :o is
# NULL); 1, the document's newest live versioned save; 2, its newest live save by arrival (for saves without
# a version). Live: the worker's outcome, or else the hook's answer, is not in NOT_LIVE. For SQLite: one
# statement per batch size, built once.
_NOT_LIVE = ", ".join(f"'{outcome}'" for outcome in NOT_LIVE)
_LOOKUP = """
SELECT * FROM (SELECT {k} AS k, 0 AS kind, source_order, content_hash, previous_hash FROM cms_inbox
  WHERE integration_id = :i{k} AND external_id = :e{k} AND source_order = :o{k} AND content_hash = :d{k}
  LIMIT 1) AS same{k}
UNION ALL SELECT * FROM (SELECT {k} AS k, 1 AS kind, source_order, content_hash, previous_hash FROM cms_inbox
  WHERE integration_id = :i{k} AND external_id = :e{k} AND source_order IS NOT NULL
  AND COALESCE(outcome, answer) NOT IN ({not_live})
  ORDER BY source_order DESC, id DESC LIMIT 1) AS versioned{k}
UNION ALL SELECT * FROM (SELECT {k} AS k, 2 AS kind, source_order, content_hash, previous_hash FROM cms_inbox
  WHERE integration_id = :i{k} AND external_id = :e{k}
  AND COALESCE(outcome, answer) NOT IN ({not_live})
  ORDER BY id DESC LIMIT 1) AS arrived{k}
""".replace("{not_live}", _NOT_LIVE)
_LOOKUPS: dict[int, TextClause] = {}
SQLITE_CHUNK = 100


# On PostgreSQL the same two statements take the batch's rows as one JSON array: one SQL text whatever the
# batch size, which psycopg prepares once, instead of a text per size that PostgreSQL parses and plans each
# time; and only the head the save needs is looked up (by version, or by arrival for a save without one).
# One JSON parameter rather than an array per column: json.dumps encodes a batch in C, where psycopg dumps
# arrays element by element in Python, which cost the writer more CPU than everything else it does.
_PG_LOOKUP = f"""
SELECT v.k - 1, h.kind, h.source_order, h.content_hash, h.previous_hash
FROM ROWS FROM (json_to_recordset(%s::json) AS (i int, e text, o bigint, d text)) WITH ORDINALITY AS v(i, e, o, d, k)
CROSS JOIN LATERAL (
  (SELECT 0 AS kind, source_order, content_hash, previous_hash FROM cms_inbox
   WHERE integration_id = v.i AND external_id = v.e AND source_order = v.o AND content_hash = v.d LIMIT 1)
  UNION ALL
  (SELECT 1, source_order, content_hash, previous_hash FROM cms_inbox
   WHERE v.o IS NOT NULL AND integration_id = v.i AND external_id = v.e AND source_order IS NOT NULL
   AND COALESCE(outcome, answer) NOT IN ({_NOT_LIVE}) ORDER BY source_order DESC, id DESC LIMIT 1)
  UNION ALL
  (SELECT 2, source_order, content_hash, previous_hash FROM cms_inbox
   WHERE v.o IS NULL AND integration_id = v.i AND external_id = v.e
   AND COALESCE(outcome, answer) NOT IN ({_NOT_LIVE}) ORDER BY id DESC LIMIT 1)
) AS h
"""
# Rows are numbered from the ids' sequence in ORDER BY order, so sorted ids follow the rows (as SQLAlchemy's
# own insertmanyvalues relies on).
_PG_INSERT = """
INSERT INTO cms_inbox (integration_id, external_id, source_order, content_hash, previous_hash, payload, answer,
                       received_at)
SELECT i, e, o, d, p, j, a, %s FROM ROWS FROM (
  json_to_recordset(%s::json) AS (i int, e text, o bigint, d text, p text, j json, a text)
) WITH ORDINALITY AS v(i, e, o, d, p, j, a, n) ORDER BY n
RETURNING id
"""


def _insert(conn: Connection, rows: list[dict[str, Any]]) -> list[int]:
    if conn.dialect.name != "postgresql":
        return list(conn.execute(_INSERT, rows).scalars().all())
    batch = json.dumps([{"i": r["integration_id"], "e": r["external_id"], "o": r["source_order"],
                         "d": r["content_hash"], "p": r["previous_hash"], "j": r["payload"], "a": r["answer"]}
                        for r in rows])
    received_at = rows[0]["received_at"]  # the same for every row of a batch (store_saves)
    return sorted(conn.exec_driver_sql(_PG_INSERT, (received_at, batch)).scalars().all())


def _look_up(conn: Connection, items: list[tuple[int, CheckedSave]]) -> dict[int, dict[int, Earlier]]:
    """For the k-th save, {kind: what was found} (kinds as in _LOOKUP), in one round trip. Kinds 1 and 2 are
    live saves; kind 0 is marked not live, which is all the same to the rule: it makes the save a duplicate."""
    found: dict[int, dict[int, Earlier]] = {}
    if conn.dialect.name == "postgresql":
        batch = json.dumps([{"i": i, "e": c.save.external_id, "o": c.save.source_order, "d": c.digest}
                            for i, c in items])
        for k, kind, order, digest, prev_hash in conn.exec_driver_sql(_PG_LOOKUP, (batch,)):
            found.setdefault(k, {})[kind] = Earlier(order, digest, prev_hash, kind != 0)
        return found
    # SQLite allows at most 500 terms in one compound SELECT: at most SQLITE_CHUNK saves per statement.
    for start in range(0, len(items), SQLITE_CHUNK):
        chunk = items[start:start + SQLITE_CHUNK]
        n = len(chunk)
        if n not in _LOOKUPS:
            _LOOKUPS[n] = text(" UNION ALL ".join(_LOOKUP.format(k=k) for k in range(n)))
        params: dict[str, object] = {}
        for k, (integration_id, item) in enumerate(chunk):
            params.update({f"i{k}": integration_id, f"e{k}": item.save.external_id,
                           f"o{k}": item.save.source_order, f"d{k}": item.digest})
        for k, kind, order, digest, prev_hash in conn.execute(_LOOKUPS[n], params):
            found.setdefault(start + k, {})[kind] = Earlier(order, digest, prev_hash, kind != 0)
    return found


def _answer(item: CheckedSave, found: dict[int, Earlier], earlier: list[Earlier]) -> SaveOutcome:
    """What to tell the CMS about a save: the ordering rule over what its document received before, stored
    (`found`, see _LOOKUP: the kinds for a versioned save, or for one without a version) and earlier in this
    batch (`earlier`, in arrival order).

    Two deliveries of one document racing in two API processes may both be answered "accepted"; the worker
    places them by the same rule, so what is stored is the same either way.
    """
    order = item.save.source_order
    stored = [found[kind] for kind in ((2,) if order is None else (0, 1)) if kind in found]
    return place([*stored, *earlier], order, item.digest, item.previous_hash)


@dataclass(frozen=True)
class Drained:
    """What one drain did: `placed` saves made revisions (or recognised as known), `waiting` left after it."""

    placed: int
    waiting: int


def drain_inbox(sessions: Sessions, *, debounce: float, batch: int = 100, seconds: float | None = None) -> Drained:
    """Place waiting saves, `batch` per transaction (each batch its own unit of work), oldest first, until
    none is left (or `seconds` have passed); says how many rows were processed and how many still wait.
    Safe to run twice and concurrently: batches take turns (an advisory lock on PostgreSQL, the single writer
    on SQLite), each taking the oldest waiting rows."""
    deadline = None if seconds is None else time.monotonic() + seconds
    total = 0
    while True:
        with unit_of_work(sessions) as session:
            done = process_inbox_batch(session, debounce=debounce, batch=batch)
            last = done < batch or (deadline is not None and time.monotonic() > deadline)
            waiting = count_waiting(session) if last else 0
        total += done
        if last:
            return Drained(total, waiting)


def process_inbox_batch(session: Session, *, debounce: float, batch: int = 100) -> int:
    """Place up to `batch` waiting saves (the oldest) in the caller's transaction, each through
    `receive_save` (the ordering, redelivery and debounce rules) in its own savepoint, marking each row
    processed; returns how many. A row that cannot be placed is marked rejected with its reason and the
    others go on (see `_place_row`); only a database that fails (OperationalError) fails the batch."""
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
        _place_row(session, views[row.integration_id], row, debounce)
        row.processed_at = utcnow()
    return len(rows)


# Failures of the database rather than of the save: the batch fails and the next drain tries it again.
_TRANSIENT = (OperationalError, InterfaceError)
REASON_CHARS = 1000


def _place_row(session: Session, view: IntegrationView | None, row: CmsInboxItem, debounce: float) -> None:
    """Place one inbox row in a savepoint of its own. Whatever fails fails alone: the savepoint is rolled
    back (with the revision, audit events and outbox jobs made in it: the outbox sends no job of a
    rolled-back savepoint) and the row is marked `rejected` with the reason, so that one poison save never
    holds back the saves behind it. Raises only what says the database itself failed (_TRANSIENT)."""
    assert row.payload is not None and view is not None  # processed rows are never selected; FKs cascade
    for attempt in (1, 2):
        try:
            with session.begin_nested():
                result = receive_save(session, view, Save.from_json(row.payload), debounce=debounce)
        except _TRANSIENT:
            raise
        except IntegrityError as exc:
            # Two drains created the same new draft at once; the second attempt finds the first's draft.
            if attempt == 2:
                _reject(row, exc)
                return
        except ServiceError as exc:
            # The request checked what makes a save unusable, so this is a rule changed since (e.g. the
            # integration's user lost its role): keep the save and say why, never block the rows behind it.
            _reject(row, exc)
            return
        except Exception as exc:
            # Anything the door's checks missed (a value the database refuses, a bug): this save alone fails.
            log.exception("inbox row %s (%s) could not be placed", row.id, row.external_id)
            _reject(row, exc)
            return
        else:
            if result is None:  # an unpublish event without text: recorded on its drafts, no save placed
                row.outcome = SaveOutcome.IGNORED
            else:
                row.outcome, row.draft_id, row.revision_id = result.outcome, result.draft.id, result.revision.id
            row.payload = None  # the revision holds the text now; the row stays as a receipt
            return


def _reject(row: CmsInboxItem, exc: Exception) -> None:
    """Mark the row rejected, keeping its payload (to place again once fixed) and the reason."""
    if isinstance(exc, ServiceError):
        reason = str(exc)
    elif isinstance(exc, DBAPIError):  # the driver's message, not the statement and its (large) parameters
        reason = f"{type(exc.orig).__name__}: {str(exc.orig).strip()}"
    else:
        reason = f"{type(exc).__name__}: {exc}"
    log.warning("inbox row %s (%s) rejected: %s", row.id, row.external_id, reason)
    row.outcome, row.error = SaveOutcome.REJECTED, reason[:REASON_CHARS]


def has_waiting_save(session: Session, source: str, external_id: str | None) -> bool:
    """Whether the CMS document (the integration named `source`, `external_id`) has a save the hook accepted
    that no drain has placed yet: its draft's current text is about to be replaced. One indexed lookup
    (ix_cms_inbox_document, over that document's rows only). False for REST drafts (no integration)."""
    if external_id is None:
        return False
    return session.scalar(waiting_save_query(source, external_id)) is not None


def waiting_save_query(source: str, external_id: str) -> Select[int]:
    """has_waiting_save's query (tests/cms/test_pending_gate.py holds it to an index scan)."""
    return (
        select(CmsInboxItem.id)
        .join(Integration, Integration.id == CmsInboxItem.integration_id)
        .where(Integration.name == source, CmsInboxItem.external_id == external_id,
               CmsInboxItem.processed_at.is_(None), CmsInboxItem.answer == SaveOutcome.ACCEPTED)
        .limit(1)
    )


def count_rejected(session: Session) -> int:
    """How many saves the drain rejected, ever (rows stay as receipts). Uses ix_cms_inbox_rejected."""
    # The partial index's own predicate, as a literal: neither database uses it for "outcome = :param".
    return session.scalar(select(func.count()).select_from(CmsInboxItem)
                          .where(text(f"cms_inbox.outcome = '{SaveOutcome.REJECTED}'"))) or 0


def count_waiting(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(CmsInboxItem)
                          .where(CmsInboxItem.processed_at.is_(None))) or 0
