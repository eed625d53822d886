"""Test fixtures: a real database built by migrations, a real broker and a real Celery worker.

PostgreSQL and Redis when FACTDESK_TEST_DATABASE_URL / FACTDESK_TEST_BROKER_URL are set (CI sets them),
otherwise SQLite and the embedded SQLite broker in a temporary folder.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from psycopg.errors import DeadlockDetected
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from factdesk.config import Settings
from factdesk.db import unit_of_work
from factdesk.domain.actors import Actor
from factdesk.migrate import upgrade
from factdesk.models import Base
from factdesk.runtime import Runtime
from factdesk.services.users import add_user, issue_token

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
    }


@pytest.fixture(scope="session")
def test_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return _test_env(tmp_path_factory.mktemp("factdesk"))


@pytest.fixture(scope="session")
def settings(test_env: dict[str, str]) -> Settings:
    return Settings.from_env(test_env)


@pytest.fixture(scope="session")
def runtime(settings: Settings) -> Iterator[Runtime]:
    _reset_broker(settings.broker_url)
    if settings.database_url.startswith("postgresql"):
        rt0 = Runtime(settings)
        with rt0.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        rt0.dispose()
    upgrade(settings.database_url)
    rt = Runtime(settings)
    yield rt
    rt.dispose()


def _reset_broker(url: str) -> None:
    if url.startswith("redis"):
        import redis

        redis.Redis.from_url(url).flushdb()


@pytest.fixture
def sessions(runtime: Runtime):  # type: ignore[no-untyped-def]
    """A clean database for each test (tables emptied; the schema stays as migrations built it)."""
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    for attempt in range(5):
        try:
            _empty(runtime, tables)
            break
        except OperationalError as exc:
            # The worker may still be finishing an earlier test's transaction. TRUNCATE locks the tables one
            # by one, so PostgreSQL can pick it as a deadlock's victim; once the worker's transaction ends,
            # the next attempt goes through.
            if not isinstance(exc.orig, DeadlockDetected) or attempt == 4:
                raise
            time.sleep(0.2)
    _reset_failure_counts(runtime.settings.broker_url)
    return runtime.sessions


def _empty(runtime: Runtime, tables: list[str]) -> None:
    with runtime.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Ids keep counting across tests (no RESTART IDENTITY; AUTOINCREMENT on SQLite), so a task
            # message a worker still holds from an earlier test can never act on a later test's rows.
            conn.execute(text(f"TRUNCATE {', '.join(tables)} CASCADE"))
        else:
            conn.execute(text("UPDATE drafts SET current_revision_id = NULL"))
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))


def _reset_failure_counts(url: str) -> None:
    """Failed-authentication counters live in Redis for a minute; one test's flood must not refuse the next."""
    if url.startswith("redis"):
        import redis

        client = redis.Redis.from_url(url)
        keys = list(client.scan_iter("factdesk:badsig:*"))
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
        with unit_of_work(self.sessions) as session:
            user = add_user(session, name, role, desk)
            _, token = issue_token(session, name)
            actor = Actor(user.id, user.name, user.role, user.desk)
        return actor, {"Authorization": f"Bearer {token}"}


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
    """A real `factdesk worker --beat` subprocess, in its own process group so it can be killed whole."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env, self.log_path = env, log_path
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "factdesk.cli", "worker", "--beat", "--concurrency", "1"],
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

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()


@pytest.fixture(scope="session")
def worker(test_env: dict[str, str], runtime: Runtime, tmp_path_factory) -> Iterator[WorkerProcess]:  # type: ignore[no-untyped-def]
    """A real Celery worker (with the periodic sweep) on the test database and broker."""
    process = WorkerProcess({**os.environ, **test_env}, tmp_path_factory.mktemp("worker") / "worker.log")
    process.start()
    yield process
    process.stop()


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
