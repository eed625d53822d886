"""Poison saves: what no database or later step can take is refused at the door (hook and REST alike), and
whatever still fails in the drain fails alone: rejected with its reason, counted, its jobs never sent."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from factdesk.cms.adapters.common import Save
from factdesk.db import unit_of_work
from factdesk.models import CmsInboxItem, Draft, Integration, OutboxJob, Revision
from factdesk.services import audit, outbox
from factdesk.services.inbox import CheckedSave, count_waiting, drain_inbox, source_hash, store_saves
from factdesk.services.revisions import EXTRACT_TASK
from tests.cms.conftest import GENERIC_SECRET, SHARED_TOKEN, STORED, capture, count_rows

TEXT = "The council approved a budget of {} million dollars on Tuesday."
EARLY = "0001-01-01T00:00:00+05:00"  # year 0 once in UTC
LATE = "9999-12-31T23:59:59-05:00"  # year 10000 once in UTC


@pytest.mark.parametrize(("extra", "field"), [
    ({"deadline": EARLY}, "deadline"),
    ({"deadline": LATE}, "deadline"),
    ({"reference_date": "9999-12-31"}, "reference_date"),  # "tomorrow" would overflow in the extractor
    ({"version": 2**63}, "source_order"),  # beyond a BIGINT: was a 503, retried by the CMS for ever
])
def test_a_generic_save_the_database_cannot_take_is_422_and_stores_nothing(integrations, post_generic, sessions,
                                                                           extra, field):
    integrations("cms", GENERIC_SECRET)
    r = post_generic("cms", {"id": "a1", "version": 1, "body": TEXT.format(3), **extra})
    assert r.status_code == 422, r.json
    assert set(r.json) == {"status", "code", "message", "errors", "request_id"} and r.json["status"] == 422
    assert field in r.json["errors"] and field in r.json["message"]
    assert count_rows(sessions, *STORED)[:5] == (0, 0, 0, 0, 0)


@pytest.mark.parametrize(("entry", "field"), [
    ({"title": "T" * 1500}, "title"),
    ({"updatedAt": "2026-11-28T12:01:29.158Z" + " " * 300}, "source_version"),
])
def test_a_strapi_save_with_a_field_too_long_for_its_column_is_422(integrations, replay, sessions, entry, field):
    integrations("strapi", SHARED_TOKEN, fmt="strapi")
    cap = capture("strapi_entry.create")
    payload = json.loads(cap["body_raw"])
    payload["entry"].update(entry)
    r = replay(cap, "strapi", body=json.dumps(payload).encode())
    assert r.status_code == 422, r.json
    assert field in r.json["errors"] and "longer than" in r.json["errors"][field][0]
    assert count_rows(sessions, *STORED)[:5] == (0, 0, 0, 0, 0)


def test_a_title_of_exactly_the_column_size_is_taken(integrations, replay, placed, sessions):
    integrations("strapi", SHARED_TOKEN, fmt="strapi")
    cap = capture("strapi_entry.create")
    payload = json.loads(cap["body_raw"])
    payload["entry"]["title"] = "T" * 1000
    r = replay(cap, "strapi", body=json.dumps(payload).encode())
    assert r.status_code == 202
    assert placed(r)[0]["outcome"] == "created"


@pytest.mark.parametrize(("extra", "field"), [
    ({"deadline": EARLY}, "deadline"),
    ({"deadline": LATE}, "deadline"),
    ({"reference_date": "0001-01-01"}, "reference_date"),
])
def test_rest_submissions_get_the_same_check(client, reporter, sessions, extra, field):
    r = client.post("/api/v1/drafts", json={"body": TEXT.format(3), **extra}, headers=reporter)
    assert r.status_code == 422, r.json
    assert r.json["code"] == "validation_error" and field in r.json["errors"]["json"]
    assert count_rows(sessions, Draft, Revision) == (0, 0)


# -- in the drain: rows stored before the door checked them (or anything the checks miss) --------------------


class RecordingSender:
    """Stands in for the broker: records what the outbox sends after each commit."""

    def __init__(self) -> None:
        self.sent: list[outbox.Send] = []

    def send(self, sends: Any) -> None:
        self.sent.extend(sends)


def _recording(sessions: sessionmaker) -> tuple[sessionmaker, RecordingSender]:  # type: ignore[type-arg]
    sender = RecordingSender()
    info = {**sessions.kw.get("info", {}), outbox.SENDER_KEY: sender}
    return sessionmaker(**{**sessions.kw, "info": info}), sender


def _integration_id(sessions, name: str) -> int:  # type: ignore[no-untyped-def]
    with unit_of_work(sessions) as s:
        return int(s.scalar(select(Integration.id).where(Integration.name == name)))


def _store_unchecked(runtime, integration_id: int, save: Save) -> int:  # type: ignore[no-untyped-def]
    """Put a save in the inbox the way the hook did before this check existed (no check_save)."""
    item = CheckedSave(save, source_hash(save.body, save.format, save.title), None, save.to_json())
    with runtime.engine.begin() as conn:
        [[receipt]] = store_saves(conn, [(integration_id, [item])])
    assert receipt.receipt is not None
    return receipt.receipt


def test_a_poison_row_is_rejected_alone_and_the_saves_behind_it_are_placed(runtime, integrations, post_generic,
                                                                            sessions, settings, client):
    integrations("cms", GENERIC_SECRET)
    integration_id = _integration_id(sessions, "cms")
    before = post_generic("cms", {"id": "ok1", "version": 1, "body": TEXT.format(1)}).json["saves"][0]["receipt"]
    poisons = [
        _store_unchecked(runtime, integration_id, Save(external_id="p1", body=TEXT.format(2), format="text",
                                                       deadline=datetime.fromisoformat(EARLY))),
        _store_unchecked(runtime, integration_id, Save(external_id="p2", body=TEXT.format(3), format="text",
                                                       deadline=datetime.fromisoformat(LATE))),
        _store_unchecked(runtime, integration_id, Save(external_id="p3", body=TEXT.format(4), format="text",
                                                       title="T" * 1500)),
    ]
    after = post_generic("cms", {"id": "ok2", "version": 1, "body": TEXT.format(5)}).json["saves"][0]["receipt"]
    recording, sender = _recording(sessions)

    drained = drain_inbox(recording, debounce=settings.debounce_seconds)

    assert drained.waiting == 0
    with unit_of_work(sessions) as s:
        assert count_waiting(s) == 0
        for receipt in (before, after):
            row = s.get(CmsInboxItem, receipt)
            assert row.outcome == "created" and row.revision_id is not None
        for receipt in poisons:
            row = s.get(CmsInboxItem, receipt)
            assert row.outcome == "rejected" and row.processed_at is not None and row.revision_id is None
            assert row.payload is not None  # kept, to be placed again once the cause is fixed
        reasons = {s.get(CmsInboxItem, r).external_id: s.get(CmsInboxItem, r).error for r in poisons}
        assert "deadline" in reasons["p1"] and "deadline" in reasons["p2"] and "title" in reasons["p3"]
        assert set(s.scalars(select(Draft.external_id))) == {"ok1", "ok2"}
        revisions = set(s.scalars(select(Revision.id)))
    # One extraction job per placed save, and nothing for the rejected ones.
    assert sorted(send.args[0] for send in sender.sent if send.task == EXTRACT_TASK) == sorted(revisions)
    metrics = client.get("/metrics").get_data(as_text=True)
    assert "factdesk_inbox_rejected_total 3.0" in metrics


def test_a_save_failing_after_its_jobs_were_written_sends_none_of_them(integrations, post_generic, sessions,
                                                                       settings, monkeypatch):
    # A fault after the revision and its extraction job were written in the row's savepoint (here: the audit
    # of the new revision fails for one document): the savepoint is rolled back with the job in it, and the
    # outbox, which sends only jobs still in the database at commit, sends none for it.
    integrations("cms", GENERIC_SECRET)
    record = audit.record

    def failing_record(session, actor, action, **kwargs):  # type: ignore[no-untyped-def]
        draft = session.get(Draft, kwargs.get("draft_id"))
        if action == "revision.created" and draft is not None and draft.external_id == "bad":
            raise RuntimeError("audit store refused the event")
        return record(session, actor, action, **kwargs)

    monkeypatch.setattr(audit, "record", failing_record)
    receipts = [post_generic("cms", {"id": doc, "version": 1, "body": TEXT.format(n)}).json["saves"][0]["receipt"]
                for n, doc in enumerate(["good1", "bad", "good2"])]
    recording, sender = _recording(sessions)

    drain_inbox(recording, debounce=settings.debounce_seconds)

    with unit_of_work(sessions) as s:
        outcomes = [s.get(CmsInboxItem, r).outcome for r in receipts]
        assert outcomes == ["created", "rejected", "created"]
        assert "audit store refused the event" in s.get(CmsInboxItem, receipts[1]).error
        jobs = list(s.scalars(select(OutboxJob).where(OutboxJob.task == EXTRACT_TASK)))
        revisions = set(s.scalars(select(Revision.id)))
        assert set(s.scalars(select(Draft.external_id))) == {"good1", "good2"}
    assert len(jobs) == 2 and {job.args[0] for job in jobs} == revisions
    sent = [send for send in sender.sent if send.task == EXTRACT_TASK]
    assert sorted(send.job_id for send in sent) == sorted(job.id for job in jobs)  # none of the rolled-back one


def test_rejected_rows_are_counted_in_metrics_from_zero(client):
    assert "factdesk_inbox_rejected_total 0.0" in client.get("/metrics").get_data(as_text=True)


def test_a_rejected_row_does_not_hold_back_a_later_save_of_its_own_document(runtime, integrations, post_generic,
                                                                            sessions, settings):
    integrations("cms", GENERIC_SECRET)
    iid = _integration_id(sessions, "cms")
    _store_unchecked(runtime, iid, Save(external_id="d1", body=TEXT.format(1), format="text", source_order=1,
                                        source_version="1", deadline=datetime.fromisoformat(LATE)))
    r = post_generic("cms", {"id": "d1", "version": 2, "body": TEXT.format(2)})
    assert r.status_code == 202
    drain_inbox(sessions, debounce=settings.debounce_seconds)
    with unit_of_work(sessions) as s:
        rows = list(s.scalars(select(CmsInboxItem).order_by(CmsInboxItem.id)))
        assert [row.outcome for row in rows] == ["rejected", "created"]
        draft = s.scalar(select(Draft))
        assert draft.external_id == "d1" and "2 million" in draft.current_revision.text
