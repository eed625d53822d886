"""The CMS save hook under load: requests/s and p50/p99 latency against a bare Flask endpoint, and a save storm.

Run from the project root, with PostgreSQL and Redis on 127.0.0.1:
    .venv/bin/python bench/ingest.py [--requests 4000] [--rounds 3] [--senders 64] [--gunicorn-workers 2]
                                        [--threads 16]

It creates (and empties) its own database `factdesk_bench` and uses Redis database 13: never the test ones.
Both servers run at once under the same gunicorn settings, and take turns: each round loads bare Flask,
then the hook, with the same number of requests; the figures are each server's median round (and the p99
of all its rounds' requests together). Each of the
64 senders keeps one connection open and POSTs signed generic-format saves (a new revision each, the hook's
full path: verify, adapt, compare with the document's earlier saves, insert into the inbox, commit). No
worker runs during that load; afterwards the inbox it filled is drained in this process for 30 s and timed
(the worker's side of the same saves). Then a storm of 1,000 saves to 50 drafts is sent with a real worker
running, and the extractions are counted (revisions with `extracted_at`, and `revision.extracted` audit
events). Loopback only.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from multiprocessing import Pool
from pathlib import Path
from typing import cast

import psycopg
import redis
from sqlalchemy import create_engine, func, select, text

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
DB_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/factdesk_bench"
BROKER = "redis://127.0.0.1:6379/13"
SECRET = "bench-secret-0123456789abcdef"
PARAGRAPH = ("The city council voted 7-2 on Tuesday to raise the 2027 budget by 4.2%, to $1.3 billion. "
             "Unemployment in the city fell to 3.1% last year, according to the mayor. ")


def prepare_database() -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'factdesk_bench'").fetchone():
            conn.execute("CREATE DATABASE factdesk_bench")
    engine = create_engine(DB_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    redis.Redis.from_url(BROKER).flushdb()
    from factdesk.migrate import upgrade
    from factdesk.runtime import Runtime
    from factdesk.services.integrations import add_integration

    upgrade(DB_URL)
    rt = Runtime(settings(env(tempfile.mkdtemp(), debounce=600)))
    add_integration(rt.sessions, "bench", SECRET)
    rt.dispose()


def empty_tables() -> None:
    from factdesk.models import Base

    engine = create_engine(DB_URL)
    keep = {"integrations", "users", "alembic_version"}
    names = [t.name for t in Base.metadata.sorted_tables if t.name not in keep]
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
    engine.dispose()
    redis.Redis.from_url(BROKER).flushdb()


def env(data_dir: str, *, debounce: float) -> dict[str, str]:
    return {**os.environ, "FACTDESK_DATABASE_URL": DB_URL, "FACTDESK_BROKER_URL": BROKER,
            "FACTDESK_DATA_DIR": data_dir, "FACTDESK_DEBOUNCE_SECONDS": str(debounce),
            "FACTDESK_LOG_LEVEL": "WARNING"}


def settings(e: dict[str, str]):  # type: ignore[no-untyped-def]
    from factdesk.config import Settings

    return Settings.from_env(e)


# gthread threads per gunicorn worker, for both servers. 16 rather than 4: the hook's requests wait for the
# inbox's group commit, and more of them waiting means larger batches (the bare endpoint is unaffected).
THREADS = 16


def start_gunicorn(app: str, port: int, workers: int, e: dict[str, str], chdir: Path,  # type: ignore[type-arg]
                   threads: int = THREADS) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--worker-class", "gthread", "--threads", str(threads), "--chdir", str(chdir), "--log-level", "warning",
         app],
        env=e, start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", "/nothing")
            c.getresponse().read()
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"{app} did not start")


def stop(proc: subprocess.Popen) -> None:  # type: ignore[type-arg]
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def saves(n: int, drafts: int, offset: int = 0) -> list[bytes]:
    """n distinct saves spread over `drafts` documents, versions growing per document."""
    out = []
    for i in range(n):
        doc, version = i % drafts, i // drafts + 1
        body = (PARAGRAPH * 12) + f"Revision {version} of document {doc + offset}."
        out.append(json.dumps({"id": f"doc-{doc + offset}", "version": version, "title": f"Doc {doc}",
                               "body": body}).encode())
    return out


def _send_batch(args: tuple[int, list[bytes], int]) -> list[tuple[float, int]]:
    """One process: `threads` senders, each with one keep-alive connection, sharing `bodies` in order."""
    port, bodies, threads = args
    from factdesk.cms.schemes import factdesk as scheme

    results: list[tuple[float, int]] = []
    lock = threading.Lock()
    queue = list(reversed(bodies))

    def sender() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                if not queue:
                    break
                body = queue.pop()
            headers = {"Content-Type": "application/json",
                       scheme.HEADER: scheme.sign(SECRET, int(time.time()), body)}
            started = time.perf_counter()
            try:
                conn.request("POST", "/api/v1/webhooks/cms/bench", body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = 0
            with lock:
                results.append((time.perf_counter() - started, status))
        conn.close()

    pool = [threading.Thread(target=sender) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return results


def _ready_sender() -> None:
    """Pool initializer: import what a sender needs before the clock starts (it would count as load time)."""
    import factdesk.cms.schemes.factdesk  # noqa: F401


def load(port: int, bodies: list[bytes], senders: int, procs: int = 4) -> dict[str, float]:
    """POST every body with `senders` concurrent senders (spread over `procs` client processes)."""
    per = senders // procs
    chunks = [bodies[i::procs] for i in range(procs)]
    with Pool(procs, initializer=_ready_sender) as pool:
        pool.map(time.sleep, [0.2] * procs, chunksize=1)  # every client process started and initialised
        busy = machine_cpu_seconds()
        started = time.perf_counter()
        parts = pool.map(_send_batch, [(port, chunk, per) for chunk in chunks])
        elapsed = time.perf_counter() - started
        busy = machine_cpu_seconds() - busy
    results = [r for part in parts for r in part]
    latencies = sorted(r[0] for r in results)
    codes: dict[int, int] = {}
    for _, status in results:
        codes[status] = codes.get(status, 0) + 1
    return {
        "requests": len(results),
        "rps": len(results) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        # All the machine's busy CPU time (server, database, load generator) per request: steadier from run to
        # run than req/s, since both sides share two cores with the load generator.
        "machine_cpu_ms": busy / len(results) * 1000,
        "codes": codes,  # type: ignore[dict-item]
        "latencies": latencies,  # type: ignore[dict-item]
    }


def machine_cpu_seconds() -> float:
    """CPU seconds spent busy since boot, over all CPUs (/proc/stat: everything but idle and iowait)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def storm(port: int, senders: int, data_dir: str, timeout: float = 180.0) -> dict[str, object]:
    """1,000 saves to 50 drafts with a real worker running; count the extractions once all is quiet."""
    from factdesk.models import AuditEvent, CmsInboxItem, OutboxJob, Revision

    e = env(data_dir, debounce=10)  # the default FACTDESK_DEBOUNCE_SECONDS
    worker = subprocess.Popen([sys.executable, "-m", "factdesk.cli", "worker", "--concurrency", "2"], env=e,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    api = start_gunicorn("factdesk.wsgi:app", port, 4, e, ROOT)
    try:
        result = load(port, saves(1000, 50, offset=10_000), senders)
        engine = create_engine(DB_URL)
        deadline = time.monotonic() + timeout
        with engine.connect() as conn:
            while time.monotonic() < deadline:
                waiting = conn.execute(select(func.count()).select_from(CmsInboxItem)
                                       .where(CmsInboxItem.processed_at.is_(None))).scalar()
                pending = conn.execute(select(func.count()).select_from(OutboxJob)
                                       .where(OutboxJob.status == "pending")).scalar()
                if pending == 0 and waiting == 0:
                    break
                time.sleep(1)
                conn.rollback()
            extracted = conn.execute(select(func.count()).select_from(Revision)
                                     .where(Revision.extracted_at.is_not(None))).scalar()
            audited = conn.execute(select(func.count()).select_from(AuditEvent)
                                   .where(AuditEvent.action == "revision.extracted")).scalar()
            revisions = conn.execute(select(func.count()).select_from(Revision)).scalar()
            outcomes = dict(conn.execute(select(CmsInboxItem.outcome, func.count())
                                         .group_by(CmsInboxItem.outcome)).all())
        engine.dispose()
        return {"saves": result["requests"], "codes": result["codes"], "placed": outcomes, "revisions": revisions,
                "extractions": extracted, "revision.extracted events": audited, "pending_left": pending,
                "inbox_left": waiting, "seconds_to_quiet": round(time.monotonic() - deadline + timeout, 1)}
    finally:
        stop(api)
        stop(worker)


def drain(data_dir: str, seconds: float = 30.0) -> dict[str, float]:
    """Place what the load left in the inbox, oldest first, in this one process as one worker's drain would,
    for about `seconds` (the rounds leave more than a worker places in a minute)."""
    from factdesk.runtime import Runtime
    from factdesk.services.inbox import drain_inbox

    rt = Runtime(settings(env(data_dir, debounce=600)))
    started = time.perf_counter()
    rows = drain_inbox(rt.sessions, debounce=600, seconds=seconds).placed
    elapsed = time.perf_counter() - started
    rt.dispose()
    return {"rows": rows, "seconds": round(elapsed, 1), "rows_per_s": round(rows / elapsed, 1)}


def summary(rounds: list[dict[str, float]]) -> dict[str, object]:
    """Per-round figures, the median of each over the rounds, and the p99 of all rounds' requests together."""
    pooled = sorted(t for r in rounds for t in cast(list[float], r.pop("latencies")))
    return {
        "rps": statistics.median(r["rps"] for r in rounds),
        "p50_ms": statistics.median(r["p50_ms"] for r in rounds),
        "p99_ms": statistics.median(r["p99_ms"] for r in rounds),
        "p99_ms_all_rounds": pooled[int(len(pooled) * 0.99) - 1] * 1000,
        "machine_cpu_ms": statistics.median(r["machine_cpu_ms"] for r in rounds),
        "rounds": [{k: (round(v, 3 if k == "machine_cpu_ms" else 1) if isinstance(v, float) else v)
                    for k, v in r.items()} for r in rounds],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=4000, help="requests per round, to each server")
    parser.add_argument("--rounds", type=int, default=3, help="rounds, each loading bare Flask then the hook")
    parser.add_argument("--senders", type=int, default=64)
    parser.add_argument("--gunicorn-workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=THREADS, help="gthread threads per gunicorn worker")
    parser.add_argument("--no-storm", action="store_true", help="skip the storm (quicker, for tuning)")
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="factdesk-bench-")
    prepare_database()
    bodies = saves(args.requests, drafts=1000)

    e = env(data_dir, debounce=600)
    bare = start_gunicorn("bench.bare_app:app", 8911, args.gunicorn_workers, e, ROOT, args.threads)
    hook = start_gunicorn("factdesk.wsgi:app", 8912, args.gunicorn_workers, e, ROOT, args.threads)
    try:
        load(8911, bodies[:500], args.senders)  # warm-up (the hook's: connection pools, the writer's connection)
        load(8912, saves(500, drafts=500, offset=50_000), args.senders)
        # The two servers take turns, so that both meet the machine as it is over the whole run: on a shared
        # machine the same load differs by up to 30 % from one minute to the next. Each round sends the hook
        # new saves (new documents), as a CMS would.
        rounds: dict[str, list[dict[str, float]]] = {"bare": [], "hook": []}
        for n in range(args.rounds):
            rounds["bare"].append(load(8911, bodies, args.senders))
            rounds["hook"].append(load(8912, saves(args.requests, drafts=1000, offset=100_000 * (n + 1)),
                                       args.senders))
    finally:
        stop(bare)
        stop(hook)
    bare_result, hook_result = summary(rounds["bare"]), summary(rounds["hook"])
    drained = drain(data_dir)

    empty_tables()
    storm_result = {"extractions": 0, "inbox_left": 0} if args.no_storm else storm(8913, args.senders, data_dir)
    ratio = cast(float, hook_result["rps"]) / cast(float, bare_result["rps"])
    per_round = [round(h["rps"] / b["rps"], 3) for b, h in zip(rounds["bare"], rounds["hook"], strict=True)]
    print(json.dumps({"cpus": os.cpu_count(), "senders": args.senders, "gunicorn": f"{args.gunicorn_workers} "
                      f"workers x {args.threads} threads (gthread)", "bare": bare_result, "hook": hook_result,
                      "ratio": round(ratio, 3),
                      "ratio_per_round": per_round,
                      "drain": drained, "storm": storm_result}, indent=1))
    ok = (ratio >= 0.5 and cast(float, hook_result["p99_ms"]) < 100
          and storm_result["extractions"] <= 50 and storm_result["inbox_left"] == 0)  # type: ignore[operator]
    print("targets met" if ok else "TARGETS MISSED")


if __name__ == "__main__":
    main()
