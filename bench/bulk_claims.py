"""Bulk-load a million claims into a benchmark's own PostgreSQL database, for the queue and desk benchmarks.

Rows go in with `INSERT … SELECT generate_series`, foreign-key triggers off (superuser only) so that drafts can
point at their revisions at once instead of a million-row UPDATE afterwards. Every filler revision holds the
same realistic text, and each claim spans one of its sentences, so that a claim page has a passage to show.
"""

from __future__ import annotations

import psycopg
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

DESKS = ["politics", "business", "tech", "sport", "culture"]
TYPES = ["date", "money", "quantity", "role", "quote", "attribution", "fact"]

# One fixed-width sentence per claim of a draft: claim k spans sentence k.
SENTENCE = "In 20{k:02d} the harbour board spent {k:02d} million euros on the north quay wall. "
WIDTH = len(SENTENCE.format(k=0))


def create_database(admin_url: str, name: str) -> str:
    """Drop and create the database `name` (never any other); its URL."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def load_claims(url: str, *, drafts: int, per_draft: int, author_id: int, in_review: float = 0.3) -> int:
    """Add `drafts` drafts (ids after the highest in use) of one revision and `per_draft` claims each; a share
    `in_review` of the drafts is in review with its claims open, the rest cleared. The number of claims added."""
    body = "".join(SENTENCE.format(k=k) for k in range(per_draft))
    review_tenths = round(in_review * 10)
    assert "'" not in body  # inlined as a literal below
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
        base = conn.execute("SELECT coalesce(max(id), 0) FROM drafts").fetchone()[0]
        rev_base = conn.execute("SELECT coalesce(max(id), 0) FROM revisions").fetchone()[0]
        # Without parameters, psycopg sends the statements as one simple query.
        conn.execute(f"""
SET session_replication_role = replica;
INSERT INTO drafts (id, source, title, status, desk, deadline, author_id, current_revision_id, created_at,
                    updated_at)
    SELECT {base} + g, 'api', 'Harbour budget, part ' || g,
           CASE WHEN g % 10 < {review_tenths} THEN 'in_review' ELSE 'cleared' END,
           (ARRAY{DESKS!r})[1 + g % 5],
           CASE WHEN g % 7 = 0 THEN NULL ELSE now() + (g % 5000) * interval '1 minute' END, {author_id},
           {rev_base} + g, now(), now()
    FROM generate_series(1, {drafts}) g;
INSERT INTO revisions (id, draft_id, number, body, format, text, content_hash, created_by_id, created_at,
                       extracted_at)
    SELECT {rev_base} + g, {base} + g, 1, '{body}', 'text', '{body}', md5(g::text) || md5(g::text), {author_id},
           now(), now()
    FROM generate_series(1, {drafts}) g;
INSERT INTO claims (draft_id, revision_id, type, start, "end", spans, text, sentence, normalized, score, reasons,
                    fingerprint, status, draft_deadline, draft_desk, created_at, updated_at)
    SELECT {base} + d, {rev_base} + d, (ARRAY{TYPES!r})[1 + k % 7], k * {WIDTH}, k * {WIDTH} + {WIDTH - 1},
           json_build_array(json_build_array(k * {WIDTH}, k * {WIDTH} + {WIDTH - 1})),
           substr('{body}', 1 + k * {WIDTH}, {WIDTH - 1}), substr('{body}', 1 + k * {WIDTH}, {WIDTH - 1}), '{{}}',
           random(), '[]', md5(g::text), CASE WHEN d % 10 < {review_tenths} THEN 'open' ELSE 'verdict' END,
           CASE WHEN d % 7 = 0 THEN NULL ELSE now() + (d % 5000) * interval '1 minute' END,
           (ARRAY{DESKS!r})[1 + d % 5], now(), now()
    FROM generate_series(0, {drafts * per_draft - 1}) g,
         LATERAL (SELECT 1 + g / {per_draft} AS d, g % {per_draft} AS k) x;
SELECT setval('drafts_id_seq', {base + drafts}), setval('revisions_id_seq', {rev_base + drafts});
SET session_replication_role = origin;
""")
        # As after any bulk load: without it, autovacuum works through the new rows during the measurements.
        conn.execute("VACUUM (ANALYZE)")
    return drafts * per_draft
