"""Request ids: taken from X-Request-Id when sane or made, echoed, in every error body, on every log line of the
request, and kept with the jobs the request enqueues so the worker's lines carry it too."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest
from sqlalchemy import select

from factdesk.celery_app import CelerySender
from factdesk.db import unit_of_work
from factdesk.logs import configure_logging
from factdesk.models import OutboxJob
from factdesk.services import outbox

GENERATED = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def log_lines(app, settings):  # type: ignore[no-untyped-def]
    """The JSON lines factdesk's own log handler writes while the test runs, parsed."""
    buffer = io.StringIO()
    handler = configure_logging(settings.log_level, "json")
    previous = handler.setStream(buffer)  # type: ignore[attr-defined]
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    handler.setStream(previous)  # type: ignore[attr-defined]
    configure_logging(settings.log_level, settings.log_format)


@pytest.mark.parametrize("sent", ["4bf92f3577b34da6a3ce929d0e0e4736", "lb-7.frontend_2", "x" * 128])
def test_a_sane_request_id_is_echoed_and_put_in_the_error_body(client, sent):
    r = client.get("/api/v1/drafts", headers={"X-Request-Id": sent})
    assert r.status_code == 401
    assert r.headers["X-Request-Id"] == sent
    assert r.json["request_id"] == sent


@pytest.mark.parametrize("sent", [None, "", "x" * 129, "two words", "a\u00e9b", "id;drop", "\u2028"])
def test_a_missing_or_unsafe_request_id_is_replaced_by_a_new_one(client, reporter, sent):
    headers = {**reporter, **({"X-Request-Id": sent} if sent is not None else {})}
    first = client.get("/api/v1/drafts/999999", headers=headers)
    second = client.get("/api/v1/drafts/999999", headers=headers)
    assert first.status_code == 404
    assert GENERATED.fullmatch(first.headers["X-Request-Id"])
    assert first.json["request_id"] == first.headers["X-Request-Id"]
    assert second.headers["X-Request-Id"] != first.headers["X-Request-Id"]


def test_every_answer_carries_one_even_a_success(client, reporter):
    assert GENERATED.fullmatch(client.get("/healthz").headers["X-Request-Id"])
    assert GENERATED.fullmatch(client.get("/api/v1/drafts", headers=reporter).headers["X-Request-Id"])


def test_validation_errors_and_405_carry_it_in_the_documented_shape(client, reporter, app):
    r = client.post("/api/v1/drafts", json={"title": "no body"}, headers={**reporter, "X-Request-Id": "req-422"})
    assert (r.status_code, r.json["request_id"]) == (422, "req-422")
    r = client.delete("/api/v1/drafts", headers={**reporter, "X-Request-Id": "req-405"})
    assert (r.status_code, r.json["request_id"]) == (405, "req-405")
    spec = client.get("/api/v1/openapi.json").json
    error_schema = next(s for name, s in spec["components"]["schemas"].items() if name.startswith("Error"))
    assert "request_id" in error_schema["properties"]


def test_every_log_line_of_a_request_carries_its_id_a_crash_included(app, client, log_lines):
    def fail():  # type: ignore[no-untyped-def]
        logging.getLogger("factdesk.probe").warning("about to fail")
        raise RuntimeError("a bug")

    app.add_url_rule("/boom", "boom", fail)
    r = client.get("/boom", headers={"X-Request-Id": "crash-1"})
    assert r.status_code == 500 and r.json["request_id"] == "crash-1"
    client.get("/healthz", headers={"X-Request-Id": "other-2"})

    lines = log_lines()
    crash = [line for line in lines if line["request_id"] == "crash-1"]
    assert {line["logger"] for line in crash} >= {"factdesk.probe", "factdesk.api.errors", "factdesk.access"}
    unhandled = next(line for line in crash if line["logger"] == "factdesk.api.errors")
    assert "RuntimeError: a bug" in unhandled["exc_info"]
    access = next(line for line in crash if line["logger"] == "factdesk.access")
    assert (access["method"], access["path"], access["status"]) == ("GET", "/boom", 500)
    assert [line["request_id"] for line in lines if line["logger"] == "factdesk.access"] == ["crash-1", "other-2"]
    assert all(line["request_id"] in ("crash-1", "other-2") for line in lines), lines


def test_the_desk_error_page_shows_the_request_id(client):
    r = client.post("/desk/login", data={"username": "x", "password": "y"}, headers={"X-Request-Id": "desk-9"})
    assert r.status_code == 400 and r.headers["X-Request-Id"] == "desk-9"
    assert "Request id <code>desk-9</code>" in r.get_data(as_text=True)


def test_a_submitted_draft_keeps_its_request_id_with_its_extraction_job(client, reporter, sessions):
    r = client.post("/api/v1/drafts", json={"body": "The council spent $3 million."},
                    headers={**reporter, "X-Request-Id": "post-draft-1"})
    assert r.status_code == 202
    with unit_of_work(sessions) as s:
        job = s.scalars(select(OutboxJob).where(OutboxJob.draft_id == r.json["id"])).one()
    assert (job.task, job.request_id) == ("factdesk.extract_revision", "post-draft-1")
    # The sweep, long after the request, sends it with the same id.
    job_send = outbox._send(job)
    assert job_send.request_id == "post-draft-1"


class RecordingCelery:
    """Just enough of a Celery app for CelerySender: records what it would publish."""

    def __init__(self) -> None:
        self.conf: dict[str, object] = {}
        self.published: list[dict[str, object]] = []

    def producer_or_acquire(self):  # type: ignore[no-untyped-def]
        from contextlib import nullcontext

        return nullcontext(None)

    def send_task(self, name, **options):  # type: ignore[no-untyped-def]
        self.published.append({"name": name, **options})


def test_the_sender_passes_the_jobs_request_id_to_the_task_as_a_message_header():
    app = RecordingCelery()
    CelerySender(app).send([outbox.Send(7, "factdesk.extract_revision", [3], 0.0, 10, "post-draft-1"),
                            outbox.Send(8, "factdesk.sweep_outbox", [], 0.0)])
    assert app.published[0]["headers"] == {"factdesk_request_id": "post-draft-1"}
    assert not app.published[1]["headers"]


def test_text_logs_end_each_line_of_a_request_with_its_id(client, settings):
    buffer = io.StringIO()
    handler = configure_logging(settings.log_level, "text")
    previous = handler.setStream(buffer)  # type: ignore[attr-defined]
    try:
        client.get("/healthz", headers={"X-Request-Id": "plain-1"})
        logging.getLogger("factdesk.probe").info("outside any request")
    finally:
        handler.setStream(previous)  # type: ignore[attr-defined]
        configure_logging(settings.log_level, settings.log_format)
    access, outside = buffer.getvalue().splitlines()
    assert "INFO factdesk.access: GET /healthz 200" in access and access.endswith(" [request_id=plain-1]")
    assert outside.endswith("factdesk.probe: outside any request")
