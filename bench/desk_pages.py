"""The desk's pages on PostgreSQL with 1,000,000 claims stored: server time of the queue page, of a 30-claim
draft's claim page and of a 200-claim draft's page (and of the fragments they poll), then a checker's loop
in Chromium (take next claim, record a verdict, the next claim shown).

    .venv/bin/python bench/desk_pages.py [--requests 1000] [--claims 40]
        [--admin-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

Creates (and drops first) the database `factdesk_bench_desk`; never touches any other database. The two
measured drafts go through the product's own path (submitted, extracted in this process, leased, checked and,
for the long one, revised); the million filler claims are bulk-loaded (`bulk_claims.py`). Server time is
measured in-process through the WSGI app (the Flask test client), as the queue benchmark does; the browser
loop runs against the app served on 127.0.0.1 by werkzeug, with Debian's chromium.
"""

from __future__ import annotations

import argparse
import csv
import logging
import re
import shutil
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from werkzeug.serving import make_server

from bulk_claims import create_database, load_claims
from factdesk.api import create_app, warm_up
from factdesk.config import Settings
from factdesk.db import Sessions
from factdesk.domain.actors import Actor
from factdesk.extraction import extract, load_nlp
from factdesk.migrate import upgrade
from factdesk.runtime import Runtime
from factdesk.services.drafts import Submission, list_draft_claims, submit_draft
from factdesk.services.extraction import extract_revision
from factdesk.services.queue import QueueFilter, lease_next_claim
from factdesk.services.users import add_user, set_password
from factdesk.services.verdicts import VerdictInput, record_verdict

BENCH_DB = "factdesk_bench_desk"
ROOT = Path(__file__).resolve().parent.parent
WIKINEWS = ROOT.parent / "shared" / "data" / "wikinews-2020" / "wikinews_2020.csv"
PASSWORD = "benchmark only, not a secret"
SOURCE = [{"url": "https://example.org/record", "title": "Public record"}]
FILLER_DRAFTS, FILLER_PER_DRAFT = 50_000, 20  # 1,000,000 claims, 300,000 of them waiting


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--admin-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--requests", type=int, default=1000, help="requests per page measured")
    parser.add_argument("--claims", type=int, default=40, help="claims the browser checker clears")
    args = parser.parse_args()

    url = create_database(args.admin_url, BENCH_DB)
    upgrade(url)
    runtime = Runtime(Settings.from_env({"FACTDESK_DATABASE_URL": url, "FACTDESK_BROKER_URL": "redis://127.0.0.1:1/0",
                                         "FACTDESK_LOG_LEVEL": "WARNING"}))
    sessions = runtime.sessions
    people = {name: add_user(sessions, name, role, None)
              for name, role in (("rita", "reporter"), ("wire", "reporter"), ("cara", "checker"),
                                 ("carl", "checker"), ("eddy", "editor"))}
    for name in people:
        set_password(sessions, name, PASSWORD)
    t0 = time.perf_counter()
    nlp = load_nlp()
    short = seed_draft(sessions, people, nlp, claims=30, checked=12, title="Thirty claims")
    long = seed_draft(sessions, people, nlp, claims=200, checked=120, title="Two hundred claims", revise=True)
    print(f"seeded the measured drafts ({short.claims} and {long.claims} claims) in {time.perf_counter() - t0:.0f} s")
    t0 = time.perf_counter()
    filler = load_claims(url, drafts=FILLER_DRAFTS, per_draft=FILLER_PER_DRAFT, author_id=people["wire"].id or 0)
    print(f"bulk-loaded {filler:,} claims in {time.perf_counter() - t0:.0f} s")

    app = create_app(runtime=runtime)
    warm_up(app)  # as factdesk.wsgi does in each gunicorn worker: one-time costs paid, the heap frozen
    leased = lease_next_claim(sessions, people["cara"], lease_seconds=3600, cap=100,
                              filters=QueueFilter(draft_id=short.id))
    assert leased is not None
    cara, eddy = signed_in(app, "cara"), signed_in(app, "eddy")
    print(f"server time over {args.requests} requests each (ms):")
    for label, client, path, expect in (
        ("queue page", cara, "/desk/queue", "Take next claim"),
        ("queue page, its live list", cara, "/desk/queue/live", "claim"),
        ("queue page, desk filter", cara, "/desk/queue?desk=politics", "Take next claim"),
        (f"claim page ({short.claims}-claim draft)", cara, f"/desk/claims/{leased.id}", "Record verdict"),
        (f"draft page ({long.claims} claims)", eddy, f"/desk/drafts/{long.id}", "ublishable"),
        ("draft page, live status", eddy, f"/desk/drafts/{long.id}/live?part=status", "ublishable"),
        ("draft page, live text", eddy, f"/desk/drafts/{long.id}/live?part=text", "claim"),
    ) if args.requests > 0 else ():
        times = measure(lambda c=client, p=path, e=expect: fetch(c, p, e), args.requests)
        print(f"  {label:<34} p50 {percentile(times, 50):6.1f}   p99 {percentile(times, 99):6.1f}")

    loop = browser_loop(app, args.claims)
    per_claim = [t + r for t, r in loop]
    print(f"checker's loop in Chromium over {len(loop)} claims (ms): take next → claim shown "
          f"p50 {statistics.median(t for t, _ in loop):.0f}; record verdict → shown "
          f"p50 {statistics.median(r for _, r in loop):.0f}; "
          f"per claim p50 {statistics.median(per_claim):.0f}, p90 {percentile(per_claim, 90):.0f}")
    runtime.dispose()


@dataclass(frozen=True)
class Seeded:
    id: int
    claims: int


def articles() -> list[str]:
    with WIKINEWS.open(encoding="utf-8", newline="") as f:
        return [row["text"].strip() for row in csv.DictReader(f)]


def seed_draft(sessions: Sessions, people: dict[str, Actor], nlp: Any, *, claims: int, checked: int, title: str,
               revise: bool = False) -> Seeded:
    """A draft by rita of Wikinews paragraphs, grown until extraction finds at least `claims` claims, with
    `checked` of them checked by carl (every seventh misleading); with `revise`, a second revision that
    rewrites one paragraph, so that the page has claims carried, reopened and retired."""
    paragraphs = [p.strip() for text in articles() for p in re.split(r"\n\s*\n", text) if len(p.strip()) > 80]
    deadline = datetime.now(UTC) + timedelta(days=30)  # behind every filler claim in the queue
    # Paragraph by paragraph (claims do not cross paragraphs), then the whole text as the worker sees it.
    taken, found = 0, 0
    while found < claims:
        found += len(extract(paragraphs[taken], nlp=nlp).claims)
        taken += 1
    body = "\n\n".join(paragraphs[:taken])
    result = submit_draft(sessions, people["rita"], Submission(body=body, title=title, deadline=deadline,
                                                               external_id=title, desk="politics"))
    assert result.draft.current_revision is not None
    extract_revision(sessions, result.draft.current_revision.id, nlp=nlp)
    draft_id = result.draft.id
    for i in range(checked):
        claim = lease_next_claim(sessions, people["carl"], lease_seconds=900, cap=1000,
                                 filters=QueueFilter(draft_id=draft_id))
        if claim is None:
            break
        misleading = i % 7 == 3
        record_verdict(sessions, people["carl"], claim.id, VerdictInput(
            rating="misleading" if misleading else "accurate", sources=[] if misleading else SOURCE,
            note="The figure is a budget, not a payment." if misleading else "Matches the public record."))
    if revise:
        edited = body.replace(paragraphs[1], paragraphs[1].replace(" the ", " this ", 3), 1)
        again = submit_draft(sessions, people["rita"], Submission(body=edited, title=title, deadline=deadline,
                                                                  external_id=title, desk="politics"))
        assert again.draft.current_revision is not None
        extract_revision(sessions, again.draft.current_revision.id, nlp=nlp)
    return Seeded(draft_id, count_claims(sessions, draft_id))


def count_claims(sessions: Sessions, draft_id: int) -> int:
    return len(list_draft_claims(sessions, draft_id).items)


def signed_in(app: Any, name: str) -> Any:
    """A test client signed in through the sign-in form, as a browser does."""
    client = app.test_client()
    page = client.get("/desk/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    answer = client.post("/desk/login", data={"username": name, "password": PASSWORD, "csrf_token": token[1]})
    assert answer.status_code in (302, 303), answer.status_code
    return client


def fetch(client: Any, path: str, expect: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 200 and expect in answer.get_data(as_text=True), (path, answer.status_code)


def measure(call: Callable[[], None], n: int) -> list[float]:
    for _ in range(max(20, n // 20)):  # warm the pool, the statement caches and the template cache
        call()
    times = []
    for _ in range(n):
        t = time.perf_counter()
        call()
        times.append((time.perf_counter() - t) * 1000)
    return times


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(len(ordered) * p / 100) - 1))]


def browser_loop(app: Any, claims: int) -> list[tuple[float, float]]:
    """carl clears `claims` claims in Chromium: for each, the time from pressing "Take next claim" (or "Next
    claim") until the claim page has loaded, and from pressing "Record verdict" until the result page has
    loaded, as the browser's Navigation Timing gives them (from the form's submission, through the redirect,
    to the load event). The typing in between is the person's time, not the system's, and is left out."""
    from playwright.sync_api import sync_playwright

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    timings: list[tuple[float, float]] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                     args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=base).new_page()
        page.goto("/desk/login")
        page.get_by_label("Username").fill("carl")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto("/desk/queue")
        take = page.get_by_role("button", name="Take next claim")
        for _ in range(claims + 3):  # the first three warm the browser's and the server's caches
            take.click()
            page.get_by_label("Rating").wait_for()
            shown = loaded_ms(page)
            page.get_by_label("Rating").select_option("accurate")
            page.get_by_label("Note").fill("Matches the public record.")
            page.get_by_label("Source URL").first.fill("https://example.org/record")
            page.get_by_label("Source title").first.fill("Public record")
            page.get_by_role("button", name="Record verdict").click()
            page.get_by_text("Verdict recorded").wait_for()
            timings.append((shown, loaded_ms(page)))
            take = page.get_by_role("button", name="Next claim")
        browser.close()
    server.shutdown()
    return timings[3:]


def loaded_ms(page: Any) -> float:
    """Milliseconds from the start of the page's navigation (the form's submission) to its load event."""
    page.wait_for_load_state("load")
    return float(page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd"))


if __name__ == "__main__":
    main()
