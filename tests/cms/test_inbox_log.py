"""The CMS inbox listing (what became of every save, why a rejected one was rejected) and putting a rejected
save back in line once its cause is fixed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from factdesk.db import unit_of_work
from factdesk.models import AuditEvent, Draft
from factdesk.services import audit
from tests.cms.conftest import GENERIC_SECRET

TEXT = "The council approved a budget of {} million dollars on Tuesday."


@pytest.fixture
def people(users):  # type: ignore[no-untyped-def]
    return {role: users.make(f"{role}-1", role)[1] for role in ("editor", "admin", "checker", "reporter")}


@pytest.fixture
def failing_audit(monkeypatch):  # type: ignore[no-untyped-def]
    """The audit store refuses the new revision of document "bad" until `fixed()` is called: the drain rejects
    that save alone (a fault the door's checks cannot see)."""
    record = audit.record
    broken = [True]

    def failing_record(session, actor, action, **kwargs):  # type: ignore[no-untyped-def]
        if broken[0] and action == "revision.created":
            draft = session.get(Draft, kwargs["draft_id"])
            if draft is not None and draft.external_id == "bad":
                raise RuntimeError("audit store refused the event")
        return record(session, actor, action, **kwargs)

    monkeypatch.setattr(audit, "record", failing_record)
    return lambda: broken.__setitem__(0, False)


def _receipt(response) -> int:  # type: ignore[no-untyped-def]
    assert response.status_code == 202, response.json
    return int(response.json["saves"][0]["receipt"])


def test_editors_see_each_save_placed_or_rejected_with_its_reason(integrations, post_generic, drain, client,
                                                                   people, failing_audit):
    integrations("cms", GENERIC_SECRET)
    good = _receipt(post_generic("cms", {"id": "good", "version": 1, "body": TEXT.format(1)}))
    bad = _receipt(post_generic("cms", {"id": "bad", "version": 1, "body": TEXT.format(2)}))
    waiting = client.get("/api/v1/inbox?state=waiting", headers=people["editor"]).json
    assert [item["id"] for item in waiting["items"]] == [bad, good] and waiting["total"] == 2
    drain()

    rejected = client.get("/api/v1/inbox?state=rejected", headers=people["editor"]).json
    assert [item["id"] for item in rejected["items"]] == [bad]
    item = rejected["items"][0]
    assert item["integration"] == "cms" and item["external_id"] == "bad" and item["answer"] == "accepted"
    assert item["state"] == "rejected" and "audit store refused the event" in item["reason"]
    placed = client.get("/api/v1/inbox?state=placed&integration=cms", headers=people["admin"]).json["items"]
    assert [(i["id"], i["outcome"], i["reason"]) for i in placed] == [(good, "created", None)]
    assert placed[0]["draft_id"] is not None and placed[0]["revision_id"] is not None
    assert client.get(f"/api/v1/inbox/{bad}", headers=people["editor"]).json["reason"] == item["reason"]
    by_document = client.get("/api/v1/inbox?external_id=good", headers=people["editor"]).json
    assert [i["id"] for i in by_document["items"]] == [good]


@pytest.mark.parametrize("role", ["checker", "reporter"])
def test_the_inbox_is_for_editors_and_admins(client, people, role):  # type: ignore[no-untyped-def]
    r = client.get("/api/v1/inbox", headers=people[role])
    assert r.status_code == 403 and r.json["code"] == "forbidden"
    assert client.get("/api/v1/inbox").status_code == 401


def test_unknown_states_and_parameters_are_refused(client, people):  # type: ignore[no-untyped-def]
    assert client.get("/api/v1/inbox?state=lost", headers=people["editor"]).status_code == 422
    assert client.get("/api/v1/inbox?colour=red", headers=people["editor"]).status_code == 422
    assert client.get("/api/v1/inbox/2147483647", headers=people["editor"]).status_code == 404


def test_an_admin_puts_a_rejected_save_back_in_line_and_the_drain_places_it(integrations, post_generic, drain,
                                                                             client, people, sessions,
                                                                             failing_audit):
    integrations("cms", GENERIC_SECRET)
    bad = _receipt(post_generic("cms", {"id": "bad", "version": 1, "body": TEXT.format(2)}))
    drain()
    assert client.post(f"/api/v1/inbox/{bad}/requeue", headers=people["editor"]).status_code == 403
    failing_audit()  # the cause is fixed

    r = client.post(f"/api/v1/inbox/{bad}/requeue", headers=people["admin"])

    assert r.status_code == 202 and r.json["state"] == "waiting" and r.json["reason"] is None
    drain()
    item = client.get(f"/api/v1/inbox/{bad}", headers=people["editor"]).json
    assert item["state"] == "placed" and item["outcome"] == "created"
    with unit_of_work(sessions) as s:
        draft = s.scalar(select(Draft).where(Draft.external_id == "bad"))
        assert draft is not None and "2 million" in draft.current_revision.text
        trail = list(s.scalars(select(AuditEvent).where(AuditEvent.action == "inbox.requeued")))
    assert len(trail) == 1 and trail[0].actor == "admin:admin-1"
    assert "audit store refused the event" in trail[0].before["reason"]  # the reason outlives the row's
    again = client.post(f"/api/v1/inbox/{bad}/requeue", headers=people["admin"])
    assert again.status_code == 409 and again.json["code"] == "conflict"


def test_a_requeued_save_overtaken_by_a_newer_one_is_stale_not_written_over_it(integrations, post_generic, drain,
                                                                                client, people, sessions,
                                                                                failing_audit):
    integrations("cms", GENERIC_SECRET)
    old = _receipt(post_generic("cms", {"id": "bad", "version": 1, "body": TEXT.format(1)}))
    drain()  # rejected
    failing_audit()
    _receipt(post_generic("cms", {"id": "bad", "version": 2, "body": TEXT.format(2)}))
    drain()  # the newer save makes the draft

    assert client.post(f"/api/v1/inbox/{old}/requeue", headers=people["admin"]).status_code == 202
    drain()

    assert client.get(f"/api/v1/inbox/{old}", headers=people["editor"]).json["outcome"] == "stale"
    with unit_of_work(sessions) as s:
        draft = s.scalar(select(Draft).where(Draft.external_id == "bad"))
        assert "2 million" in draft.current_revision.text
