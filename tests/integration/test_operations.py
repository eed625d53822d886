"""What an operator reads from a real worker: JSON log lines, the request id of the request that enqueued a job
on the worker's lines for it (sent at once, or by the sweep after a broker outage), and health checks."""

from __future__ import annotations

import json
import os
from dataclasses import replace

import pytest
from click.testing import CliRunner

from factdesk.api import create_app
from factdesk.celery_app import beat_heartbeat_path
from factdesk.cli import main
from factdesk.runtime import Runtime
from tests.conftest import DEAD_BROKER, wait_for

pytestmark = pytest.mark.worker


def json_lines(text: str) -> list[dict[str, object]]:
    """Every line of a log, parsed; fails on the first line that is not a JSON object."""
    lines = []
    for raw in filter(None, text.splitlines()):
        try:
            line = json.loads(raw)
        except ValueError:
            pytest.fail(f"a log line is not JSON: {raw!r}")
        assert isinstance(line, dict) and {"ts", "level", "logger", "message", "request_id"} <= set(line)
        lines.append(line)
    return lines


def extraction_lines(worker, revision_id: int) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    return [line for line in json_lines(worker.log())
            if line.get("task") == "factdesk.extract_revision" and f"revision {revision_id} " in str(line["message"])]


def done(lines: list[dict[str, object]]) -> bool:
    return any("extracted" in str(line["message"]) or ": stored" in str(line["message"]) for line in lines)


def test_the_worker_logs_json_with_the_request_id_of_the_request_that_enqueued_the_job(
    worker, client, runtime, users, reporter
):
    sent = client.post("/api/v1/drafts", json={"body": "The city paid $3 million in 2024."},
                       headers={**reporter, "X-Request-Id": "draft-post-1"})
    assert sent.status_code == 202
    # Another API process whose broker is down: its job waits in the outbox until the worker's sweep sends it.
    down = Runtime(replace(runtime.settings, broker_url=DEAD_BROKER))
    late = create_app(runtime=down).test_client().post(
        "/api/v1/drafts", json={"body": "Sales rose 12% in 2019."}, headers={**reporter, "X-Request-Id": "late-2"})
    assert late.status_code == 202

    for response, request_id in ((sent, "draft-post-1"), (late, "late-2")):
        revision_id = response.json["current_revision"]["id"]
        lines = wait_for(lambda rid=revision_id: (found := extraction_lines(worker, rid)) and done(found) and found,
                         timeout=90)
        assert {line["request_id"] for line in lines} == {request_id}, lines
        assert all(line["task_id"] for line in lines)
    down.dispose()
    # Lines of work no request asked for (the scheduler's sweeps) carry none, and never another request's.
    sweeps = [line for line in json_lines(worker.log()) if line.get("task") == "factdesk.sweep_outbox"]
    assert sweeps and all(line["request_id"] is None for line in sweeps)


def test_factdesk_health_sees_the_worker_and_its_scheduler(worker, test_env, settings):
    runner = CliRunner()
    env = {**os.environ, **test_env}
    beat_heartbeat_path(settings).unlink(missing_ok=True)  # so that only this worker's scheduler can pass
    assert runner.invoke(main, ["health", "beat"], env=env).exit_code == 1
    wait_for(lambda: runner.invoke(main, ["health", "beat"], env=env).exit_code == 0, timeout=30)
    if not test_env["FACTDESK_BROKER_URL"].startswith("redis"):
        return  # the embedded broker has no remote control: a worker cannot be pinged through it
    pong = runner.invoke(main, ["health", "worker", "--timeout", "5"], env=env)
    assert pong.exit_code == 0, pong.output
    nobody = runner.invoke(main, ["health", "worker", "--node", "celery@no-such-host", "--timeout", "1"], env=env)
    assert nobody.exit_code == 1 and "no answer from celery@no-such-host" in nobody.output
