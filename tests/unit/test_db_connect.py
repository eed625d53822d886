"""A database host that accepts connections and never answers fails a connection in seconds, not minutes."""

from __future__ import annotations

import socket
import time

import pytest
from sqlalchemy.exc import OperationalError

from factdesk.config import Settings
from factdesk.db import make_engine


@pytest.fixture
def silent_host():  # type: ignore[no-untyped-def]
    """A port whose kernel completes the TCP handshake while nobody ever answers PostgreSQL's startup."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield server.getsockname()[1]


def test_opening_a_connection_to_a_silent_database_gives_up_after_the_connect_timeout(silent_host) -> None:
    engine = make_engine(f"postgresql+psycopg://postgres@127.0.0.1:{silent_host}/factdesk", connect_timeout=2)
    started = time.monotonic()
    with pytest.raises(OperationalError, match="timeout"):
        engine.connect()
    # libpq's default waits forever here; the bound is loose because it is about hanging, not speed
    assert time.monotonic() - started < 20


def test_the_connect_timeout_is_configured_and_never_below_libpqs_two_second_floor() -> None:
    assert Settings.from_env({}).db_connect_timeout_seconds == 5
    assert Settings.from_env({"FACTDESK_DB_CONNECT_TIMEOUT_SECONDS": "12"}).db_connect_timeout_seconds == 12
    assert Settings.from_env({"FACTDESK_DB_CONNECT_TIMEOUT_SECONDS": "0"}).db_connect_timeout_seconds == 2
