"""Database engine and session factory, built on demand from Settings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, configure_mappers, sessionmaker


def make_engine(database_url: str, *, pool_size: int = 10, max_overflow: int = 20,
                pool_timeout: float = 30.0, connect_timeout: int = 5) -> Engine:
    """An engine for `database_url`; SQLite gets WAL, foreign keys and a busy timeout so that the API,
    the worker and the scheduler can share one file. Elsewhere (PostgreSQL) the connection pool keeps
    `pool_size` connections, opens up to `max_overflow` more under load, and a checkout waits at most
    `pool_timeout` seconds for one, and opening one gives up after `connect_timeout` seconds (libpq's
    `connect_timeout`, unless the URL sets its own)."""
    if database_url.startswith("sqlite"):
        engine = create_engine(database_url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            # Python's sqlite3 opens transactions lazily; BEGIN IMMEDIATE on our own terms keeps
            # concurrent writers from deadlocking on lock upgrades.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    connect_args = {} if "connect_timeout=" in database_url else {"connect_timeout": connect_timeout}
    return create_engine(database_url, pool_pre_ping=True, pool_size=pool_size, max_overflow=max_overflow,
                         pool_timeout=pool_timeout, connect_args=connect_args)


# What every service takes: a factory of sessions, one session (one transaction) per unit of work.
Sessions = sessionmaker[Session]


def make_session_factory(engine: Engine) -> Sessions:
    """Sessions on `engine`. Configures the mappers of every model imported by now, a one-time cost that would
    otherwise land on a process's first query."""
    configure_mappers()
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: Sessions) -> Iterator[Session]:
    """One transaction: commits when the block ends, rolls back on any exception."""
    session = factory()
    try:
        with session.begin():
            yield session
    finally:
        session.close()
