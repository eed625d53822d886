"""Which failures are an outage (503, retry) and which a value the database refuses (422, never retried): errors
raised for real by the drivers wherever a test can provoke them, the server's own error classes otherwise."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
import pytest
import redis
from psycopg import errors as pg
from sqlalchemy import create_engine, text
from sqlalchemy import exc as sa

from factdesk.services.failures import refused_value, unavailable

NOWHERE = "postgresql+psycopg://factdesk@127.0.0.1:1/factdesk"  # nothing listens on port 1


def raised(fn) -> BaseException:  # type: ignore[no-untyped-def]
    try:
        fn()
    except BaseException as exc:  # noqa: BLE001 - the test inspects whatever it was
        return exc
    raise AssertionError("nothing was raised")


def wrapped(orig: Exception) -> sa.DBAPIError:
    """The error as SQLAlchemy hands it to a service: the driver's error inside a DBAPIError."""
    return sa.DBAPIError.instance("SELECT 1", {}, orig, psycopg.Error)


def test_no_postgresql_to_connect_to_is_the_database_down():
    error = raised(lambda: create_engine(NOWHERE).connect())
    assert isinstance(error, sa.OperationalError)
    assert unavailable(error) == "database" and refused_value(error) is None


def test_a_pool_with_no_free_connection_is_the_database_down(tmp_path: Path):
    engine = create_engine(f"sqlite:///{tmp_path / 'db.sqlite'}", pool_size=1, max_overflow=0, pool_timeout=0.1)
    with engine.connect():
        error = raised(engine.connect)
    assert isinstance(error, sa.TimeoutError) and unavailable(error) == "database"


def test_a_sqlite_file_locked_past_the_busy_timeout_is_the_database_down(tmp_path: Path):
    path = tmp_path / "db.sqlite"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 0})
    with engine.connect() as conn:
        error = raised(lambda: conn.execute(text("INSERT INTO t VALUES (1)")))
    holder.rollback()
    assert "database is locked" in str(error)
    assert unavailable(error) == "database"


def test_a_sqlite_error_of_the_code_is_not_an_outage(tmp_path: Path):
    engine = create_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with engine.connect() as conn:
        error = raised(lambda: conn.execute(text("SELECT * FROM missing")))
    assert isinstance(error, sa.OperationalError)  # the same class as "database is locked"
    assert unavailable(error) is None and refused_value(error) is None


@pytest.mark.parametrize("server_error", [
    pg.AdminShutdown, pg.CannotConnectNow, pg.TooManyConnections, pg.DeadlockDetected, pg.SerializationFailure,
    pg.QueryCanceled, pg.LockNotAvailable, pg.DiskFull,
])
def test_postgresql_errors_a_retry_gets_past_are_the_database_down(server_error):
    assert unavailable(wrapped(server_error("x"))) == "database"


@pytest.mark.parametrize("server_error", [pg.ProgramLimitExceeded, pg.NumericValueOutOfRange,
                                          pg.StringDataRightTruncation, pg.UntranslatableCharacter])
def test_a_value_postgresql_refuses_is_permanent_never_an_outage(server_error):
    # ProgramLimitExceeded is an OperationalError in psycopg, like a lost connection: a retry never helps.
    error = wrapped(server_error("value too large"))
    assert unavailable(error) is None
    assert refused_value(error) == "value too large"


def test_a_bug_is_neither():
    for error in (wrapped(pg.UndefinedTable("no such table")), wrapped(pg.UniqueViolation("duplicate key")),
                  ValueError("boom"), KeyError("k")):
        assert unavailable(error) is None and refused_value(error) is None


def test_an_error_raised_while_handling_an_outage_is_the_outage():
    outage = raised(lambda: create_engine(NOWHERE).connect())
    try:
        try:
            raise outage
        except sa.OperationalError:
            raise RuntimeError("could not finish the unit of work")  # noqa: B904 - what the test is about
    except RuntimeError as exc:
        assert unavailable(exc) == "database"


def test_no_redis_to_connect_to_is_the_broker_down():
    error = raised(lambda: redis.Redis(port=1, socket_connect_timeout=1).ping())
    assert unavailable(error) == "broker"
