"""Queue benchmark on PostgreSQL: leases/s of 20 concurrent checkers vs bare SKIP LOCKED round trips, and
the p99 latency of GET /api/v1/queue with 1,000,000 claims stored.

    .venv/bin/python bench/queue_leases.py [--admin-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

Creates (and drops first) the database `factdesk_bench_queue`; never touches any other database.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import threading
import time
from collections.abc import Callable

import psycopg
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from factdesk.config import Settings
from factdesk.domain.actors import Actor
from factdesk.migrate import upgrade
from factdesk.runtime import Runtime
from factdesk.services.queue import lease_next_claim
from factdesk.services.users import issue_token

BENCH_DB = "factdesk_bench_queue"
CHECKERS = 20
DRAFTS, PER_DRAFT = 50_000, 20  # 1,000,000 claims; 30% of drafts in review (300,000 open claims)
DESKS = ["politics", "business", "tech", "sport", "culture"]
TYPES = ["date", "money", "quantity", "role", "quote", "attribution", "fact"]

# Bulk rows with foreign-key triggers off (superuser only), so drafts can point at their revisions at once
# instead of a million-row UPDATE afterwards.
LOAD = f"""
SET session_replication_role = replica;
INSERT INTO users (id, name, role, desk, created_at)
    SELECT g, 'user-' || g, CASE WHEN g = 1 THEN 'reporter' ELSE 'checker' END, NULL, now()
    FROM generate_series(1, {CHECKERS + 1}) g;
INSERT INTO drafts (id, source, title, status, desk, deadline, author_id, current_revision_id, created_at,
                    updated_at)
    SELECT g, 'api', 'Draft ' || g, CASE WHEN g % 10 < 3 THEN 'in_review' ELSE 'cleared' END,
           (ARRAY{DESKS!r})[1 + g % 5],
           CASE WHEN g % 7 = 0 THEN NULL ELSE now() + (g % 5000) * interval '1 minute' END, 1, g, now(), now()
    FROM generate_series(1, {DRAFTS}) g;
INSERT INTO revisions (id, draft_id, number, body, format, text, content_hash, created_by_id, created_at,
                       extracted_at)
    SELECT g, g, 1, 'body', 'text', 'text', md5(g::text) || md5(g::text), 1, now(), now()
    FROM generate_series(1, {DRAFTS}) g;
INSERT INTO claims (draft_id, revision_id, type, start, "end", spans, text, sentence, normalized, score, reasons,
                    fingerprint, status, draft_deadline, draft_desk, created_at, updated_at)
    SELECT d, d, (ARRAY{TYPES!r})[1 + k % 7], k * 10, k * 10 + 4, '[[0, 4]]', 'text', 'The sentence.', '{{}}',
           random(), '[]', md5(g::text), CASE WHEN d % 10 < 3 THEN 'open' ELSE 'verdict' END,
           CASE WHEN d % 7 = 0 THEN NULL ELSE now() + (d % 5000) * interval '1 minute' END,
           (ARRAY{DESKS!r})[1 + d % 5], now(), now()
    FROM generate_series(0, {DRAFTS * PER_DRAFT - 1}) g,
         LATERAL (SELECT 1 + g / {PER_DRAFT} AS d, g % {PER_DRAFT} AS k) x;
SELECT setval('users_id_seq', {CHECKERS + 1}), setval('drafts_id_seq', {DRAFTS}), setval('revisions_id_seq', {DRAFTS});
SET session_replication_role = origin;
"""

# The same order and index as factdesk's queue, so that the comparison is of the code around the query.
BARE_LEASE = """SELECT id FROM claims WHERE status IN ('open', 'leased') AND status = 'open'
ORDER BY draft_deadline NULLS LAST, score DESC, id LIMIT 1 FOR UPDATE SKIP LOCKED"""


def create_database(admin_url: str) -> str:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {BENCH_DB}"))
        conn.execute(text(f"CREATE DATABASE {BENCH_DB}"))
    admin.dispose()
    return make_url(admin_url).set(database=BENCH_DB).render_as_string(hide_password=False)


def run_threads(n: int, seconds: float, one: Callable[[int], bool]) -> int:
    """Run `one(worker)` in a loop on `n` threads for `seconds`; count the calls that returned True."""
    counts = [0] * n
    start = threading.Barrier(n + 1)
    stop_at = [0.0]

    def loop(i: int) -> None:
        start.wait()
        while time.monotonic() < stop_at[0]:
            if one(i):
                counts[i] += 1

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    stop_at[0] = time.monotonic() + seconds
    start.wait()
    for t in threads:
        t.join()
    return sum(counts)


def reopen(url: str) -> None:
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute("UPDATE claims SET status = 'open', leased_by_id = NULL, lease_expires_at = NULL "
                     "WHERE status = 'leased'")
        conn.execute("DELETE FROM audit_events")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--admin-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each lease run")
    parser.add_argument("--requests", type=int, default=1000, help="GET /queue requests per filter")
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2],
                        help="spread the checkers over this many processes (one run per value)")
    args = parser.parse_args()

    url = create_database(args.admin_url)
    upgrade(url)
    t0 = time.perf_counter()
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(LOAD)
        conn.execute("ANALYZE")
    print(f"loaded {DRAFTS * PER_DRAFT:,} claims in {time.perf_counter() - t0:.1f} s")

    settings = Settings.from_env({"FACTDESK_DATABASE_URL": url, "FACTDESK_BROKER_URL": "redis://127.0.0.1:1/0",
                                  "FACTDESK_LOG_LEVEL": "WARNING"})
    runtime = Runtime(settings)
    from factdesk.api import create_app

    app = create_app(runtime=runtime)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {issue_token(runtime.sessions, 'user-2').token}"}
    for query in ("", "?desk=politics", "?type=money&desk=tech"):
        for _ in range(20):  # warm the pool and the caches
            client.get(f"/api/v1/queue{query}", headers=headers)
        times = []
        for _ in range(args.requests):
            t = time.perf_counter()
            r = client.get(f"/api/v1/queue{query}", headers=headers)
            times.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200 and len(r.json["items"]) == 50, r.json
        times.sort()
        p50, p99 = statistics.median(times), times[int(len(times) * 0.99) - 1]
        print(f"GET /api/v1/queue{query or ' (no filter)'}: p50 {p50:.1f} ms, p99 {p99:.1f} ms over {len(times)}")

    runtime.dispose()
    for processes in args.processes:
        reopen(url)
        service_rate = lease_rate("factdesk", url, processes, args.seconds)
        reopen(url)
        bare_rate = lease_rate("bare", url, processes, args.seconds)
        print(f"leases/s with {CHECKERS} checkers in {processes} process(es): factdesk {service_rate:.0f}, "
              f"bare SKIP LOCKED + UPDATE {bare_rate:.0f}, ratio {service_rate / bare_rate:.2f}")


def lease_rate(kind: str, url: str, processes: int, seconds: float) -> float:
    """Leases/s of CHECKERS concurrent checkers, spread over `processes` processes (like API workers)."""
    ids = list(range(2, CHECKERS + 2))
    results: multiprocessing.Queue[int] = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=_lease_process, args=(kind, url, ids[k::processes], seconds, results))
             for k in range(processes)]
    for p in procs:
        p.start()
    total = sum(results.get() for _ in procs)
    for p in procs:
        p.join()
    return total / seconds


def _lease_process(kind: str, url: str, ids: list[int], seconds: float, results: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    runtime = Runtime(Settings.from_env({"FACTDESK_DATABASE_URL": url, "FACTDESK_BROKER_URL": "redis://127.0.0.1:1/0",
                                         "FACTDESK_LOG_LEVEL": "WARNING"}))
    checkers = {i: Actor(id=i, name=f"user-{i}", role="checker") for i in ids}
    conns = {i: psycopg.connect(url.replace("+psycopg", "")) for i in ids} if kind == "bare" else {}

    def service_lease(i: int) -> bool:
        return lease_next_claim(runtime.sessions, checkers[i], lease_seconds=900, cap=10**9) is not None

    def bare_lease(i: int) -> bool:
        conn = conns[i]
        row = conn.execute(BARE_LEASE).fetchone()
        if row is not None:
            conn.execute("UPDATE claims SET status = 'leased', leased_by_id = %s, "
                         "lease_expires_at = now() + interval '15 minutes' WHERE id = %s", (i, row[0]))
        conn.commit()
        return row is not None

    one = service_lease if kind == "factdesk" else bare_lease
    for i in ids:  # warm connections and statement caches
        one(i)
    results.put(run_threads(len(ids), seconds, lambda k: one(ids[k])))
    for conn in conns.values():
        conn.close()
    runtime.dispose()


if __name__ == "__main__":
    main()
