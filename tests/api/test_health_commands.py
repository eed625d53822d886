"""`factdesk health api|beat`, the containers' health checks: 0 when healthy, 1 with the reason when not.
(`factdesk health worker` against a real worker: tests/integration/test_operations.py.)"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from click.testing import CliRunner
from werkzeug.serving import make_server

from factdesk.api import create_app
from factdesk.celery_app import beat_heartbeat_path
from factdesk.cli import main
from factdesk.config import Settings
from tests.conftest import DEAD_BROKER


@contextmanager
def serving(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.mark.committed  # the server's threads use connections of their own
def test_health_api_passes_when_readyz_does_and_fails_when_a_dependency_is_down(app, runtime_with):
    with serving(app) as url:
        ok = CliRunner().invoke(main, ["health", "api", "--url", f"{url}/readyz"])
    assert ok.exit_code == 0, ok.output
    with serving(create_app(runtime=runtime_with(broker_url=DEAD_BROKER))) as url:
        down = CliRunner().invoke(main, ["health", "api", "--url", f"{url}/readyz"])
    assert down.exit_code == 1 and "answered 503" in down.output and "broker" in down.output
    nothing = CliRunner().invoke(main, ["health", "api", "--url", "http://127.0.0.1:1/readyz", "--timeout", "1"])
    assert nothing.exit_code == 1 and "127.0.0.1:1" in nothing.output


def test_health_beat_reads_the_age_of_the_schedulers_heartbeat(tmp_path):
    env = {**os.environ, "FACTDESK_DATA_DIR": str(tmp_path), "FACTDESK_SWEEP_INTERVAL_SECONDS": "15"}
    runner = CliRunner()
    missing = runner.invoke(main, ["health", "beat"], env=env)
    assert missing.exit_code == 1 and "no beat heartbeat" in missing.output
    heartbeat = beat_heartbeat_path(Settings.from_env(env))
    heartbeat.touch()
    assert runner.invoke(main, ["health", "beat"], env=env).exit_code == 0
    stale = time.time() - 61  # three sweep intervals are 45 s; the least it allows is 60 s
    os.utime(heartbeat, (stale, stale))
    old = runner.invoke(main, ["health", "beat"], env=env)
    assert old.exit_code == 1 and "beat last ticked 61 s ago" in old.output
    assert runner.invoke(main, ["health", "beat", "--max-age", "120"], env=env).exit_code == 0
