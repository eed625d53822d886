"""Which failures mean a dependency is down (retry later) and which mean the database refused a value (retrying
cannot help): the API answers the first 503 with Retry-After and the second 422, wherever they are raised.

Anything else is neither: a bug, answered 500 and logged with its traceback.
"""

from __future__ import annotations

import sqlite3

import kombu.exceptions
import psycopg
import redis.exceptions
from sqlalchemy import exc as sa

# SQLSTATE classes a later retry gets past: 08 connection exception, 40 transaction rollback (deadlock,
# serialization failure), 53 insufficient resources (too many connections, out of memory, disk full), 57 operator
# intervention (shutting down, starting up, statement timeout), 58 system error (I/O). Others of psycopg's
# OperationalError are permanent (54 program limit exceeded): never a 503, or a client retries them for ever.
_TRANSIENT_CLASSES = frozenset({"08", "40", "53", "57", "58"})
_TRANSIENT_STATES = frozenset({"55P03"})  # lock_not_available: lock_timeout ran out
# SQLSTATE classes of a value the database cannot take: 22 data exception (out of range, too long, bad text),
# 54 program limit exceeded (a value too large for an index row).
_REFUSED_CLASSES = frozenset({"22", "54"})
# SQLite's way of saying it is busy or cannot reach its file: another process kept the write lock past the
# busy timeout (30 s, db.make_engine), or the disk failed. Both pass; nothing about the request was wrong.
_SQLITE_UNAVAILABLE = ("database is locked", "database table is locked", "unable to open database file",
                       "disk i/o error", "database or disk is full")


def unavailable(error: BaseException) -> str | None:
    """"database" or "broker" when `error`, or an exception it was raised from or while handling, says that
    dependency cannot be reached or cannot serve right now; None otherwise."""
    for cause in _chain(error):
        dependency = _unavailable(cause)
        if dependency is not None:
            return dependency
    return None


def refused_value(error: BaseException) -> str | None:
    """The database's reason when `error` (or an exception in its chain) is the database refusing a value the
    request carried (out of range, too long, text it cannot store): the same request always fails. None
    otherwise."""
    for cause in _chain(error):
        orig = cause.orig if isinstance(cause, sa.DBAPIError) else cause
        state = getattr(orig, "sqlstate", None) if isinstance(orig, psycopg.Error) else None
        if (state and state[:2] in _REFUSED_CLASSES) or isinstance(orig, sqlite3.DataError):
            return (str(orig).strip().splitlines() or [type(orig).__name__])[0]
    return None


def _chain(error: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain and len(chain) < 10:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _unavailable(error: BaseException) -> str | None:
    if isinstance(error, sa.TimeoutError):  # no pooled connection came free in time: the database is saturated
        return "database"
    if isinstance(error, sa.DBAPIError):
        if error.connection_invalidated:  # SQLAlchemy saw the connection drop
            return "database"
        return _unavailable(error.orig) if isinstance(error.orig, BaseException) else None
    if isinstance(error, psycopg.Error):
        state = error.sqlstate
        if state is None:  # raised by the client library, not the server: no connection, or it was lost
            return "database" if isinstance(error, psycopg.OperationalError | psycopg.InterfaceError) else None
        return "database" if state[:2] in _TRANSIENT_CLASSES or state in _TRANSIENT_STATES else None
    if isinstance(error, sqlite3.OperationalError):
        return "database" if str(error).lower().startswith(_SQLITE_UNAVAILABLE) else None
    if isinstance(error, redis.exceptions.ConnectionError | redis.exceptions.TimeoutError
                  | kombu.exceptions.OperationalError):
        return "broker"
    return None
