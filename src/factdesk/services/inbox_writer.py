"""Group commit for the CMS inbox: one thread per API process stores the saves of concurrent requests in one
transaction, and each request answers once its own rows are committed.

This is the hook's unit of work. Where every other use case opens and commits its own session
(`db.unit_of_work`), the hook's saves are committed here, a batch of requests at a time, on a connection
the writer keeps: `services.inbox.receive_saves` hands its checked saves to `InboxWriter.store`.

A commit is the expensive part of storing a save (a WAL flush on PostgreSQL, and a round trip either way).
Requests hand their checked saves to the writer and wait; while one transaction commits, the next requests
queue up and go into the next transaction together, so batches grow with load and add no delay when idle.
The writer keeps one connection while saves keep coming (no pool checkout or pre-ping per save). If a batch
fails, its saves are retried one transaction each, so one bad row cannot fail the others; a request whose
save could not be stored gets the exception (the API answers 503 and the CMS retries).

While saves arrive together, the writer also waits a few milliseconds before taking each batch (as
PostgreSQL's `commit_delay` does, for the same reason): batches of 6 become batches of 11, and every batch
not made is two statements, a round of thread wake-ups and GIL hand-offs that the request threads do not
pay. On two cores that is about 10 % more saves per second (bench/ingest.py, BENCHMARKS.md) for 4 ms of a
CMS's 2-second budget. A save that comes after 50 ms without a batch of several is never held back.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine

from .inbox import CheckedSave, Receipt, store_saves

log = logging.getLogger(__name__)

# The writer hands its connection back to the pool after this long without a save.
IDLE_SECONDS = 2.0
# How long the writer lets a batch gather while saves arrive together (see above): for CROWD_SECONDS after
# a batch of more than one request.
GATHER_SECONDS = 0.004
CROWD_SECONDS = 0.05


@dataclass
class _Request:
    integration_id: int
    saves: list[CheckedSave]
    result: Future[list[Receipt]] = field(default_factory=Future)


class InboxWriter:
    def __init__(self, engine: Engine, *, max_batch: int = 256, timeout: float = 10.0) -> None:
        self.engine = engine
        self.max_batch = max_batch
        self.timeout = timeout
        self._queue: queue.SimpleQueue[_Request] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._conn: Connection | None = None

    def store(self, integration_id: int, saves: list[CheckedSave]) -> list[Receipt]:
        """Store the saves durably (committed when this returns). Raises what the database raised, or
        TimeoutError when the writer could not commit within `timeout` seconds."""
        if self._thread is None:
            with self._lock:
                if self._thread is None:  # started on first use: after gunicorn forked this worker
                    self._thread = threading.Thread(target=self._run, name="factdesk-inbox-writer", daemon=True)
                    self._thread.start()
        request = _Request(integration_id, saves)
        self._queue.put(request)
        return request.result.result(timeout=self.timeout)

    def _run(self) -> None:
        crowded_until = 0.0  # saves arriving before this are arriving together: let their batch gather
        while True:
            try:
                first = self._queue.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                self._release()
                continue
            if time.monotonic() < crowded_until:
                time.sleep(GATHER_SECONDS)
            batch = [first]
            while len(batch) < self.max_batch:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            if len(batch) > 1:
                crowded_until = time.monotonic() + CROWD_SECONDS
            try:
                results = self._commit(batch)
            except Exception as exc:
                log.warning("storing %d inbox request(s) together failed, retrying one by one: %s", len(batch), exc)
                for request in batch:
                    try:
                        [result] = self._commit([request])
                    except Exception as one:
                        request.result.set_exception(one)
                    else:
                        request.result.set_result(result)
            else:
                for request, result in zip(batch, results, strict=True):
                    request.result.set_result(result)

    def _commit(self, batch: list[_Request]) -> list[list[Receipt]]:
        if self._conn is None:
            conn = self.engine.connect()
            if conn.dialect.name == "postgresql":
                # A batch is one read and one multi-row INSERT (store_saves); the INSERT alone is atomic and
                # durable once it returns, so no BEGIN and COMMIT round trips (the writer's waits are what
                # limits a process's throughput). SQLite keeps its BEGIN IMMEDIATE (one writer at a time).
                conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            self._conn = conn
        try:
            with self._conn.begin():
                return store_saves(self._conn, [(r.integration_id, r.saves) for r in batch])
        except Exception:
            # The connection may be dead (database restarted): the next batch opens a new one.
            self._release()
            raise

    def _release(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:
                log.debug("closing an inbox connection", exc_info=True)
