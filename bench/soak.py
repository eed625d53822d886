"""Five minutes of mixed newsroom traffic against the product as deployed, with a 1.9 MB draft in the middle.

    .venv/bin/python bench/soak.py [--seconds 300] [--gunicorn-workers 2]

Runs the API under gunicorn (as docker-compose does) and `factdesk worker --beat` (which starts the
large-draft worker beside it) on PostgreSQL (its own database, `factdesk_bench_soak`) and Redis (database 3),
never the test ones. Meanwhile, over HTTP on 127.0.0.1: reporters post and revise drafts (Wikinews articles),
a CMS sends signed saves to 40 documents, checkers lease claims and record verdicts, an editor approves what
is fully checked and asks the gate, a reader lists the queue, drafts and /metrics; halfway, a reporter posts
"The city paid $3 million. " × 75,000 (1.9 MB). Then it waits for the workers to finish and checks:
no 5xx answer, every save the hook accepted placed (none left waiting, none rejected), every revision
extracted, and the memory of the API and worker processes at the end against after the warm-up.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import itertools
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import redis
from sqlalchemy import create_engine, func, select

from bulk_claims import create_database
from ingest import start_gunicorn, stop

ROOT = Path(__file__).resolve().parent.parent
WIKINEWS = ROOT.parent / "shared" / "data" / "wikinews-2020" / "wikinews_2020.csv"
BENCH_DB = "factdesk_bench_soak"
BROKER = "redis://127.0.0.1:6379/3"
SECRET = "soak-secret-0123456789abcdef"
PORT = 8731
LARGE = "The city paid $3 million. " * 75_000
SOURCE = [{"url": "https://example.org/record", "title": "Public record"}]


class Tally:
    """Every answer's status by kind of request, and what went wrong (connection errors count as failures)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.codes: Counter[tuple[str, int]] = Counter()
        self.accepted_saves = 0
        self.errors: list[str] = []

    def add(self, kind: str, status: int, detail: str = "") -> None:
        with self.lock:
            self.codes[(kind, status)] += 1
            if status >= 500 or status == 0:
                self.errors.append(f"{kind} {status} {detail[:200]}")

    def server_errors(self) -> int:
        return sum(n for (_, status), n in self.codes.items() if status >= 500 or status == 0)


class Client:
    """One keep-alive connection to the API, as one person's browser or one CMS would hold."""

    def __init__(self, tally: Tally, token: str | None = None) -> None:
        self.tally, self.token = tally, token
        self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)

    def call(self, kind: str, method: str, path: str, body: Any = None,
             headers: dict[str, str] | None = None) -> tuple[int, Any]:
        data = body if isinstance(body, bytes) else (json.dumps(body).encode() if body is not None else None)
        sent = {"Content-Type": "application/json", **(headers or {})}
        if self.token:
            sent["Authorization"] = f"Bearer {self.token}"
        try:
            self.conn.request(method, path, body=data, headers=sent)
            answer = self.conn.getresponse()
            raw = answer.read()
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
            self.tally.add(kind, 0, repr(exc))
            return 0, None
        self.tally.add(kind, answer.status, raw.decode("utf-8", "replace") if answer.status >= 500 else "")
        try:
            return answer.status, json.loads(raw) if raw else None
        except ValueError:
            return answer.status, None


def articles() -> list[tuple[str, str]]:
    with WIKINEWS.open(encoding="utf-8", newline="") as f:
        return [(row["title"], row["text"]) for row in csv.DictReader(f)]


def reporter(client: Client, stop_at: float, texts: list[tuple[str, str]], n: int) -> None:
    ids = itertools.count()
    while time.monotonic() < stop_at:
        title, text = random.choice(texts)
        external = f"r{n}-{next(ids) // 2}"  # every other post revises the draft before it
        client.call("post draft", "POST", "/api/v1/drafts", {"external_id": external, "title": title,
                                                               "body": text, "desk": "politics"})
        time.sleep(1.0)


def cms(tally: Tally, stop_at: float, texts: list[tuple[str, str]]) -> None:
    from factdesk.cms.schemes import factdesk as scheme

    client = Client(tally)
    versions: Counter[int] = Counter()
    while time.monotonic() < stop_at:
        doc = random.randrange(40)
        versions[doc] += 1
        title, text = texts[doc % len(texts)]
        body = json.dumps({"id": f"cms-{doc}", "version": versions[doc], "title": title,
                           "body": f"{text}\n\nUpdated {versions[doc]} times."}).encode()
        status, answer = client.call("cms save", "POST", "/api/v1/webhooks/cms/soak", body,
                                     {scheme.HEADER: scheme.sign(SECRET, int(time.time()), body)})
        if status == 202 and answer:
            with tally.lock:
                tally.accepted_saves += sum(1 for s in answer["saves"] if s.get("receipt"))
        time.sleep(0.25)


def checker(client: Client, stop_at: float) -> None:
    while time.monotonic() < stop_at:
        status, claim = client.call("lease", "POST", "/api/v1/queue/lease", {})
        if status != 200:
            time.sleep(0.5)
            continue
        rating = random.choice(["accurate", "accurate", "accurate", "misleading"])
        client.call("verdict", "POST", f"/api/v1/claims/{claim['id']}/verdicts",
                    {"rating": rating, "note": "checked", "sources": SOURCE if rating == "accurate" else []})


def editor(client: Client, stop_at: float) -> None:
    while time.monotonic() < stop_at:
        status, page = client.call("list drafts", "GET", "/api/v1/drafts?status=in_review&limit=20")
        for draft in (page or {}).get("items", []) if status == 200 else []:
            client.call("gate", "GET", f"/api/v1/drafts/{draft['id']}/gate")
            status, claims = client.call("draft claims", "GET", f"/api/v1/drafts/{draft['id']}/claims")
            items = (claims or {}).get("items", [])
            if status == 200 and items and all(c.get("verdict") for c in items):
                overrides = [{"claim_id": c["id"], "reason": "context added in the text"}
                             for c in items if c["verdict"]["rating"] != "accurate"]
                client.call("approve", "POST", f"/api/v1/drafts/{draft['id']}/approve", {"overrides": overrides})
        time.sleep(1.0)


def reader(client: Client, stop_at: float) -> None:
    while time.monotonic() < stop_at:
        for path in ("/api/v1/queue?limit=50", "/api/v1/drafts?limit=50", "/metrics"):
            client.call(f"GET {path.split('?')[0]}", "GET", path)
        time.sleep(0.5)


def rss_mb(pids: list[int]) -> float:
    """Resident memory of these processes and all their descendants, in MB."""
    seen, todo, total = set(), list(pids), 0
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{pid}/task").iterdir():
                children = (task / "children").read_text().split()
                todo.extend(int(c) for c in children)
        except OSError:
            continue
    return total / 1024


def memory(api: int, worker: int) -> tuple[float, float]:
    """Resident MB of the API (gunicorn and its workers) and of the workers (with the large-draft worker)."""
    return rss_mb([api]), rss_mb([worker])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--admin-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--seconds", type=float, default=300.0)
    parser.add_argument("--gunicorn-workers", type=int, default=2)
    args = parser.parse_args()

    url = create_database(args.admin_url, BENCH_DB)
    redis.Redis.from_url(BROKER).flushdb()
    data_dir = tempfile.mkdtemp(prefix="factdesk-soak-")
    env = {**os.environ, "FACTDESK_DATABASE_URL": url, "FACTDESK_BROKER_URL": BROKER, "FACTDESK_DATA_DIR": data_dir,
           "FACTDESK_LOG_LEVEL": "WARNING", "FACTDESK_LEASE_CAP": "1000",
           # Traffic from one address: the limits on failed authentication are not what this measures.
           "FACTDESK_BAD_SIGNATURE_LIMIT": "100000"}
    tokens = seed(env)
    with open(Path(data_dir) / "worker.log", "w") as worker_log:
        worker = subprocess.Popen([sys.executable, "-m", "factdesk.cli", "worker", "--beat", "--concurrency", "2"],
                                  env=env, stdout=subprocess.DEVNULL, stderr=worker_log, start_new_session=True)
    print(f"worker log: {worker_log.name}", flush=True)
    api = start_gunicorn("factdesk.wsgi:app", PORT, args.gunicorn_workers, env, ROOT, threads=8)
    tally = Tally()
    texts = articles()
    try:
        start = time.monotonic()
        stop_at = start + args.seconds
        jobs: list[Callable[[], None]] = [
            *(lambda n=n: reporter(Client(tally, tokens[f"rita{n}"]), stop_at, texts, n) for n in range(2)),
            lambda: cms(tally, stop_at, texts),
            *(lambda n=n: checker(Client(tally, tokens[f"cara{n}"]), stop_at) for n in range(4)),
            lambda: editor(Client(tally, tokens["eddy"]), stop_at),
            lambda: reader(Client(tally, tokens["eddy"]), stop_at),
        ]
        threads = [threading.Thread(target=job, daemon=True) for job in jobs]
        for t in threads:
            t.start()
        time.sleep(min(30.0, args.seconds / 10))
        memory_start = memory(api.pid, worker.pid)
        time.sleep(max(0.0, start + args.seconds / 2 - time.monotonic()))
        t0 = time.monotonic()
        status, _ = Client(tally, tokens["rita0"]).call("post large draft", "POST", "/api/v1/drafts",
                                                         {"external_id": "large", "title": "Large", "body": LARGE})
        print(f"the 1.9 MB draft answered {status} in {time.monotonic() - t0:.1f} s", flush=True)
        for t in threads:
            t.join()
        memory_end_load = memory(api.pid, worker.pid)
        quiet = wait_until_quiet(url, timeout=600)
        memory_end = memory(api.pid, worker.pid)
        report(tally, url, memory_start, memory_end_load, memory_end, quiet, args.seconds)
    finally:
        stop(api)
        stop(worker)


def seed(env: dict[str, str]) -> dict[str, str]:
    from factdesk.config import Settings
    from factdesk.migrate import upgrade
    from factdesk.runtime import Runtime
    from factdesk.services.integrations import add_integration
    from factdesk.services.users import add_user, issue_token

    upgrade(env["FACTDESK_DATABASE_URL"])
    runtime = Runtime(Settings.from_env(env))
    people = [("rita0", "reporter"), ("rita1", "reporter"), ("eddy", "editor"),
              *((f"cara{n}", "checker") for n in range(4))]
    for name, role in people:
        add_user(runtime.sessions, name, role, None)
    add_integration(runtime.sessions, "soak", SECRET)
    tokens = {name: issue_token(runtime.sessions, name).token for name, _ in people}
    runtime.dispose()
    return tokens


def wait_until_quiet(url: str, timeout: float) -> float:
    """Seconds until no save waits in the inbox, no job is pending and every draft's current text is extracted
    (a revision replaced before a worker reached it is never extracted: its job ends "superseded")."""
    from factdesk.models import CmsInboxItem, OutboxJob

    engine = create_engine(url)
    start = time.monotonic()
    with engine.connect() as conn:
        while time.monotonic() - start < timeout:
            waiting = conn.scalar(select(func.count()).select_from(CmsInboxItem)
                                  .where(CmsInboxItem.processed_at.is_(None)))
            pending = conn.scalar(select(func.count()).select_from(OutboxJob).where(OutboxJob.status == "pending"))
            unextracted = conn.scalar(_current_unextracted())
            conn.rollback()
            if not waiting and not pending and not unextracted:
                break
            time.sleep(1)
    engine.dispose()
    return time.monotonic() - start


def _current_unextracted() -> Any:
    from factdesk.models import Draft, Revision

    return (select(func.count()).select_from(Draft).join(Revision, Revision.id == Draft.current_revision_id)
            .where(Revision.extracted_at.is_(None)))


def report(tally: Tally, url: str, memory_start: tuple[float, float], memory_end_load: tuple[float, float],
           memory_end: tuple[float, float],
           quiet: float, seconds: float) -> None:
    from factdesk.models import CmsInboxItem, Draft, OutboxJob

    engine = create_engine(url)
    with engine.connect() as conn:
        outcomes = dict(conn.execute(select(CmsInboxItem.outcome, func.count()).group_by(CmsInboxItem.outcome)).all())
        waiting = conn.scalar(select(func.count()).select_from(CmsInboxItem).where(CmsInboxItem.processed_at.is_(None)))
        drafts = conn.scalar(select(func.count()).select_from(Draft))
        unextracted = conn.scalar(_current_unextracted())
        jobs = dict(conn.execute(select(OutboxJob.status, func.count()).group_by(OutboxJob.status)).all())
    engine.dispose()
    total = sum(tally.codes.values())
    print(f"{total:,} requests in {seconds:.0f} s ({total / seconds:.0f}/s); server errors (5xx or no answer): "
          f"{tally.server_errors()}")
    for (kind, status), n in sorted(tally.codes.items()):
        print(f"  {kind:<22} {status}  {n:,}")
    for line in tally.errors[:10]:
        print(f"  error: {line}")
    placed = sum(n for outcome, n in outcomes.items() if outcome not in (None, "rejected"))
    print(f"CMS saves accepted (a receipt): {tally.accepted_saves:,}; inbox rows placed {placed:,}, rejected "
          f"{outcomes.get('rejected', 0)}, still waiting {waiting} ({dict(outcomes)})")
    print(f"drafts {drafts:,}, current text not extracted {unextracted}; jobs {jobs}; quiet {quiet:.0f} s after "
          f"the load ended")
    for i, part in enumerate(("API", "workers")):
        start, end = memory_start[i], memory_end[i]
        print(f"memory of the {part} (MB): after warm-up {start:.0f}, at the end of the load "
              f"{memory_end_load[i]:.0f}, once quiet {end:.0f} ({(end / start - 1) * 100:+.0f} %)")
    start, end = sum(memory_start), sum(memory_end)
    print(f"memory in all: {start:.0f} → {end:.0f} MB ({(end / start - 1) * 100:+.0f} %)")


if __name__ == "__main__":
    main()
