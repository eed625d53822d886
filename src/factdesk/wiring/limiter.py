"""Counting authentication failures per client over a sliding window, so a flood of forged requests is cut off.

Only failures are counted and only failures are refused: a request that authenticates is never looked up here,
so the limiter costs good requests nothing and can never refuse them.

The window slides: a client's count is its failures in the last `window` seconds, whenever it is asked. (Fixed
windows, one counter per clock minute, let a client spend its whole allowance just before a minute turns and
again just after: twice the limit within a second.) Each client's failure times are remembered, at most
`cap` of them (the limit plus one: enough to say "over the limit").

On Redis the log is one sorted set per client shared by every API process; on the embedded default each
process keeps its own log in memory (a flood is then cut off per process, which is enough on the single
machine the embedded default runs on).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

log = logging.getLogger(__name__)

MAX_CLIENTS = 10_000  # clients remembered in memory before the idle ones are forgotten


class Limiter(Protocol):
    def hit(self, key: str) -> int:
        """Count one failure for `key`; return its failures within the window, this one included."""
        ...

    def count(self, key: str) -> int:
        """`key`'s failures within the window, without counting one."""
        ...


class MemoryLimiter:
    def __init__(self, window: float, cap: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.window = window
        self.cap = max(1, cap)
        self.clock = clock
        self._times: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float] | None:
        times = self._times.get(key)
        if times is not None:
            while times and times[0] <= now - self.window:
                times.popleft()
        return times

    def _forget_idle(self, now: float) -> None:
        self._times = {k: t for k, t in self._times.items() if t and t[-1] > now - self.window}
        if len(self._times) >= MAX_CLIENTS:  # a flood from that many addresses at once: start over
            self._times = {}

    def hit(self, key: str) -> int:
        now = self.clock()
        with self._lock:
            times = self._recent(key, now)
            if times is None:
                if len(self._times) >= MAX_CLIENTS:
                    self._forget_idle(now)
                times = self._times[key] = deque(maxlen=self.cap)
            times.append(now)
            return len(times)

    def count(self, key: str) -> int:
        with self._lock:
            times = self._recent(key, self.clock())
            return len(times) if times else 0


class RedisLimiter:
    """Fails open: if Redis is unreachable nothing is limited (and nothing good is slowed by retries)."""

    PREFIX = "factdesk:failures:"

    def __init__(self, url: str, window: float, cap: int, timeout: float = 0.2,
                 clock: Callable[[], float] = time.time) -> None:
        import redis

        self.window = window
        self.cap = max(1, cap)
        self.clock = clock  # wall time: every API process, on every machine, reads the same log
        self.client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)

    def hit(self, key: str) -> int:
        name, now = self.PREFIX + key, self.clock()
        try:
            pipe = self.client.pipeline()  # MULTI/EXEC: the four steps see no other client's in between
            pipe.zremrangebyscore(name, "-inf", now - self.window)
            pipe.zadd(name, {f"{now:.6f}:{os.urandom(4).hex()}": now})
            pipe.zremrangebyrank(name, 0, -self.cap - 1)  # keep the newest `cap`
            pipe.zcard(name)
            pipe.expire(name, int(self.window) + 1)
            return int(pipe.execute()[3])
        except Exception as exc:  # the limiter is a guard, never a dependency
            log.warning("failed-authentication limiter unavailable: %s", exc)
            return 0

    def count(self, key: str) -> int:
        try:
            return int(self.client.zcount(self.PREFIX + key, f"({self.clock() - self.window}", "+inf"))
        except Exception:
            return 0


def make_limiter(broker_url: str, window: float, limit: int) -> Limiter:
    """Redis when the broker is Redis, otherwise in-process memory. Counts go up to `limit + 1`."""
    if broker_url.startswith(("redis://", "rediss://")):
        return RedisLimiter(broker_url, window, cap=limit + 1)
    return MemoryLimiter(window, cap=limit + 1)
