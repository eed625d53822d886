"""kombu's SQLAlchemy transport, tuned to be the embedded broker on one SQLite file.

Stock kombu hands every transport option to `create_engine`, so its `polling_interval` cannot be set;
this channel keeps the engine options apart, and opens the file in WAL mode so that the API, the
worker and the scheduler can use it at once.
"""

from __future__ import annotations

from typing import Any

from kombu.transport import TRANSPORT_ALIASES
from kombu.transport.sqlalchemy import Channel as SqlaChannel
from kombu.transport.sqlalchemy import Transport as SqlaTransport
from sqlalchemy import create_engine, event

ALIAS = "fdsqlite"


class Channel(SqlaChannel):
    def _engine_from_config(self) -> Any:
        engine = create_engine(self.connection.client.hostname, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _wal(dbapi_conn, _record):
            dbapi_conn.execute("PRAGMA journal_mode=WAL")

        return engine


class Transport(SqlaTransport):
    Channel = Channel
    # A worker polls the queue table this often; short, so a posted draft is picked up at once.
    polling_interval = 0.1


def broker_url(url: str) -> str:
    """The URL to give Celery: `sqla+sqlite:` URLs are served by this transport."""
    if not url.startswith("sqla+sqlite:"):
        return url
    TRANSPORT_ALIASES.setdefault(ALIAS, f"{__name__}:Transport")
    return f"{ALIAS}+{url.removeprefix('sqla+')}"
