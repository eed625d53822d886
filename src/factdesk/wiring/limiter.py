"""Counting bad signatures per client in fixed windows, so a flood of forged requests is cut off cheaply.

Only failures are counted and only failures are refused: a request with a valid signature is never looked
up here, so the limiter costs good deliveries nothing and can never refuse them. On Redis the counter is
shared by every API process (`INCR` + `EXPIRE` on one key per client and window); on the embedded default
each process keeps its own counts in memory (a flood is then cut off per process, which is enough on the
single machine the embedded default runs on).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Protocol

log = logging.getLogger(__name__)


class Limiter(Protocol):
    def hit(self, key: str) -> int:
        """Count one failure for `key` in the current window; return the window's count so far."""
        ...

    def count(self, key: str) -> int:
        """The current window's failures for `key`, without counting."""
        ...


class MemoryLimiter:
    def __init__(self, window: int, clock: Callable[[], float] = time.time) -> None:
        self.window = window
        self.clock = clock
        self._counts: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()

    def _slot(self) -> int:
        return int(self.clock() // self.window)

    def hit(self, key: str) -> int:
        slot = self._slot()
        with self._lock:
            if len(self._counts) > 10_000:  # forget old windows (and, in a huge flood, everything)
                self._counts = {k: v for k, v in self._counts.items() if k[1] == slot}
            n = self._counts.get((key, slot), 0) + 1
            self._counts[(key, slot)] = n
            return n

    def count(self, key: str) -> int:
        return self._counts.get((key, self._slot()), 0)


class RedisLimiter:
    """Fails open: if Redis is unreachable nothing is limited (and nothing good is slowed by retries)."""

    def __init__(self, url: str, window: int, timeout: float = 0.2) -> None:
        import redis

        self.window = window
        self.client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)

    def _key(self, key: str) -> str:
        return f"factdesk:badsig:{key}:{int(time.time() // self.window)}"

    def hit(self, key: str) -> int:
        name = self._key(key)
        try:
            pipe = self.client.pipeline()
            pipe.incr(name)
            pipe.expire(name, self.window * 2)
            return int(pipe.execute()[0])
        except Exception as exc:  # the limiter is a guard, never a dependency
            log.warning("bad-signature limiter unavailable: %s", exc)
            return 0

    def count(self, key: str) -> int:
        try:
            return int(self.client.get(self._key(key)) or 0)
        except Exception:
            return 0


def make_limiter(broker_url: str, window: int) -> Limiter:
    """Redis when the broker is Redis, otherwise in-process memory."""
    if broker_url.startswith(("redis://", "rediss://")):
        return RedisLimiter(broker_url, window)
    return MemoryLimiter(window)
