"""Publish and unpublish events of every CMS, from real captures (and, where none exists, requests built from the
captures and the CMSs' documented payloads: tests/fixtures/cms/README.md), through the hook and the drain."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from factdesk.db import unit_of_work
from factdesk.models import AuditEvent, CmsInboxItem, Draft, EventDelivery, Publication, Revision
from factdesk.services.integrations import set_options
from tests.cms.conftest import GENERIC_SECRET, GHOST_SECRET, SHARED_TOKEN, capture

CONTENTFUL_SECRET = "factdesk-contentful-secret"
WORDPRESS_SECRET = "factdesk-wordpress-secret"


def draft_of(sessions, source: str, external_id: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The draft's status and current text's hash, and its publications, oldest first."""
    with unit_of_work(sessions) as s:
        draft = s.scalar(select(Draft).where(Draft.source == source, Draft.external_id == external_id))
        assert draft is not None, f"no draft {source}/{external_id}"
        pubs = s.scalars(select(Publication).where(Publication.draft_id == draft.id).order_by(Publication.id))
        return {"id": draft.id, "status": draft.status,
                "hash": draft.current_revision.content_hash if draft.current_revision else None,
                "publications": [(p.action, p.content_hash, p.approved, p.reason, p.published_at) for p in pubs]}


def feed(replay, drain, integration: str, *names: str) -> None:  # type: ignore[no-untyped-def]
    for name in names:
        r = replay(capture(name), integration)
        assert r.status_code in (200, 202), (name, r.json)
        drain()


def test_ghost_publish_of_an_unchecked_post_is_caught(integrations, replay, drain, sessions):
    integrations("ghost", GHOST_SECRET, fmt="ghost")
    feed(replay, drain, "ghost", "ghost_post.added", "ghost_post.edited")
    assert draft_of(sessions, "ghost", "6b0ac49b07fb6c5097026aca")["publications"] == []
    feed(replay, drain, "ghost", "ghost_post.published")
    draft = draft_of(sessions, "ghost", "6b0ac49b07fb6c5097026aca")
    assert draft["status"] == "published_unapproved"
    [(action, digest, approved, reason, at)] = draft["publications"]
    # The text published is the edited one (the draft's current revision), at Ghost's published_at.
    assert (action, digest, approved, reason) == ("published", draft["hash"], False, "not_approved")
    assert at.isoformat() == "2026-11-28T12:10:35+00:00"
    with unit_of_work(sessions) as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "draft.published_unapproved"))
        assert event is not None and event.draft_id == draft["id"] and event.actor == "integration:ghost"
        assert event.before == {"status": "extracting"} and event.after["status"] == "published_unapproved"


def test_ghost_unpublish_takes_the_post_down(integrations, replay, drain, sessions):
    integrations("ghost", GHOST_SECRET, fmt="ghost")
    feed(replay, drain, "ghost", "ghost_post.added", "ghost_post.edited", "ghost_post.published",
         "ghost_post.unpublished")
    draft = draft_of(sessions, "ghost", "6b0ac49b07fb6c5097026aca")
    assert [p[0] for p in draft["publications"]] == ["published", "unpublished"]
    assert draft["status"] == "extracting"  # taken down before its claims were extracted


def test_a_ghost_scheduled_post_going_out_is_a_publication(integrations, replay, drain, sessions):
    integrations("ghost", GHOST_SECRET, fmt="ghost")
    feed(replay, drain, "ghost", "ghost_post.added", "ghost_post.edited", "ghost_post.published_scheduled")
    draft = draft_of(sessions, "ghost", "6b0ac49b07fb6c5097026aca")
    assert draft["status"] == "published_unapproved"
    assert [p[:4] for p in draft["publications"]] == [("published", draft["hash"], False, "not_approved")]


def test_a_publish_delivered_twice_is_one_publication(integrations, replay, drain, sessions):
    integrations("ghost", GHOST_SECRET, fmt="ghost")
    feed(replay, drain, "ghost", "ghost_post.added", "ghost_post.edited", "ghost_post.published",
         "ghost_post.published")
    assert len(draft_of(sessions, "ghost", "6b0ac49b07fb6c5097026aca")["publications"]) == 1


def test_strapi_publish_then_unpublish(integrations, replay, drain, sessions):
    integrations("strapi", SHARED_TOKEN, fmt="strapi")
    feed(replay, drain, "strapi", "strapi_entry.create", "strapi_entry.update",
         "strapi_entry.update_before_publish", "strapi_entry.publish")
    draft = draft_of(sessions, "strapi", "f2jfw8ei4dkxox4fb1ifxvhx")
    assert draft["status"] == "published_unapproved"
    assert [p[:3] for p in draft["publications"]] == [("published", draft["hash"], False)]
    assert draft["publications"][0][4].isoformat() == "2026-11-28T12:01:37.851000+00:00"  # Strapi's publishedAt
    # entry.unpublish carries no text here: it makes no revision, the inbox row says it was not a save.
    r = replay(capture("strapi_entry.unpublish"), "strapi")
    assert r.status_code == 202
    drain()
    after = draft_of(sessions, "strapi", "f2jfw8ei4dkxox4fb1ifxvhx")
    assert [p[0] for p in after["publications"]] == ["published", "unpublished"]
    assert after["status"] == "extracting" and after["hash"] == draft["hash"]
    with unit_of_work(sessions) as s:
        row = s.get(CmsInboxItem, r.json["saves"][0]["receipt"])
        assert row is not None and row.outcome == "ignored"
        assert len(s.scalars(select(Revision).where(Revision.draft_id == draft["id"])).all()) == 2


def test_directus_status_field_says_published(integrations, replay, drain, sessions):
    integrations("directus", SHARED_TOKEN, fmt="directus")
    feed(replay, drain, "directus", "directus_articles.items.update")
    assert draft_of(sessions, "directus", "articles/1")["publications"] == []  # status draft: never out
    feed(replay, drain, "directus", "directus_articles.items.update_publish")
    draft = draft_of(sessions, "directus", "articles/1")
    assert draft["status"] == "published_unapproved"
    assert [p[:3] for p in draft["publications"]] == [("published", draft["hash"], False)]
    feed(replay, drain, "directus", "directus_articles.items.update_unpublish")
    assert [p[0] for p in draft_of(sessions, "directus", "articles/1")["publications"]] == ["published",
                                                                                          "unpublished"]


def test_directus_reads_the_configured_status_field(integrations, replay, drain, sessions):
    integrations("directus", SHARED_TOKEN, fmt="directus")
    set_options(sessions, "directus", {"status_field": "state"})
    feed(replay, drain, "directus", "directus_articles.items.update", "directus_articles.items.update_publish")
    assert draft_of(sessions, "directus", "articles/1")["publications"] == []  # `status` is not its live field
    set_options(sessions, "directus", {"status_field": "status", "published_value": "live"})
    feed(replay, drain, "directus", "directus_articles.items.update_publish")
    assert draft_of(sessions, "directus", "articles/1")["publications"] == []  # "published" is not "live" here


def test_contentful_publish_and_unpublish_tombstone(integrations, replay, drain, sessions):
    integrations("contentful", CONTENTFUL_SECRET, fmt="contentful")
    feed(replay, drain, "contentful", "contentful_Entry.publish")
    draft = draft_of(sessions, "contentful", "5KsDBWseXY6QegucYAoacS/en-US")
    assert draft["status"] == "published_unapproved"
    assert [p[:3] for p in draft["publications"]] == [("published", draft["hash"], False)]
    # The tombstone names the entry, not a locale: every locale's draft is taken down.
    feed(replay, drain, "contentful", "contentful_Entry.unpublish")
    after = draft_of(sessions, "contentful", "5KsDBWseXY6QegucYAoacS/en-US")
    assert [p[0] for p in after["publications"]] == ["published", "unpublished"]


def test_wordpress_publish_status(integrations, replay, drain, sessions):
    integrations("wordpress", WORDPRESS_SECRET, fmt="wordpress")
    feed(replay, drain, "wordpress", "wordpress_post_update.publish")
    draft = draft_of(sessions, "wordpress", "42")
    assert draft["status"] == "published_unapproved"
    assert [p[:3] for p in draft["publications"]] == [("published", draft["hash"], False)]
    feed(replay, drain, "wordpress", "wordpress_post_update.draft")
    assert [p[0] for p in draft_of(sessions, "wordpress", "42")["publications"]] == ["published", "unpublished"]


@pytest.mark.parametrize(("status", "expected"), [("published", ["published"]), ("draft", []),
                                                  ("scheduled", [])])
def test_generic_status_field(integrations, post_generic, drain, sessions, status, expected):
    integrations("newsroom", GENERIC_SECRET)
    r = post_generic("newsroom", {"id": "a-1", "version": 1, "body": "The council voted 7-2 on Tuesday.",
                                  "status": status, "published_at": "2026-11-28T18:00:00Z"})
    assert r.status_code == 202, r.json
    drain()
    assert [p[0] for p in draft_of(sessions, "newsroom", "a-1")["publications"]] == expected


def test_no_event_without_a_callback_url_but_still_counted(integrations, replay, drain, sessions, client):
    integrations("strapi", SHARED_TOKEN, fmt="strapi")
    feed(replay, drain, "strapi", "strapi_entry.create", "strapi_entry.publish")
    with unit_of_work(sessions) as s:
        assert s.scalars(select(EventDelivery)).all() == []
    metrics = client.get("/metrics").get_data(as_text=True)
    assert 'factdesk_unapproved_publications_total{integration="strapi"} 1.0' in metrics


def test_a_drafts_publications_are_listed_newest_first_with_the_gates_answer(integrations, replay, drain, sessions,
                                                                              client, users):
    integrations("ghost", GHOST_SECRET, fmt="ghost")
    feed(replay, drain, "ghost", "ghost_post.added", "ghost_post.edited", "ghost_post.published",
         "ghost_post.unpublished")
    draft = draft_of(sessions, "ghost", "6b0ac49b07fb6c5097026aca")
    _, headers = users.make("rita", "reporter")
    r = client.get(f"/api/v1/drafts/{draft['id']}/publications", headers=headers)
    assert r.status_code == 200, r.json
    down, out = r.json
    assert (down["action"], down["content_hash"], down["revision"]) == ("unpublished", None, None)
    assert (out["action"], out["content_hash"], out["approved"], out["reason"], out["revert"]) == (
        "published", draft["hash"], False, "not_approved", None)
    assert out["revision"] == 2 and out["published_at"].startswith("2026-11-28T12:10:35")
    assert client.get("/api/v1/drafts/999999/publications", headers=headers).status_code == 404
    assert client.get(f"/api/v1/drafts/{draft['id']}/publications").status_code == 401
