"""Telling the workers that saves wait in the CMS inbox: one message per pending drain, never on a request's time.

A request that stored a save calls `DrainSignal.notify()`, which only sets an event. A background thread of
the API process does the rest: on Redis it sends a drain message only when it wins `SET NX PX` on a flag
that the drain task deletes as it starts (so a save stored while a drain is pending is seen by that drain,
and one stored after the drain started triggers the next); on the embedded broker, which has no shared
flag, it sends at most one message per `EMBEDDED_INTERVAL`, and one more after it if saves came meanwhile.
Either way the thread acts at most once per interval, however many saves arrive: under a burst, a Redis
command per save would cost the API process more CPU than storing the save.
Nothing here is needed for safety: the rows are durable, and the periodic sweep drains whatever a lost
message or a broker outage left behind.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

FLAG = "factdesk:inbox:drain-pending"
# A flag whose drain message was lost (or whose worker is down) expires, and the next save sends again.
FLAG_TTL_MS = 5000
EMBEDDED_INTERVAL = 0.2
# On Redis: at most one flag check per this many seconds per API process (a save waits at most this long
# longer for its drain; the debounce is seconds).
REDIS_INTERVAL = 0.05
# After the broker refused a message, wait this long before trying again (the sweep covers the gap).
COOLDOWN = 5.0


class DrainSignal:
    def __init__(self, broker_url: str, send: Callable[[], None], *, timeout: float = 0.5) -> None:
        self._send = send
        self._redis = None
        if broker_url.startswith(("redis://", "rediss://")):
            import redis

            self._redis = redis.Redis.from_url(broker_url, socket_timeout=timeout, socket_connect_timeout=timeout)
        self._wake = threading.Event()
        self._stopped = False
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def notify(self) -> None:
        """A save was committed to the inbox: make sure a drain will see it. Never blocks."""
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name="factdesk-drain-signal", daemon=True)
                    self._thread.start()
        self._wake.set()

    def clear(self) -> None:
        """Called by a drain as it starts: saves stored from now on need another drain."""
        if self._redis is not None:
            try:
                self._redis.delete(FLAG)
            except Exception as exc:  # the flag expires by itself
                log.warning("could not clear the drain flag: %s", exc)

    def close(self) -> None:
        self._stopped = True
        self._wake.set()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            if self._stopped:
                return
            self._wake.clear()
            try:
                if self._redis is None or self._redis.set(FLAG, b"1", nx=True, px=FLAG_TTL_MS):
                    self._send()
                time.sleep(EMBEDDED_INTERVAL if self._redis is None else REDIS_INTERVAL)
            except Exception as exc:
                log.warning("could not ask for an inbox drain (the sweep will drain): %s", exc)
                time.sleep(COOLDOWN)
