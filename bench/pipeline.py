"""Time from POST /api/v1/drafts to claims ready, for the example draft, over N posts.

Runs the real processes (`factdesk run` on the embedded default; `factdesk api` + `factdesk worker` on
PostgreSQL + Redis) on loopback ports, posts the draft N times one after another, and polls its claims
every 10 ms. Prints the median and p90 per setup as a Markdown table.

    .venv/bin/python bench/pipeline.py                 # both setups, 20 posts each
    .venv/bin/python bench/pipeline.py --only embedded --posts 5
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DRAFT = (ROOT / "tests" / "fixtures" / "lecun-meta-draft.txt").read_text(encoding="utf-8")
FACTDESK = [sys.executable, "-m", "factdesk.cli"]
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_BENCH = "postgresql+psycopg://postgres@127.0.0.1:5432/factdesk_bench_pipeline"
REDIS_BENCH = "redis://127.0.0.1:6379/14"


def request(url: str, token: str, body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method="POST" if data else "GET")
    req.add_header("Authorization", f"Bearer {token}")
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.status, json.loads(resp.read())


def wait_ready(base: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.2)
    raise SystemExit("server did not become ready")


def measure(env: dict[str, str], commands: list[list[str]], port: int, posts: int) -> list[float]:
    subprocess.run(FACTDESK + ["db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run(FACTDESK + ["user", "add", "bench", "--role", "editor"], env=env, check=True,
                   capture_output=True)
    token = subprocess.run(FACTDESK + ["token", "issue", "bench"], env=env, check=True, capture_output=True,
                           text=True).stdout.strip()
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True) for cmd in commands]
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, time.monotonic() + 60)
        time.sleep(3)  # let the worker load the language model before the first post
        times = []
        for i in range(posts):
            started = time.monotonic()
            status, draft = request(f"{base}/api/v1/drafts", token, {"body": DRAFT, "external_id": f"b{i}"})
            assert status == 202, status
            while True:
                _, claims = request(f"{base}/api/v1/drafts/{draft['id']}/claims", token)
                if claims["revision"]["extraction"] == "done":
                    break
                if time.monotonic() - started > 60:
                    raise SystemExit("claims not ready after 60 s")
                time.sleep(0.01)
            times.append(time.monotonic() - started)
        return times
    finally:
        for p in procs:
            os.killpg(p.pid, signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)


def embedded(posts: int) -> list[float]:
    tmp = Path(tempfile.mkdtemp(prefix="factdesk-bench-"))
    env = {**os.environ, "FACTDESK_DATA_DIR": str(tmp)}
    for key in ("FACTDESK_DATABASE_URL", "FACTDESK_BROKER_URL"):
        env.pop(key, None)
    try:
        return measure(env, [FACTDESK + ["run", "--port", "8021"]], 8021, posts)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def postgres_redis(posts: int) -> list[float]:
    from sqlalchemy import create_engine, text

    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS factdesk_bench_pipeline WITH (FORCE)"))
        conn.execute(text("CREATE DATABASE factdesk_bench_pipeline"))
    import redis

    redis.Redis.from_url(REDIS_BENCH).flushdb()
    tmp = Path(tempfile.mkdtemp(prefix="factdesk-bench-"))
    env = {**os.environ, "FACTDESK_DATA_DIR": str(tmp), "FACTDESK_DATABASE_URL": PG_BENCH,
           "FACTDESK_BROKER_URL": REDIS_BENCH}
    try:
        return measure(env, [FACTDESK + ["api", "--port", "8022", "--workers", "2"],
                             FACTDESK + ["worker", "--concurrency", "2"]], 8022, posts)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        with admin.connect() as conn:
            conn.execute(text("DROP DATABASE IF EXISTS factdesk_bench_pipeline WITH (FORCE)"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20)
    parser.add_argument("--only", choices=["embedded", "postgres"], default=None)
    args = parser.parse_args()
    setups = {"embedded (SQLite + SQLite broker)": embedded, "PostgreSQL + Redis": postgres_redis}
    print("| setup | posts | median POST→claims | p90 | max |\n|---|---|---|---|---|")
    for name, run in setups.items():
        if args.only and not name.lower().startswith(args.only):
            continue
        times = sorted(run(args.posts))
        p90 = times[max(0, int(round(0.9 * len(times))) - 1)]
        print(f"| {name} | {len(times)} | {statistics.median(times) * 1000:.0f} ms | {p90 * 1000:.0f} ms "
              f"| {times[-1] * 1000:.0f} ms |", flush=True)


if __name__ == "__main__":
    main()
