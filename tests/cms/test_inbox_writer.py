"""The inbox's group commit: concurrent requests share transactions, and each gets its own answer."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import select

from factdesk.cms.adapters import generic
from factdesk.db import unit_of_work
from factdesk.models import CmsInboxItem
from factdesk.services import inbox_writer
from factdesk.services.inbox import CheckedSave, check_save
from factdesk.services.inbox_writer import InboxWriter
from factdesk.services.integrations import add_integration

# These tests run the writer as an API process does: its own connection (AUTOCOMMIT on PostgreSQL) and thread.
pytestmark = pytest.mark.committed


@pytest.fixture
def integration_id(sessions) -> int:  # type: ignore[no-untyped-def]
    return add_integration(sessions, "writer", "secret-0123456789").id


def checked(doc: str, version: int = 1) -> CheckedSave:
    return check_save(generic.adapt({"id": doc, "version": version, "body": f"Text of {doc}."}, {})[0])


def store_concurrently(writer: InboxWriter, integration_id: int, docs: list[str]) -> dict[str, Any]:
    """Each document stored by its own thread, all released at once; what each thread got back."""
    results: dict[str, Any] = {}
    start = threading.Barrier(len(docs))

    def send(doc: str) -> None:
        start.wait()
        try:
            results[doc] = writer.store(integration_id, [checked(doc)])
        except Exception as exc:
            results[doc] = exc

    threads = [threading.Thread(target=send, args=(doc,)) for doc in docs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def stored_ids(sessions) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with unit_of_work(sessions) as s:
        return dict(s.execute(select(CmsInboxItem.external_id, CmsInboxItem.id)).all())  # type: ignore[arg-type]


def test_concurrent_requests_each_get_their_own_receipt(runtime, sessions, integration_id) -> None:
    writer = InboxWriter(runtime.engine)
    docs = [f"doc-{n}" for n in range(40)]
    results = store_concurrently(writer, integration_id, docs)
    stored = stored_ids(sessions)
    assert sorted(stored) == sorted(docs)
    for doc in docs:
        [receipt] = results[doc]
        assert (receipt.external_id, receipt.outcome, receipt.receipt) == (doc, "accepted", stored[doc])


def test_a_save_the_database_refuses_fails_alone(runtime, sessions, integration_id, monkeypatch) -> None:
    # A batch that fails is retried one request per transaction: only the refused request gets the error
    # (the hook answers it 503), every other request in the batch is stored and answered.
    real = inbox_writer.store_saves

    def refusing(conn, requests):  # type: ignore[no-untyped-def]
        if any(item.save.external_id == "refused" for _, items in requests for item in items):
            raise ValueError("refused by the database")
        return real(conn, requests)

    monkeypatch.setattr(inbox_writer, "store_saves", refusing)
    writer = InboxWriter(runtime.engine)
    docs = [f"doc-{n}" for n in range(20)] + ["refused"]
    results = store_concurrently(writer, integration_id, docs)
    assert isinstance(results.pop("refused"), ValueError)
    assert sorted(stored_ids(sessions)) == sorted(results)
    assert all(receipt.outcome == "accepted" for [receipt] in results.values())


def test_a_writer_that_cannot_commit_in_time_raises_timeout(runtime, integration_id, monkeypatch) -> None:
    release = threading.Event()
    real = inbox_writer.store_saves

    def stuck(conn, requests):  # type: ignore[no-untyped-def]
        release.wait(10)
        return real(conn, requests)

    monkeypatch.setattr(inbox_writer, "store_saves", stuck)
    writer = InboxWriter(runtime.engine, timeout=0.2)
    try:
        with pytest.raises(TimeoutError):
            writer.store(integration_id, [checked("slow")])
    finally:
        release.set()
    # The writer is not wedged by the request that gave up: the next save is stored and answered.
    [receipt] = writer.store(integration_id, [checked("next")])
    assert receipt.outcome == "accepted"
