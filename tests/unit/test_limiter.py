"""The failed-authentication limiter counts over a sliding window: no clock minute resets a client's count."""

from __future__ import annotations

import os
import uuid

import pytest

from factdesk.wiring.limiter import Limiter, MemoryLimiter, RedisLimiter

LIMIT = 30
WINDOW = 60.0


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def memory(clock: Clock) -> Limiter:
    return MemoryLimiter(WINDOW, cap=LIMIT + 1, clock=clock)


def redis_backed(clock: Clock) -> Limiter:
    url = os.environ.get("FACTDESK_TEST_BROKER_URL")
    if not url:
        pytest.skip("the Redis limiter needs Redis: set FACTDESK_TEST_BROKER_URL")
    return RedisLimiter(url, WINDOW, cap=LIMIT + 1, clock=clock)


@pytest.fixture(params=[memory, redis_backed], ids=["memory", "redis"])
def limited(request):  # type: ignore[no-untyped-def]
    clock = Clock(1_800_000_000.0 - 1.5)  # a second and a half before a clock minute turns
    return request.param(clock), clock, f"test:{uuid.uuid4().hex}"


def test_a_burst_across_a_minute_boundary_is_still_one_burst(limited):  # type: ignore[no-untyped-def]
    limiter, clock, key = limited
    counts = []
    for _ in range(LIMIT + 1):
        counts.append(limiter.hit(key))
        clock.now += 0.1  # 3.1 s of failures, crossing the minute
    assert counts == list(range(1, LIMIT + 2))
    assert limiter.count(key) == LIMIT + 1


def test_failures_older_than_the_window_no_longer_count(limited):  # type: ignore[no-untyped-def]
    limiter, clock, key = limited
    for _ in range(5):
        limiter.hit(key)
    clock.now += 30
    limiter.hit(key)
    assert limiter.count(key) == 6
    clock.now += 30.5  # the first five are now more than a window old
    assert limiter.count(key) == 1
    assert limiter.hit(key) == 2


def test_each_client_is_counted_apart_and_counts_stop_at_the_cap(limited):  # type: ignore[no-untyped-def]
    limiter, clock, key = limited
    for _ in range(LIMIT * 3):
        limiter.hit(key)
    assert limiter.count(key) == LIMIT + 1  # enough to say "over the limit", however long the flood
    assert limiter.count(key + ":other") == 0


def test_the_redis_limiter_fails_open_when_redis_is_unreachable() -> None:
    limiter = RedisLimiter("redis://127.0.0.1:1/0", WINDOW, cap=LIMIT + 1, timeout=0.05)
    assert limiter.hit("anyone") == 0
    assert limiter.count("anyone") == 0
