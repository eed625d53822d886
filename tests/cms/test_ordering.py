"""Redelivery, out-of-order arrival, Ghost's whole-second ties, and save storms."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from factdesk.db import unit_of_work
from factdesk.models import CmsInboxItem, CmsSave, Draft, OutboxJob, Revision
from factdesk.services.extraction import extract_revision
from tests.cms.conftest import GENERIC_SECRET, GHOST_SECRET, capture

TEXT = "The council approved a budget of {} million dollars on Tuesday."


def current_text(client, headers, draft_id):  # type: ignore[no-untyped-def]
    draft = client.get(f"/api/v1/drafts/{draft_id}", headers=headers).json
    revs = client.get(f"/api/v1/drafts/{draft_id}/revisions", headers=headers).json
    return next(r["text"] for r in revs if r["id"] == draft["current_revision"]["id"]), len(revs)


def test_the_same_save_delivered_twice_is_one_revision(integrations, post_generic, drain, sessions):
    integrations("cms", GENERIC_SECRET)
    save = {"id": "a1", "version": 3, "body": TEXT.format(5)}
    first = post_generic("cms", save)
    again = post_generic("cms", save)
    assert first.status_code == 202
    assert again.status_code == 200 and again.json["status"] == "duplicate"
    assert again.json["saves"][0]["receipt"] is None  # nothing stored for it
    drain()
    # ... also once the first is a revision.
    late = post_generic("cms", save)
    assert late.status_code == 200 and late.json["status"] == "duplicate"
    drain()
    with unit_of_work(sessions) as s:
        assert s.scalar(select(func.count()).select_from(CmsInboxItem)) == 1
        assert s.scalar(select(func.count()).select_from(Revision)) == 1
        assert s.scalar(select(func.count()).select_from(OutboxJob)) == 1


def test_an_older_version_arriving_late_is_history_never_current(integrations, post_generic, placed, client,
                                                                  users):
    integrations("cms", GENERIC_SECRET)
    _, editor = users.make("eve", "editor")
    post_generic("cms", {"id": "a1", "version": 1, "body": TEXT.format(1), "title": "One"})
    newest = post_generic("cms", {"id": "a1", "version": 3, "body": TEXT.format(3), "title": "Three"})
    late = post_generic("cms", {"id": "a1", "version": 2, "body": TEXT.format(2), "title": "Two"})
    assert late.status_code == 200 and late.json["status"] == "stale"
    assert placed(late)[0]["outcome"] == "stale"  # the worker agrees
    draft_id = placed(newest)[0]["draft_id"]
    text, count = current_text(client, editor, draft_id)
    assert "3 million" in text and count == 3  # the late one is kept as history
    assert client.get(f"/api/v1/drafts/{draft_id}", headers=editor).json["title"] == "Three"
    # Redelivering the late one changes nothing either.
    again = post_generic("cms", {"id": "a1", "version": 2, "body": TEXT.format(2), "title": "Two"})
    assert again.json["status"] == "duplicate"


def test_same_text_saved_again_queues_no_extraction(integrations, post_generic, placed, sessions):
    integrations("cms", GENERIC_SECRET)
    post_generic("cms", {"id": "a1", "version": 1, "body": TEXT.format(1)})
    r = post_generic("cms", {"id": "a1", "version": 2, "body": TEXT.format(1)})
    assert r.status_code == 200 and r.json["status"] == "unchanged"
    # ... and a save between them that arrives last is older than the newest version seen: stale.
    late = post_generic("cms", {"id": "a1", "version": 1, "body": TEXT.format(9)})
    assert late.json["status"] == "stale"
    assert [placed(x)[0]["outcome"] for x in (r, late)] == ["unchanged", "stale"]
    with unit_of_work(sessions) as s:
        assert s.scalar(select(func.count()).select_from(OutboxJob)) == 1


def test_ghost_create_and_edit_in_one_second_are_ordered_by_their_texts(integrations, replay, placed, client,
                                                                         users):
    """Ghost's updated_at has whole seconds: an edit within the creation's second carries the same one.
    Delivered edit-first, the creation must still not become current."""
    integrations("ghost", GHOST_SECRET, fmt="ghost")
    _, editor = users.make("eve", "editor")
    added, edited = capture("ghost_post.added"), capture("ghost_post.edited")
    same_second = json.loads(edited["body_raw"])
    same_second["post"]["current"]["updated_at"] = json.loads(added["body_raw"])["post"]["current"]["updated_at"]
    body = json.dumps(same_second).encode()
    edited["headers"]["x-ghost-signature"] = _ghost_sign(body, 1795867803900)
    edited["body_raw"] = body.decode()
    first = replay(edited, "ghost")
    late_create = replay(added, "ghost")
    assert first.status_code == 202
    assert late_create.status_code == 200 and late_create.json["status"] == "stale"
    assert placed(late_create)[0]["outcome"] == "stale"
    text, count = current_text(client, editor, placed(first)[0]["draft_id"])
    assert "largest increase since 2009" in text and count == 2


def test_ghost_same_second_in_order_makes_the_edit_current(integrations, replay, placed, client, users):
    integrations("ghost", GHOST_SECRET, fmt="ghost")
    _, editor = users.make("eve", "editor")
    added, edited = capture("ghost_post.added"), capture("ghost_post.edited")
    same_second = json.loads(edited["body_raw"])
    same_second["post"]["current"]["updated_at"] = "2026-11-28T12:10:03.000Z"
    body = json.dumps(same_second).encode()
    edited["headers"]["x-ghost-signature"] = _ghost_sign(body, 1795867803900)
    edited["body_raw"] = body.decode()
    assert replay(added, "ghost").status_code == 202
    r = replay(edited, "ghost")
    assert r.status_code == 202, r.json  # not mistaken for a redelivery of the same second
    assert placed(r)[0]["outcome"] == "created"
    text, _ = current_text(client, editor, placed(r)[0]["draft_id"])
    assert "largest increase since 2009" in text


def _ghost_sign(body: bytes, t_ms: int) -> str:
    from factdesk.cms.schemes.ghost import signature

    return f"sha256={signature(GHOST_SECRET, str(t_ms), body)}, t={t_ms}"


def test_a_storm_of_saves_extracts_only_each_drafts_newest_revision(integrations, post_generic, drain, sessions):
    """200 saves to 10 drafts: every revision stored, one live extraction job per draft; running every job
    that was ever queued (as a worker would, superseded ones included) extracts 10 revisions, the newest."""
    integrations("cms", GENERIC_SECRET)
    for version in range(1, 21):
        for doc in range(10):
            r = post_generic("cms", {"id": f"d{doc}", "version": version, "body": TEXT.format(version * 100 + doc)})
            assert r.status_code == 202
    drain()
    with unit_of_work(sessions) as s:
        assert s.scalar(select(func.count()).select_from(Revision)) == 200
        jobs = list(s.scalars(select(OutboxJob)))
        pending = [j for j in jobs if j.status == "pending"]
        assert len(jobs) == 200 and len(pending) == 10
        # Extraction waits for the draft to be quiet (FACTDESK_DEBOUNCE_SECONDS).
        assert all((j.available_at - j.created_at).total_seconds() >= 9 for j in pending)
        queued = [j.args[0] for j in jobs]
    outcomes = [extract_revision(sessions, rid) for rid in queued]
    assert outcomes.count("stored") == 10 and outcomes.count("superseded") == 190
    with unit_of_work(sessions) as s:
        extracted = list(s.scalars(select(Revision).where(Revision.extracted_at.is_not(None))))
        currents = set(s.scalars(select(Draft.current_revision_id)))
        assert {r.id for r in extracted} == currents
        assert s.scalar(select(func.count()).select_from(CmsSave)) == 200
