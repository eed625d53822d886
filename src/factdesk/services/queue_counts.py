"""How many claims wait, per desk and type: counted for every checker at once every few seconds, not per view.

Counting every waiting claim costs time in proportion to the queue (about 250 ms with 300,000 claims waiting
on the benchmark machine), too much for a page that each checker's browser polls every two seconds. So a
`QueueCounter` keeps one count per desk selection for `max_age` seconds in its process: the reader who finds it
older gets the older count at once, and one background thread counts again. Only the first reader of a
selection waits for a count. With `max_age` 0 every reader counts, inside their own unit of work.

The counts are of the claims any checker may take (the queue's own rules, `services.queue.waiting_claims`);
`load_desk_queue` subtracts those of the reader's own drafts, which the lease never offers them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import Session

from ..db import Sessions, unit_of_work
from ..models import Claim, utcnow
from .queue import QueueFilter, waiting_claims

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class QueueCount:
    desk: str | None
    type: str
    count: int


@dataclass(frozen=True)
class Counted:
    counts: list[QueueCount]
    at: datetime  # when the claims were counted


def count_waiting(session: Session, desk: str | None, *, narrow: Callable[[Any], Any] = lambda q: q,
                  now: datetime | None = None) -> list[QueueCount]:
    """The claims waiting now (on `desk`, or on every desk), per desk and type, ordered by desk then type;
    `narrow` may restrict the queue's query further (to one actor's drafts, say)."""
    query = narrow(waiting_claims(now or utcnow(), QueueFilter(desk=desk)))
    rows = session.execute(
        query.with_only_columns(Claim.draft_desk, Claim.type, func.count())
        .group_by(Claim.draft_desk, Claim.type)
        .order_by(None)
    ).all()
    return sorted((QueueCount(d, t, n) for d, t, n in rows), key=lambda c: (c.desk is None, c.desk or "", c.type))


class QueueCounter:
    """Waiting counts per desk selection, at most `max_age` seconds old (see the module's docstring)."""

    def __init__(self, sessions: Sessions, *, max_age: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._sessions = sessions
        self._max_age = max_age
        self._clock = clock
        self._lock = threading.Lock()
        self._counted: dict[str | None, tuple[float, Counted]] = {}
        self._counting: set[str | None] = set()

    def counts(self, session: Session, desk: str | None) -> Counted:
        """The counts for `desk` (None: every desk); `session` is the reader's, used when they must wait."""
        if self._max_age <= 0:
            return Counted(count_waiting(session, desk), utcnow())
        with self._lock:
            held = self._counted.get(desk)
            stale = held is None or self._clock() - held[0] >= self._max_age
            start = held is not None and stale and desk not in self._counting
            if start:
                self._counting.add(desk)
        if held is None:
            return self._store(desk, Counted(count_waiting(session, desk), utcnow()))
        if start:
            threading.Thread(target=self._recount, args=(desk,), name="queue-counts", daemon=True).start()
        return held[1]

    def _store(self, desk: str | None, counted: Counted) -> Counted:
        with self._lock:
            self._counted[desk] = (self._clock(), counted)
        return counted

    def _recount(self, desk: str | None) -> None:
        try:
            with unit_of_work(self._sessions) as session:
                self._store(desk, Counted(count_waiting(session, desk), utcnow()))
        except Exception:  # the next reader tries again; the page keeps the older count meanwhile
            log.exception("counting the waiting claims failed")
        finally:
            with self._lock:
                self._counting.discard(desk)
