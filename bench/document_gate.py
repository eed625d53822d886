"""The gate a CMS asks before it publishes, by its own document id (issue 15), on PostgreSQL with 1,000,000
claims stored: server time of GET /api/v1/integrations/{name}/documents/{external_id}/gate.

    .venv/bin/python bench/document_gate.py [--requests 2000] [--drafts 50000] [--reuse]
        [--admin-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

Creates (and drops first) the database `factdesk_bench_gate`; never touches any other database. The filler
drafts (20 claims each, 30% in review) are bulk-loaded (`bulk_claims.py`) and given to a Strapi integration as
its documents; one more document goes through the product's path (saved through the inbox, its claims stored,
checked and approved). Server time is measured in-process through the WSGI app after `warm_up` (as
`factdesk.wsgi` boots each gunicorn worker), as the other API benchmarks do, with an API token.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable

import psycopg

from bulk_claims import create_database, load_claims
from factdesk.api import create_app, warm_up
from factdesk.cms import Save
from factdesk.config import Settings
from factdesk.db import unit_of_work
from factdesk.extraction import Claim as FoundClaim
from factdesk.extraction import Extraction
from factdesk.migrate import upgrade
from factdesk.runtime import Runtime
from factdesk.services.approvals import approve_draft
from factdesk.services.cms_saves import receive_save
from factdesk.services.drafts import list_draft_claims
from factdesk.services.extraction import store_claims
from factdesk.services.integrations import add_integration
from factdesk.services.users import add_user, issue_token
from factdesk.services.verdicts import VerdictInput, record_verdict

BENCH_DB = "factdesk_bench_gate"
DEAD_BROKER = "redis://127.0.0.1:1/0"  # no broker: the gate needs none
TEXT = "The council voted 7-2 on Tuesday. The budget rose 4.2% to $1.3 billion."
PHRASES = ["voted 7-2 on Tuesday", "rose 4.2% to $1.3 billion"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--admin-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--requests", type=int, default=2000, help="requests per case measured")
    parser.add_argument("--drafts", type=int, default=50_000, help="filler documents (20 claims each)")
    parser.add_argument("--reuse", action="store_true", help="measure again on the database a previous run left")
    args = parser.parse_args()

    if args.reuse:
        url = args.admin_url.rsplit("/", 1)[0] + f"/{BENCH_DB}"
        runtime = Runtime(Settings.from_env({"FACTDESK_DATABASE_URL": url, "FACTDESK_BROKER_URL": DEAD_BROKER,
                                             "FACTDESK_LOG_LEVEL": "WARNING"}))
        measure(runtime, issue_token(runtime.sessions, "strapi-gate").token, args.drafts, args.requests, "approved-1")
        return
    url = create_database(args.admin_url, BENCH_DB)
    upgrade(url)
    runtime = Runtime(Settings.from_env({"FACTDESK_DATABASE_URL": url, "FACTDESK_BROKER_URL": DEAD_BROKER,
                                         "FACTDESK_LOG_LEVEL": "WARNING"}))
    sessions = runtime.sessions
    strapi = add_integration(sessions, "strapi", "bench-shared-token-0123", fmt="strapi")
    wire = add_user(sessions, "wire", "reporter")
    cara, eddy = add_user(sessions, "cara", "checker"), add_user(sessions, "eddy", "editor")
    add_user(sessions, "strapi-gate", "reporter")
    token = issue_token(sessions, "strapi-gate").token
    t0 = time.perf_counter()
    loaded = load_claims(url, drafts=args.drafts, per_draft=20, author_id=wire.id or 0)
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql"), autocommit=True) as conn:
        conn.execute("UPDATE drafts SET source = 'strapi', external_id = 'doc-' || id WHERE source = 'api'")
        conn.execute("VACUUM ANALYZE")
    print(f"bulk-loaded {loaded:,} claims in {args.drafts:,} Strapi documents in {time.perf_counter() - t0:.0f} s")
    measure(runtime, token, args.drafts, args.requests, seed_approved(sessions, strapi, cara, eddy))


def measure(runtime: Runtime, token: str, drafts: int, requests: int, approved: str) -> None:
    app = create_app(runtime=runtime)
    warm_up(app)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    base = "/api/v1/integrations/strapi/documents"
    ids = list(range(2, drafts + 1))
    cases: dict[str, Callable[[], str]] = {
        "a filler document (30% in review: blockers listed)": lambda: f"{base}/doc-{random.choice(ids)}/gate",
        "the approved document, by source_version": lambda: f"{base}/{approved}/gate?source_version=v1",
        "an unknown document (404)": lambda: f"{base}/nobody-{random.randrange(10**6)}/gate",
        "for comparison: GET /drafts/{id}/gate": lambda: f"/api/v1/drafts/{random.choice(ids)}/gate",
    }
    print("| case | requests | p50 | p99 | max |\n|---|---:|---:|---:|---:|")
    for name, make in cases.items():
        for _ in range(200):  # warm-up
            client.get(make(), headers=headers)
        times = []
        for _ in range(requests):
            target = make()
            start = time.perf_counter()
            response = client.get(target, headers=headers)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code in (200, 404), (target, response.status_code, response.json)
        times.sort()
        p99 = times[int(len(times) * 0.99) - 1]
        print(f"| {name} | {len(times)} | {statistics.median(times):.1f} ms | {p99:.1f} ms | {times[-1]:.1f} ms |")


def seed_approved(sessions, strapi, checker, editor) -> str:  # type: ignore[no-untyped-def]
    """A Strapi document saved through the inbox path, its claims stored, checked and approved."""
    with unit_of_work(sessions) as session:
        result = receive_save(session, strapi, Save(external_id="approved-1", body=TEXT, format="text",
                                                    source_version="v1", source_order=1), debounce=0)
        assert result is not None
        revision = result.revision
        found = []
        for i, phrase in enumerate(PHRASES):
            at = revision.text.index(phrase)
            found.append(FoundClaim(type="fact", spans=((at, at + len(phrase)),), text=phrase, sentence=phrase,
                                    normalized={"i": i}, score=0.5, reasons=("bench",), fingerprint=f"fp-{i}"))
        store_claims(session, revision.id, Extraction(text=revision.text, claims=found))
        draft_id = result.draft.id
    for claim in list_draft_claims(sessions, draft_id).items:
        record_verdict(sessions, editor, claim.id, VerdictInput(
            rating="accurate", note="bench", sources=[{"url": "https://example.org", "title": "x"}]))
    approve_draft(sessions, editor, draft_id)
    return "approved-1"


if __name__ == "__main__":
    main()
