"""The inbox between the hook and the drafts: durable before the answer, drained by the worker, safe to drain twice."""

from __future__ import annotations

import json
import threading
import time

import pytest
from sqlalchemy import func, select

from factdesk.api import create_app
from factdesk.cms.schemes import factdesk as factdesk_scheme
from factdesk.db import unit_of_work
from factdesk.models import CmsInboxItem, CmsSave, Draft, Revision
from factdesk.services.inbox import drain_inbox
from tests.cms.conftest import GENERIC_SECRET, count_rows
from tests.conftest import DEAD_BROKER, wait_for

TEXT = "The council approved a budget of {} million dollars on Tuesday."


@pytest.mark.worker
def test_the_worker_turns_an_answered_save_into_a_revision(worker, integrations, post_generic, sessions):
    integrations("cms", GENERIC_SECRET)
    r = post_generic("cms", {"id": "w1", "version": 1, "body": TEXT.format(7)})
    assert r.status_code == 202 and r.json["saves"][0]["outcome"] == "accepted"
    receipt = r.json["saves"][0]["receipt"]

    def placed():  # type: ignore[no-untyped-def]
        with unit_of_work(sessions) as s:
            row = s.get(CmsInboxItem, receipt)
            return row if row is not None and row.processed_at is not None else None

    row = wait_for(placed, timeout=30)  # nobody calls the drain here: the hook asked the worker
    assert row.outcome == "created" and row.payload is None  # the revision holds the text now
    with unit_of_work(sessions) as s:
        draft = s.scalar(select(Draft).where(Draft.external_id == "w1"))
        assert draft is not None and draft.current_revision_id == row.revision_id


def test_a_save_is_durable_before_the_answer_even_with_the_broker_down(integrations, runtime_with, sessions, drain):
    integrations("cms", GENERIC_SECRET)
    down = runtime_with(broker_url=DEAD_BROKER)
    client = create_app(runtime=down).test_client()
    body = json.dumps({"id": "d1", "version": 1, "body": TEXT.format(3)}).encode()
    r = client.post("/api/v1/webhooks/cms/cms", data=body, headers={
        "Content-Type": "application/json", factdesk_scheme.HEADER: factdesk_scheme.sign(GENERIC_SECRET,
                                                                                          int(time.time()), body)})
    assert r.status_code == 202
    assert count_rows(sessions, CmsInboxItem)[0] == 1  # stored before the answer
    # No drain message could be sent; the periodic drain (the same service) places it.
    drain()
    assert count_rows(sessions, CmsInboxItem, Draft, Revision) == (1, 1, 1)
    down.dispose()


@pytest.mark.committed  # each drain has its own connection, as two workers do: the saves must be committed
def test_two_drains_at_once_place_every_save_once_in_order(integrations, post_generic, sessions, settings):
    integrations("cms", GENERIC_SECRET)
    for version in range(1, 11):
        for doc in range(5):
            assert post_generic("cms", {"id": f"c{doc}", "version": version,
                                        "body": TEXT.format(version * 10 + doc)}).status_code == 202
    errors: list[BaseException] = []

    def run() -> None:
        try:
            drain_inbox(sessions, debounce=settings.debounce_seconds, batch=7)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with unit_of_work(sessions) as s:
        assert s.scalar(select(func.count()).select_from(Revision)) == 50
        assert s.scalar(select(func.count()).select_from(CmsSave)) == 50
        assert set(s.scalars(select(CmsInboxItem.outcome))) == {"created"}  # in order: none placed as stale
        for draft in s.scalars(select(Draft)):
            doc = int(draft.external_id[1:])
            assert str(100 + doc) in draft.current_revision.text  # version 10 is current
