"""Test fixtures: a real database built by migrations, a real broker, and real Celery workers.

PostgreSQL and Redis when FACTDESK_TEST_DATABASE_URL / FACTDESK_TEST_BROKER_URL are set (CI sets them),
otherwise SQLite and the embedded SQLite broker in a temporary folder.

Every test stands alone. A database test runs in one transaction on one connection, rolled back when it ends:
its `runtime` joins that transaction wherever the code under test reaches the database (sessions, the CMS
inbox writer, `engine.connect()`), each unit of work committing a savepoint, so the code commits as it does in
production and nothing outlives the test. A test whose data another connection or process must see (marked
`committed`, and every test that uses `worker` or `live_server`) commits for real instead, on a database
emptied before and after it. A worker is started for the test that asks for one, on an empty broker, and
stopped (the broker emptied again) before the database is emptied: no worker ever runs during another test.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

import pytest
from sqlalchemy import Connection, Engine, NestedTransaction, text
from sqlalchemy.engine.base import OptionEngine
from sqlalchemy.orm import sessionmaker

from factdesk.config import Settings
from factdesk.domain.actors import Actor
from factdesk.migrate import upgrade
from factdesk.models import Base
from factdesk.runtime import Runtime
from factdesk.services import outbox
from factdesk.services.inbox_writer import InboxWriter
from factdesk.services.users import add_user, issue_token
from factdesk.wiring.limiter import RedisLimiter

FIXTURES = Path(__file__).parent / "fixtures"
DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1: a broker that is down


def _test_env(tmp: Path) -> dict[str, str]:
    return {
        "FACTDESK_DATA_DIR": str(tmp),
        "FACTDESK_DATABASE_URL": os.environ.get("FACTDESK_TEST_DATABASE_URL")
        or f"sqlite:///{tmp / 'factdesk-test.sqlite'}",
        "FACTDESK_BROKER_URL": os.environ.get("FACTDESK_TEST_BROKER_URL")
        or f"sqla+sqlite:///{tmp / 'broker-test.sqlite'}",
        # The sweep runs often in tests so that "the broker came back" is seen within seconds.
        "FACTDESK_SWEEP_INTERVAL_SECONDS": "1",
        "FACTDESK_SWEEP_GRACE_SECONDS": "1",
        # Outbound CMS callbacks retry after 0.2 s, 0.4 s, ... so retry tests finish quickly.
        "FACTDESK_CALLBACK_BACKOFF_SECONDS": "0.2",
        "FACTDESK_LOG_LEVEL": "INFO",
        # Tests read the queue's counts right after changing the queue: count on every read.
        "FACTDESK_QUEUE_COUNTS_SECONDS": "0",
    }


@pytest.fixture(scope="session")
def test_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return _test_env(tmp_path_factory.mktemp("factdesk"))


@pytest.fixture(scope="session")
def settings(test_env: dict[str, str]) -> Settings:
    return Settings.from_env(test_env)


@pytest.fixture(scope="session")
def database(settings: Settings) -> Iterator[Runtime]:
    """The test database, built by migrations, with a Runtime on real connections to it and to the broker."""
    if settings.database_url.startswith("postgresql"):
        rt0 = Runtime(settings)
        with rt0.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        rt0.dispose()
    upgrade(settings.database_url)
    rt = Runtime(settings)
    _purge_broker(rt)
    yield rt
    rt.dispose()


class JoinedEngine(OptionEngine):
    """The Engine of a Runtime under a rolled-back test: a real Engine on the test database (its listeners
    and pool work as usual), except that every connection it hands out is the running test's own, `begin()`
    on it is a savepoint, and closing it leaves it open."""

    running: ClassVar[Connection | None] = None  # the running test's connection; set and cleared by `runtime`

    def __init__(self, proxied: Engine) -> None:
        super().__init__(proxied, {})

    def open_test_connection(self) -> Connection:
        """A test's one real connection, from this engine, so that listeners on it see every statement."""
        return Engine.connect(self)

    def connect(self) -> JoinedConnection:  # type: ignore[override]
        return JoinedConnection()

    @contextmanager
    def begin(self) -> Iterator[JoinedConnection]:  # type: ignore[override]
        conn = self.connect()
        with conn.begin():
            yield conn

    def dispose(self, close: bool = True) -> None:
        """The test's connection and the pool are not this engine's to close."""


class JoinedConnection:
    """A connection from a JoinedEngine. It finds the running test's connection on each use: the CMS inbox
    writer keeps its connection between saves, and so from one test into the next."""

    @staticmethod
    def _running() -> Connection:
        if JoinedEngine.running is None:
            raise RuntimeError("the test database was used outside a test's transaction")
        return JoinedEngine.running

    def begin(self) -> NestedTransaction:
        return self._running().begin_nested()

    def execution_options(self, **_: Any) -> JoinedConnection:
        # The inbox writer asks for AUTOCOMMIT on PostgreSQL; here the test's transaction keeps every change.
        return self

    def close(self) -> None:
        pass

    def __enter__(self) -> JoinedConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self._running(), name)


@pytest.fixture(scope="session")
def joined_inbox_writer(database: Runtime) -> InboxWriter:
    """One inbox writer (one thread) for every rolled-back test, storing on the running test's connection."""
    return InboxWriter(JoinedEngine(database.engine))


def _joined(database: Runtime, settings: Settings, engine: JoinedEngine, writer: InboxWriter) -> Runtime:
    """A Runtime for `settings` whose every use of the database is in the running test's transaction."""
    same_broker = settings.broker_url == database.settings.broker_url
    rt = Runtime(settings, database.celery if same_broker else None)
    sessions = sessionmaker(**{**database.sessions.kw, "bind": JoinedConnection._running(),
                               "join_transaction_mode": "create_savepoint",
                               "info": {**database.sessions.kw.get("info", {}), outbox.SENDER_KEY: rt.sender}})
    # Runtime builds these lazily (functools.cached_property): set here, they are never built.
    rt.__dict__.update(engine=engine, sessions=sessions, inbox_writer=writer)
    if same_broker:
        rt.__dict__["drain_signal"] = database.drain_signal
    return rt


def _commits(request: pytest.FixtureRequest) -> bool:
    """Whether the test's data must be seen by another connection or process, so it has to commit for real
    (a worker's, or a live server's threads, which must not share the test's one connection)."""
    return request.node.get_closest_marker("committed") is not None or bool(
        {"worker", "live_server"} & set(request.fixturenames)
    )


@pytest.fixture
def runtime(request: pytest.FixtureRequest, database: Runtime, joined_inbox_writer: InboxWriter) -> Iterator[Runtime]:
    """The test's Runtime: in a transaction rolled back after the test, or (a committed test) the database's
    own, emptied before and after the test."""
    _reset_failure_counts(database.settings.broker_url)
    if _commits(request):
        _empty(database)
        yield database
        _empty(database)
        return
    engine = JoinedEngine(database.engine)
    with engine.open_test_connection() as conn:
        transaction = conn.begin()
        JoinedEngine.running = conn
        try:
            yield _joined(database, database.settings, engine, joined_inbox_writer)
        finally:
            JoinedEngine.running = None
            transaction.rollback()


@pytest.fixture
def runtime_with(runtime: Runtime, database: Runtime,
                 joined_inbox_writer: InboxWriter) -> Iterator[Callable[..., Runtime]]:
    """Makes the Runtime of another API process on the test's database, with some settings changed:
    `runtime_with(broker_url=DEAD_BROKER)`."""
    made: list[Runtime] = []

    def make(**changes: Any) -> Runtime:
        settings = replace(runtime.settings, **changes)
        if isinstance(runtime.engine, JoinedEngine):
            return _joined(database, settings, runtime.engine, joined_inbox_writer)
        rt = Runtime(settings, runtime.celery if settings.broker_url == runtime.settings.broker_url else None)
        made.append(rt)
        return rt

    yield make
    for rt in made:
        rt.dispose()


@pytest.fixture
def sessions(runtime: Runtime):  # type: ignore[no-untyped-def]
    """The test's session factory (see `runtime`)."""
    return runtime.sessions


def _empty(runtime: Runtime) -> None:
    """Empty every table (the schema stays as migrations built it). Nothing else uses the database meanwhile:
    no worker outlives its test."""
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with runtime.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} CASCADE"))
        else:
            conn.execute(text("UPDATE drafts SET current_revision_id = NULL"))
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))


def _purge_broker(runtime: Runtime) -> None:
    """Empty the broker, so that no message sent before (rolled-back tests send theirs too) reaches a worker."""
    url = runtime.settings.broker_url
    if url.startswith("redis"):
        import redis

        # The test run's own Redis database: its queue, unacknowledged deliveries and flags all go.
        redis.Redis.from_url(url).flushdb()
    else:
        # Every queue the embedded broker holds: `control.purge()` would empty only the queues this process
        # has declared, and `factdesk worker` also serves one for large drafts.
        with runtime.celery.connection_for_write() as conn:
            channel = conn.default_channel
            for (name,) in channel.session.query(channel.queue_cls.name).all():
                channel.queue_purge(name)


def _reset_failure_counts(url: str) -> None:
    """Failed-authentication logs live in Redis for a window (a minute); one test's flood must not refuse the next."""
    if url.startswith("redis"):
        import redis

        client = redis.Redis.from_url(url)
        keys = list(client.scan_iter(RedisLimiter.PREFIX + "*"))
        if keys:
            client.delete(*keys)


@pytest.fixture
def app(runtime: Runtime, sessions):  # type: ignore[no-untyped-def]
    from factdesk.api import create_app

    return create_app(runtime=runtime)


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


class Users:
    """Creates users and hands back (actor, auth headers)."""

    def __init__(self, sessions) -> None:  # type: ignore[no-untyped-def]
        self.sessions = sessions

    def make(self, name: str, role: str, desk: str | None = None) -> tuple[Actor, dict[str, str]]:
        actor = add_user(self.sessions, name, role, desk)
        issued = issue_token(self.sessions, name)
        return actor, {"Authorization": f"Bearer {issued.token}"}


@pytest.fixture
def users(sessions) -> Users:  # type: ignore[no-untyped-def]
    return Users(sessions)


@pytest.fixture
def reporter(users: Users) -> dict[str, str]:
    return users.make("rita", "reporter", "politics")[1]


@pytest.fixture
def lecun_text() -> str:
    return (FIXTURES / "lecun-meta-draft.txt").read_text(encoding="utf-8")


class WorkerProcess:
    """A real `factdesk worker --beat` subprocess, in its own process group so it can be killed whole.
    `args` go to the command (`--large-concurrency 0`: no second process for large drafts)."""

    def __init__(self, env: dict[str, str], log_path: Path, args: tuple[str, ...] = ()) -> None:
        self.env, self.log_path, self.args = env, log_path, args
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        # A second start would leave the first process running, unseen by kill() and stop().
        assert self.proc is None or self.proc.poll() is not None, "the worker is running already"
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "factdesk.cli", "worker", "--beat", "--concurrency", "1", *self.args],
                env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        deadline = time.monotonic() + 90
        while b"ready." not in self.log_path.read_bytes()[offset:]:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise RuntimeError("worker did not start:\n" + self.log_path.read_text(errors="replace")[-3000:])
            time.sleep(0.2)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the worker and its children: a crash, with no chance to clean up."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=20)

    def stop(self, grace: float = 5.0) -> None:
        """SIGTERM to the worker (a warm shutdown: it stops its pool and beat itself), then SIGKILL to the
        whole group after `grace` seconds: a task the test left running would only delay the next test."""
        if self.proc is None or self.proc.poll() is not None:
            return
        os.kill(self.proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=grace)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)  # anything of the group still there
        self.proc.wait(timeout=20)


@pytest.fixture
def worker(runtime: Runtime, test_env: dict[str, str], tmp_path: Path) -> Iterator[WorkerProcess]:
    """A real Celery worker (with the periodic sweep) for this test alone, on its committed database.

    Started on an empty broker; stopped, and the broker emptied, before the database is emptied for the next
    test. One worker per test rather than per module: emptying the database while a worker runs would race it.
    """
    _purge_broker(runtime)
    process = WorkerProcess({**os.environ, **test_env}, tmp_path / "worker.log")
    process.start()
    try:
        yield process
    finally:
        process.stop()
        _purge_broker(runtime)


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.2):  # type: ignore[no-untyped-def]
    """Poll until `predicate()` returns something truthy; returns it, or fails the test after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"condition not met within {timeout}s")


def pytest_report_header(config) -> list[str]:  # type: ignore[no-untyped-def]
    db = os.environ.get("FACTDESK_TEST_DATABASE_URL")
    broker = os.environ.get("FACTDESK_TEST_BROKER_URL")
    lines = [
        f"factdesk database: {'PostgreSQL (' + db + ')' if db else 'embedded SQLite (temporary file)'}",
        f"factdesk broker: {'Redis (' + broker + ')' if broker else 'embedded SQLite broker (temporary file)'}",
    ]
    if not db:
        lines.append("factdesk: PostgreSQL-only tests are skipped; set FACTDESK_TEST_DATABASE_URL to run them")
    return lines
