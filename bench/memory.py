"""The fact memory's cost: matching a revision of 30 claims against a million stored verdicts (issue 14).

Builds the schema by migrations in the given database (dropping what was there: give it a database of its own),
bulk-loads `--verdicts` claims with one verdict each (one draft per 30 claims, match keys drawn so that a key
recurs across a few drafts, as a desk's recurring titles and figures do; each claim's words are three runs of
five words of the 2020 Wikinews articles, so that the named words and trigrams are a newsroom's), then times,
for a new revision of 30 claims a third of whose keys are stored already, the two parts of its matching: what it
adds to storing the extraction (the keys, the exact lookup, the matches' insert and the near job's outbox row),
and the near job that runs after it, for the facts, attributions and quotes with no exact match (a third of them
a stored claim's words with one word changed, the rest sentences of the example articles). Each round runs in a
transaction rolled back after it. Prints p50/p99, how many planted near matches were found, and the plans of the
exact lookup and of one name's window of the near lookup.

    createdb -h 127.0.0.1 -U postgres factdesk_bench_memory
    python bench/memory.py --url postgresql+psycopg://postgres@127.0.0.1:5432/factdesk_bench_memory
    python bench/memory.py --url sqlite:////tmp/memory-bench.sqlite --verdicts 100000
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import re
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, distinct, event, func, select, text
from sqlalchemy.orm import Session

from factdesk.domain.memory import NEAR_TYPES, name_keys
from factdesk.migrate import upgrade
from factdesk.models import CheckedName, Claim, ClaimMatch, Draft, Revision, Verdict
from factdesk.services import near_matches
from factdesk.services.memory import set_match_keys, store_matches
from factdesk.services.read_models import newest_verdict_ids

PER_DRAFT = 30
TYPES = ["date", "money", "quantity", "role", "quote", "attribution", "fact"]
DISTINCT_KEYS = 4  # verdicts per distinct key, on average: a claim checked in about four drafts


CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "wikinews-2020" / "wikinews_2020.csv"
EXAMPLES = CORPUS.parents[2] / "examples"
RUN, RUNS = 5, 3  # a stored claim's words: RUNS runs of RUN consecutive words of the corpus


def corpus_words(path: Path = CORPUS) -> list[str]:
    csv.field_size_limit(1 << 26)
    with path.open(newline="", encoding="utf-8") as f:
        return [w for row in csv.DictReader(f) for w in row["text"].split()]


def words_of(claim_id: int, words: list[str]) -> str:
    """A stored claim's words, the same for the same id on every run and database: runs of real words, so that
    their trigrams are as common or rare as a newsroom's."""
    runs = []
    for k in range(RUNS):
        at = (claim_id * 2654435761 + k * 40503 + k * claim_id) % (len(words) - RUN)
        runs.append(" ".join(words[at : at + RUN]))
    return " ".join(runs)


def example_sentences(directory: Path = EXAMPLES) -> list[str]:
    sentences = [s.strip() for p in sorted(directory.glob("*.txt"))
                 for s in re.split(r"(?<=[.!?])\s+", p.read_text(encoding="utf-8"))]
    return [s for s in sentences if len(s.split()) >= 6]


def key_of(n: int) -> str:
    return hashlib.sha256(f"key-{n}".encode()).hexdigest()


def reset(url: str) -> None:
    engine = create_engine(url)
    if engine.dialect.name == "sqlite" and engine.url.database:
        Path(engine.url.database).unlink(missing_ok=True)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    upgrade(url)


def load(url: str, verdicts: int) -> None:
    """`verdicts` claims in `verdicts / 30` drafts, each claim with one verdict and a match key."""
    engine = create_engine(url)
    drafts = -(-verdicts // PER_DRAFT)
    keys = max(1, verdicts // DISTINCT_KEYS)
    words = corpus_words()
    with engine.begin() as conn:
        now = datetime.now(UTC)
        conn.execute(text("INSERT INTO users (id, name, role, created_at) VALUES (1, 'bench', 'editor', :now)"),
                     {"now": now})
        if engine.dialect.name == "postgresql":
            _copy_words(conn, verdicts, words)
            conn.execute(text(f"""
INSERT INTO drafts (id, source, status, desk, author_id, created_at, updated_at)
    SELECT g, 'api', 'cleared', 'politics', 1, now(), now() FROM generate_series(1, {drafts}) g;
INSERT INTO revisions (id, draft_id, number, body, format, text, content_hash, created_by_id, created_at, extracted_at)
    SELECT g, g, 1, 'x', 'text', 'x', md5(g::text), 1, now(), now() FROM generate_series(1, {drafts}) g;
UPDATE drafts SET current_revision_id = id;
INSERT INTO claims (id, draft_id, revision_id, type, start, "end", spans, text, sentence, normalized, score, reasons,
                    fingerprint, status, draft_desk, match_key, created_at, updated_at)
    SELECT g, 1 + (g - 1) / {PER_DRAFT}, 1 + (g - 1) / {PER_DRAFT}, (ARRAY{TYPES!r})[1 + g % 7], 0, 1, '[[0, 1]]',
           w.text, w.text || '.', '{{}}', 0.5, '[]', md5(g::text), 'verdict', 'politics',
           encode(sha256(('key-' || ((g::bigint * 7919) % {keys}))::bytea), 'hex'), now(), now()
    FROM generate_series(1, {verdicts}) g JOIN bench_words w ON w.id = g;
DROP TABLE bench_words;
INSERT INTO verdicts (claim_id, rating, sources, checker_id, publish, created_at)
    SELECT g, 'accurate', '[]', 1, false, now() - (g % 400) * interval '1 day' FROM generate_series(1, {verdicts}) g;
SELECT setval('drafts_id_seq', {drafts}), setval('revisions_id_seq', {drafts}), setval('claims_id_seq', {verdicts});
"""))
            with conn.connection.cursor() as cursor, \
                    cursor.copy("COPY checked_names (type, name, claim_id) FROM STDIN") as copy:
                for row in checked_names(verdicts, words):
                    copy.write_row(row)
        else:
            _load_sqlite(conn, drafts, verdicts, keys, words)
    engine.dispose()
    vacuum(url)


def vacuum(url: str, table: str = "") -> None:
    engine = create_engine(url)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"VACUUM (ANALYZE) {table}"))
        else:
            conn.execute(text("VACUUM"))
            conn.execute(text("ANALYZE"))
    engine.dispose()


def checked_names(verdicts: int, words: list[str]) -> Iterator[tuple[str, str, int]]:
    """The names every stored claim of a near-matched type is entered under (each has a verdict)."""
    for g in range(1, verdicts + 1):
        type_ = TYPES[g % 7]
        if type_ in NEAR_TYPES:
            for name in name_keys(words_of(g, words) + "."):
                yield type_, name, g


def _copy_words(conn, verdicts: int, words: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Every stored claim's words, into a scratch table the claims' INSERT reads (COPY: a million rows)."""
    conn.execute(text("CREATE UNLOGGED TABLE bench_words (id integer PRIMARY KEY, text text NOT NULL)"))
    with conn.connection.cursor() as cursor, cursor.copy("COPY bench_words (id, text) FROM STDIN") as copy:
        for g in range(1, verdicts + 1):
            copy.write_row((g, words_of(g, words)))


def _load_sqlite(conn, drafts: int, verdicts: int, keys: int, words: list[str]) -> None:  # type: ignore[no-untyped-def]
    now = datetime.now(UTC).isoformat(sep=" ")
    conn.execute(text("INSERT INTO drafts (id, source, status, desk, author_id, current_revision_id, created_at, "
                      "updated_at) VALUES (:id, 'api', 'cleared', 'politics', 1, :id, :now, :now)"),
                 [{"id": d, "now": now} for d in range(1, drafts + 1)])
    conn.execute(text("INSERT INTO revisions (id, draft_id, number, body, format, text, content_hash, created_by_id, "
                      "created_at, extracted_at) VALUES (:id, :id, 1, 'x', 'text', 'x', :h, 1, :now, :now)"),
                 [{"id": d, "h": str(d), "now": now} for d in range(1, drafts + 1)])
    conn.execute(text("INSERT INTO claims (id, draft_id, revision_id, type, start, \"end\", spans, text, sentence, "
                      "normalized, score, reasons, fingerprint, status, draft_desk, match_key, created_at, updated_at) "
                      "VALUES (:id, :d, :d, :t, 0, 1, '[[0, 1]]', :w, :w || '.', '{}', 0.5, '[]', :fp, 'verdict', "
                      "'politics', :k, :now, :now)"),
                 [{"id": g, "d": 1 + (g - 1) // PER_DRAFT, "t": TYPES[g % 7], "fp": str(g), "w": words_of(g, words),
                   "k": key_of((g * 7919) % keys), "now": now} for g in range(1, verdicts + 1)])
    conn.execute(text("INSERT INTO checked_names (type, name, claim_id) VALUES (:t, :n, :id)"),
                 [{"t": t, "n": n, "id": g} for t, n, g in checked_names(verdicts, words)])
    conn.execute(text("INSERT INTO verdicts (claim_id, rating, sources, checker_id, publish, created_at) "
                      "VALUES (:id, 'accurate', '[]', 1, 0, :now)"), [{"id": g, "now": now}
                                                                     for g in range(1, verdicts + 1)])


@dataclass(frozen=True)
class Corpus:
    words: list[str]
    sentences: list[str]


def probe_words(corpus: Corpus, verdicts: int, round_: int, i: int) -> str:
    """A new claim's words: a third, a stored claim's of its type with one word changed (a near match to find,
    on claims with a key of their own); the others, a sentence of the example articles (nothing like them)."""
    n = round_ * PER_DRAFT + i
    if i % 3 != 1:  # i % 3 == 0 are the claims with a stored key (new_revision), which look for no near match
        return corpus.sentences[n % len(corpus.sentences)]
    type_at = i % len(TYPES)  # stored claim g has type TYPES[g % 7]
    stored = (1 + (n * 7919) % (verdicts // len(TYPES) - 1)) * len(TYPES) + type_at
    words = words_of(stored, corpus.words).split()
    words[len(words) // 2] = "changed"
    return " ".join(words)


def new_revision(session: Session, verdicts: int, round_: int, corpus: Corpus) -> tuple[Revision, list[Claim]]:
    """A new draft's revision of 30 claims (not yet inserted): 10 with keys stored already, the rest new."""
    keys = max(1, verdicts // DISTINCT_KEYS)
    draft = Draft(source="bench", external_id=f"r{round_}", status="extracting", desk="politics", author_id=1)
    session.add(draft)
    session.flush()
    revision = Revision(draft_id=draft.id, number=1, body="x", format="text", text="x", content_hash="h",
                        created_by_id=1)
    session.add(revision)
    session.flush()
    claims = []
    for i in range(PER_DRAFT):
        stored = i % 3 == 0
        claims.append(Claim(draft_id=draft.id, revision_id=revision.id, type=TYPES[i % 7], start=i, end=i + 1,
                            spans=[[i, i + 1]], text=(words := probe_words(corpus, verdicts, round_, i)),
                            sentence=words,
                            normalized={"n": i}, score=0.5, reasons=[], fingerprint=f"r{round_}-{i}",
                            status="open", draft_desk="politics"))
        # A stored key, or one no claim has (each revision's own: the rounds' rolled-back rows stay in the
        # index until a vacuum, and must not pile up on a few keys).
        claims[-1]._bench_key = key_of((round_ * 31 + i) % keys) if stored else key_of(-1 - round_ * 31 - i)  # type: ignore[attr-defined]
    return revision, claims


@dataclass
class Timings:
    """Milliseconds per round of each step, and of that the time spent waiting on the database's answers (what
    a busy CPU inflates least)."""

    extraction: list[float] = field(default_factory=list)
    extraction_db: list[float] = field(default_factory=list)
    near: list[float] = field(default_factory=list)
    near_db: list[float] = field(default_factory=list)
    planted: int = 0  # claims made from a stored one by changing a word
    found: int = 0  # of those, given a near match


def time_rounds(url: str, verdicts: int, rounds: int) -> Timings:
    """Per 30-claim revision, a third of whose keys are stored already (as if those claims had been checked
    before): what matching adds to the extraction's unit of work (the keys, the exact lookup, the matches'
    insert and the near job's outbox row: services.memory.remember_claims, services.near_matches.queue_search),
    then the near job's own work on the claims it was queued for (services.near_matches.store_near)."""
    engine = create_engine(url)
    corpus = Corpus(corpus_words(), example_sentences())
    timings = Timings()
    in_db = [0.0]

    @event.listens_for(engine, "before_cursor_execute")
    def _sent(conn, *_: object) -> None:  # type: ignore[no-untyped-def]
        conn.info["sent"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _answered(conn, *_: object) -> None:  # type: ignore[no-untyped-def]
        in_db[0] += time.perf_counter() - conn.info["sent"]

    for r in range(rounds + 5):
        if r and r % 25 == 0:
            # Each round's rows are rolled back, but stay in the indexes until a vacuum: left there, they
            # would be found by the next rounds' lookups as no committed claim is.
            vacuum(url, "claims")
        with Session(engine) as session, session.begin():
            revision, claims = new_revision(session, verdicts, r, corpus)
            # As services.extraction.store_claims does: the keys are set before the claims are inserted.
            start = time.perf_counter()
            set_match_keys(claims)
            keyed = time.perf_counter() - start
            for c in claims:
                c.match_key = c._bench_key  # type: ignore[attr-defined]
            session.add_all(claims)
            session.flush()  # storing the claims is the extraction's own cost, not the memory's
            in_db[0], start = 0.0, time.perf_counter()
            remembered = store_matches(session, claims, new=True)
            near_matches.queue_search(session, revision, remembered.unmatched)
            session.flush()  # the job's row
            extraction, extraction_db = keyed + time.perf_counter() - start, in_db[0]
            in_db[0], start = 0.0, time.perf_counter()
            near_matches.store_near(session, remembered.unmatched)
            near, near_db = time.perf_counter() - start, in_db[0]
            planted = [c.id for i, c in enumerate(claims) if i % 3 == 1 and c.type in NEAR_TYPES]
            timings.planted += len(planted)
            timings.found += session.scalar(select(func.count(distinct(ClaimMatch.claim_id))).where(
                ClaimMatch.claim_id.in_(planted), ClaimMatch.kind == "near")) or 0
            if r >= 5:  # the first rounds warm the caches
                for series, seconds in ((timings.extraction, extraction), (timings.extraction_db, extraction_db),
                                        (timings.near, near), (timings.near_db, near_db)):
                    series.append(seconds * 1000)
            session.rollback()
    engine.dispose()
    return timings


def explain(url: str, verdicts: int) -> str:
    """The plans of the exact lookups (services.memory._earlier_by_key) for ten stored keys, and of one name's
    window of the near lookup (services.near_matches._named_candidates) for the name most claims carry."""
    engine = create_engine(url)
    keys = [key_of(k) for k in range(10)]
    claims = select(Claim.id).where(Claim.match_key.in_(keys), Claim.id < verdicts + 1)
    prefix = "EXPLAIN (ANALYZE, BUFFERS)" if engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN"
    plans = []
    with engine.connect() as conn:
        ids = list(conn.scalars(claims))
        newest = newest_verdict_ids(Verdict.claim_id.in_(ids))
        commonest = conn.execute(select(CheckedName.type, CheckedName.name).group_by(CheckedName.type, CheckedName.name)
                                 .order_by(func.count().desc()).limit(1)).one()
        window = select(CheckedName.claim_id) \
            .where(CheckedName.type == commonest.type, CheckedName.name == commonest.name,
                   CheckedName.claim_id < verdicts + 1) \
            .order_by(CheckedName.claim_id.desc()).limit(near_matches.NAME_WINDOW)
        for query in (claims, select(Verdict).where(Verdict.id.in_(newest)), window):
            compiled = query.compile(engine, compile_kwargs={"literal_binds": True})
            rows = conn.execute(text(f"{prefix} {compiled}")).all()
            plans.append("\n".join(str(r[0]) if len(r) == 1 else str(r[-1]) for r in rows))
    engine.dispose()
    return "\n--\n".join(plans)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="a database of the benchmark's own: its tables are dropped")
    parser.add_argument("--verdicts", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--skip-load", action="store_true", help="reuse the data of a previous run")
    args = parser.parse_args()
    if not args.skip_load:
        started = time.perf_counter()
        reset(args.url)
        load(args.url, args.verdicts)
        print(f"loaded {args.verdicts:,} claims with verdicts in {time.perf_counter() - started:.0f} s")
    else:
        vacuum(args.url)  # the rows an earlier run rolled back
    timings = time_rounds(args.url, args.verdicts, args.rounds)
    for what, values in (("added to the extraction (exact matches, the near job queued)", timings.extraction),
                         ("  of which waiting on the database", timings.extraction_db),
                         ("the near job (its own unit of work)", timings.near),
                         ("  of which waiting on the database", timings.near_db)):
        values.sort()
        p99 = values[min(len(values) - 1, round(0.99 * len(values)) - 1)]
        print(f"{what}, 30 claims vs {args.verdicts:,} verdicts, {len(values)} rounds: "
              f"p50 {statistics.median(values):.2f} ms, p99 {p99:.2f} ms, max {values[-1]:.2f} ms")
    print(f"near matches found for claims made from a stored one: {timings.found} of {timings.planted}")
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(explain(args.url, args.verdicts))


if __name__ == "__main__":
    main()
