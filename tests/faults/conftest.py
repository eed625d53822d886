"""Fault tests: the real API and worker processes, on servers the tests stop, start and kill.

Which servers:
- `server_stack`: always a private PostgreSQL and a private Redis (servers.py), whatever the suite: taking the
  database or the broker down needs servers to take down, and never the shared ones other suites run on.
- `stack`: what the suite runs on. The PostgreSQL suite (FACTDESK_TEST_DATABASE_URL set) gets the private
  PostgreSQL and Redis; the SQLite suite gets a SQLite file and the embedded broker, the single-machine default,
  which must survive a killed worker or API as well. The shared servers are never touched either way.

Every test gets a fresh database (a copy of one migrated at the start of the session) and an empty broker, and
its own API and worker processes, stopped when it ends.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from factdesk.migrate import upgrade
from tests.conftest import WorkerProcess
from tests.faults.servers import PrivatePostgres, PrivateRedis, free_port, missing_servers, postgres_bin
from tests.faults.stack import ApiProcess, Http, Stack

TEMPLATE = "factdesk_template"


@dataclass
class Servers:
    postgres: PrivatePostgres
    redis: PrivateRedis
    made: int = 0

    def new_urls(self) -> tuple[str, str]:
        """(database URL, broker URL) of a fresh database, migrated (a copy of the template: milliseconds, against
        seconds of migrations), and an empty Redis database that no earlier test's process knows of."""
        self.made += 1
        name = f"fault_{self.made}"
        self.postgres.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        return self.postgres.url(name), self.redis.url(self.made % self.redis.DATABASES)


@pytest.fixture(scope="session")
def servers() -> Iterator[Servers]:
    reason = missing_servers()
    if reason:
        pytest.skip(f"the fault tests run a private PostgreSQL and Redis, and cannot here: {reason}")
    bindir = postgres_bin()
    assert bindir is not None
    postgres, redis = PrivatePostgres(bindir), PrivateRedis()
    try:
        postgres.init()
        postgres.start()
        redis.start()
        postgres.execute(f"CREATE DATABASE {TEMPLATE}")
        upgrade(postgres.url(TEMPLATE))
        yield Servers(postgres, redis)
    finally:
        postgres.remove()
        redis.remove()


def _env(tmp: Path, database_url: str, broker_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "FACTDESK_DATA_DIR": str(tmp),
        "FACTDESK_DATABASE_URL": database_url,
        "FACTDESK_BROKER_URL": broker_url,
        # "The broker came back", "the worker died": seen within seconds (tests/conftest.py does the same).
        "FACTDESK_SWEEP_INTERVAL_SECONDS": "1",
        "FACTDESK_SWEEP_GRACE_SECONDS": "1",
        # A CMS draft is extracted once it has had no save for this long.
        "FACTDESK_DEBOUNCE_SECONDS": "1",
        "FACTDESK_LOG_LEVEL": "INFO",
    }


@pytest.fixture
def make_stack(tmp_path: Path) -> Iterator[Callable[..., Stack]]:
    """Starts a Stack on a database and broker: `make_stack(database_url, broker_url, large_worker=False,
    worker=True)`. Without `large_worker` the worker serves the large-draft queue itself (no second process to
    start); without `worker` the test starts it (`stack.worker.start()`)."""
    made: list[Stack] = []

    def make(database_url: str, broker_url: str, *, large_worker: bool = False, worker: bool = True) -> Stack:
        env = _env(tmp_path, database_url, broker_url)
        process = WorkerProcess(env, tmp_path / "worker.log", () if large_worker else ("--large-concurrency", "0"))
        port = free_port()
        stack = Stack(env, ApiProcess(env, tmp_path / "api.log", port), process, Http(port))
        made.append(stack)
        stack.api.launch()  # starting alongside the worker, which takes longer (it loads the language model)
        if worker:
            stack.worker.start()
        stack.api.wait_ready()
        return stack

    yield make
    for stack in made:
        stack.close()


@pytest.fixture
def server_stack(servers: Servers, make_stack: Callable[..., Stack]) -> Stack:
    """The API and a worker on the private PostgreSQL and Redis."""
    return make_stack(*servers.new_urls())


def suite_runs_on_postgresql() -> bool:
    return (os.environ.get("FACTDESK_TEST_DATABASE_URL") or "").startswith("postgresql")


@pytest.fixture
def stack_servers(request: pytest.FixtureRequest) -> Servers | None:
    """The private servers in the PostgreSQL suite; None in the SQLite suite (which needs none)."""
    return request.getfixturevalue("servers") if suite_runs_on_postgresql() else None


@pytest.fixture
def stack_urls(stack_servers: Servers | None, tmp_path: Path) -> tuple[str, str]:
    """(database URL, broker URL) of a fresh database and an empty broker of the suite's kind."""
    if stack_servers is not None:
        return stack_servers.new_urls()
    database_url = f"sqlite:///{tmp_path / 'factdesk.sqlite'}"
    upgrade(database_url)
    return database_url, f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}"


@pytest.fixture
def stack(stack_urls: tuple[str, str], make_stack: Callable[..., Stack]) -> Stack:
    """The API and a worker on what the suite runs on (see the module's docstring)."""
    return make_stack(*stack_urls)
