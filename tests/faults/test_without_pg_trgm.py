"""A PostgreSQL user who may not enable pg_trgm (a managed database that does not allow the extension, a user
without CREATE on the database): the migrations still run to the end and say so once, and near matches are
found all the same (they look checked claims up by name, and need no extension).

On the private PostgreSQL (servers.py): the test needs a role and a database of its own.
"""

from __future__ import annotations

import logging

import psycopg
from sqlalchemy import select, text

from factdesk.db import make_engine, make_session_factory, unit_of_work
from factdesk.migrate import upgrade
from factdesk.models import ClaimMatch
from factdesk.services.users import add_user
from factdesk.services.verdicts import VerdictInput, record_verdict
from tests.desk.test_memory import LECUN, LEFT, QUIT, store
from tests.faults.conftest import Servers

ACCURATE = VerdictInput(rating="accurate", sources=[{"url": "https://example.org/record", "title": "The record"}])


def test_without_pg_trgm_migrations_finish_and_near_matches_still_come(servers: Servers, caplog) -> None:
    pg = servers.postgres
    pg.execute("CREATE ROLE plain LOGIN")
    pg.execute("CREATE DATABASE no_trgm")  # owned by postgres: plain may not create extensions in it
    with psycopg.connect(host="127.0.0.1", port=pg.port, user="postgres", dbname="no_trgm", autocommit=True) as c:
        c.execute("GRANT CREATE ON SCHEMA public TO plain")
    url = f"postgresql+psycopg://plain@127.0.0.1:{pg.port}/no_trgm"
    with caplog.at_level(logging.WARNING):
        upgrade(url)
    assert "pg_trgm could not be enabled" in caplog.text
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'")) == 0
            assert conn.scalar(text("SELECT to_regclass('ix_claims_text_trgm')")) is None
            assert conn.scalar(text("SELECT to_regclass('claim_matches')")) is not None  # the rest migrated
        sessions = make_session_factory(engine)
        rita = add_user(sessions, "rita", "reporter", "politics")
        eddy = add_user(sessions, "eddy", "editor")
        _, (left,) = store(sessions, rita, "first", [("fact", {"entities": LECUN}, LEFT, LEFT)])
        verdict = record_verdict(sessions, eddy, left, ACCURATE)
        _, (quit_,) = store(sessions, rita, "second", [("fact", {"entities": LECUN}, QUIT, QUIT)])
        with unit_of_work(sessions) as s:
            found = s.execute(select(ClaimMatch.earlier_claim_id, ClaimMatch.verdict_id, ClaimMatch.kind)
                              .where(ClaimMatch.claim_id == quit_)).all()
        assert [tuple(m) for m in found] == [(left, verdict.id, "near")]
    finally:
        engine.dispose()

