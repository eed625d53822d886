"""The publish gate stays shut while an accepted CMS save of the draft waits in the inbox, even with no worker
and no broker to place it: a CMS that publishes in that window would publish text nobody checked."""

from __future__ import annotations

import json
import time

from sqlalchemy import text

from factdesk.api import create_app
from factdesk.cms.schemes import factdesk as factdesk_scheme
from factdesk.db import unit_of_work
from factdesk.extraction import Claim as FoundClaim
from factdesk.extraction import Extraction
from factdesk.models import CmsInboxItem, Revision
from factdesk.services.extraction import store_claims
from factdesk.services.inbox import drain_inbox
from tests.cms.conftest import GENERIC_SECRET
from tests.conftest import DEAD_BROKER

TEXT = "The council approved a budget of {} million dollars on Tuesday."
SOURCE = {"url": "https://example.org/record", "title": "The record"}


def _approved_cms_draft(client, placed, post_generic, sessions, users) -> tuple[int, str, dict[str, str]]:  # type: ignore[no-untyped-def]
    """A CMS draft (document a1, version 1) with one claim, checked and approved through the API."""
    _, checker = users.make("carl", "checker")
    _, editor = users.make("eve", "editor")
    [first] = placed(post_generic("cms", {"id": "a1", "version": 1, "body": TEXT.format(3)}))
    with unit_of_work(sessions) as s:
        revision = s.get(Revision, first["revision_id"])
        found = FoundClaim(type="money", spans=((33, 42),), text=revision.text[33:42], sentence=revision.text,
                           normalized={"n": 3}, score=0.9, reasons=("test",), fingerprint="fp-a1")
        assert store_claims(s, revision.id, Extraction(text=revision.text, claims=[found])) == "stored"
        digest = revision.content_hash
    claim = client.post("/api/v1/queue/lease", headers=checker).json["id"]
    r = client.post(f"/api/v1/claims/{claim}/verdicts", headers=checker,
                    json={"rating": "accurate", "note": "in the minutes", "sources": [SOURCE]})
    assert r.status_code == 201, r.json
    assert client.post(f"/api/v1/drafts/{first['draft_id']}/approve", headers=editor).status_code == 201
    gate = client.get(f"/api/v1/drafts/{first['draft_id']}/gate", headers=editor).json
    assert gate["publishable"] is True and gate["content_hash"] == digest
    return first["draft_id"], digest, editor


def _signed_post(client, payload: dict[str, object]):  # type: ignore[no-untyped-def]
    body = json.dumps(payload).encode()
    return client.post("/api/v1/webhooks/cms/cms", data=body, headers={
        "Content-Type": "application/json",
        factdesk_scheme.HEADER: factdesk_scheme.sign(GENERIC_SECRET, int(time.time()), body)})


def test_an_accepted_edit_shuts_the_gate_until_placed_with_the_broker_down(integrations, client, placed, post_generic,
                                                                          sessions, users, runtime_with, drain):
    integrations("cms", GENERIC_SECRET)
    draft_id, approved, editor = _approved_cms_draft(client, placed, post_generic, sessions, users)
    down = create_app(runtime=runtime_with(broker_url=DEAD_BROKER)).test_client()

    edit = _signed_post(down, {"id": "a1", "version": 2, "body": TEXT.format(30)})

    assert edit.status_code == 202  # stored; no worker was asked (the broker is down) and none runs
    with unit_of_work(sessions) as s:
        assert s.get(CmsInboxItem, edit.json["saves"][0]["receipt"]).processed_at is None
    for asked in ("", f"?content_hash={approved}"):  # the current (approved) text, by default or by name
        gate = down.get(f"/api/v1/drafts/{draft_id}/gate{asked}", headers=editor).json
        assert gate["publishable"] is False and gate["reason"] == "pending_save"
        assert gate["content_hash"] == approved and gate["revision"] == 1
    # Still shut later: nothing but placing the save opens it (the window is not a timeout).
    assert client.get(f"/api/v1/drafts/{draft_id}/gate", headers=editor).json["reason"] == "pending_save"

    drain()  # the periodic drain, once a worker runs again: the edit is the current text, not yet approved
    gate = client.get(f"/api/v1/drafts/{draft_id}/gate", headers=editor).json
    assert gate["publishable"] is False and gate["reason"] == "not_approved" and gate["revision"] == 2
    old = client.get(f"/api/v1/drafts/{draft_id}/gate?content_hash={approved}", headers=editor).json
    assert old["publishable"] is False and old["reason"] == "not_current"


def test_saves_that_change_nothing_leave_the_gate_open(integrations, client, placed, post_generic, sessions, users,
                                                        runtime_with):
    integrations("cms", GENERIC_SECRET)
    draft_id, _, editor = _approved_cms_draft(client, placed, post_generic, sessions, users)
    down = create_app(runtime=runtime_with(broker_url=DEAD_BROKER)).test_client()
    # A redelivery (nothing stored), the same text as a newer version (unchanged), an older version (stale).
    assert _signed_post(down, {"id": "a1", "version": 1, "body": TEXT.format(3)}).json["status"] == "duplicate"
    assert _signed_post(down, {"id": "a1", "version": 2, "body": TEXT.format(3)}).json["status"] == "unchanged"
    assert _signed_post(down, {"id": "a1", "version": 0, "body": TEXT.format(9)}).json["status"] == "stale"
    # A save of another document, and of the same id from another integration, are not this draft's.
    integrations("other", GENERIC_SECRET)
    assert _signed_post(down, {"id": "a2", "version": 1, "body": TEXT.format(4)}).status_code == 202
    body = json.dumps({"id": "a1", "version": 5, "body": TEXT.format(5)}).encode()
    r = down.post("/api/v1/webhooks/cms/other", data=body, headers={
        "Content-Type": "application/json",
        factdesk_scheme.HEADER: factdesk_scheme.sign(GENERIC_SECRET, int(time.time()), body)})
    assert r.status_code == 202
    gate = client.get(f"/api/v1/drafts/{draft_id}/gate", headers=editor).json
    assert gate["publishable"] is True and gate["reason"] == "approved"


def test_the_gate_finds_waiting_saves_through_an_index(runtime, sessions):
    from factdesk.services.inbox import waiting_save_query

    query = waiting_save_query("cms", "a1")
    with unit_of_work(sessions) as s:
        dialect = s.get_bind().dialect
        sql = str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
        if dialect.name == "postgresql":
            s.execute(text("SET LOCAL enable_seqscan = off"))  # an empty table: ask what an index would serve
            plan = "\n".join(s.scalars(text(f"EXPLAIN {sql}")))
        else:
            plan = "\n".join(str(row[-1]) for row in s.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
    # The document's rows (ix_cms_inbox_document), or the few saves still waiting (ix_cms_inbox_pending): both
    # indexes the hook writes already; the planner picks by the table's statistics.
    assert "ix_cms_inbox_document" in plan or "ix_cms_inbox_pending" in plan, plan
    assert "Seq Scan on cms_inbox" not in plan and "SCAN cms_inbox" not in plan, plan


def test_a_save_the_drain_rejected_does_not_hold_the_gate_shut(integrations, client, placed, post_generic,
                                                                sessions, users, settings):
    integrations("cms", GENERIC_SECRET)
    draft_id, _, editor = _approved_cms_draft(client, placed, post_generic, sessions, users)
    r = post_generic("cms", {"id": "a1", "version": 2, "body": TEXT.format(30)})
    assert client.get(f"/api/v1/drafts/{draft_id}/gate", headers=editor).json["reason"] == "pending_save"
    with unit_of_work(sessions) as s:  # a poison save, as stored before the door checked deadlines
        row = s.get(CmsInboxItem, r.json["saves"][0]["receipt"])
        row.payload = {**row.payload, "deadline": "9999-12-31T23:59:59-05:00"}
    drain_inbox(sessions, debounce=settings.debounce_seconds)
    with unit_of_work(sessions) as s:
        assert s.get(CmsInboxItem, r.json["saves"][0]["receipt"]).outcome == "rejected"
    assert client.get(f"/api/v1/drafts/{draft_id}/gate", headers=editor).json["publishable"] is True
