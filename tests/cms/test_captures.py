"""Each CMS's real captured save, with its real signature, through the hook: one draft, the right text."""

from __future__ import annotations

import pytest

from tests.cms.conftest import GHOST_SECRET, SHARED_TOKEN, STORED, capture, count_rows


def revisions(client, headers, draft_id):  # type: ignore[no-untyped-def]
    return client.get(f"/api/v1/drafts/{draft_id}/revisions", headers=headers).json


def test_ghost_added_then_edited(integrations, replay, placed, client, users, sessions):
    integrations("ghost", GHOST_SECRET, fmt="ghost")
    _, editor = users.make("eve", "editor")
    added = replay(capture("ghost_post.added"), "ghost")
    assert added.status_code == 202, added.json
    assert added.json["status"] == "accepted"
    answer = added.json["saves"][0]
    assert answer["external_id"] == "6b0ac49b07fb6c5097026aca" and answer["outcome"] == "accepted"
    [save] = placed(added)
    assert save["outcome"] == "created"
    edited = replay(capture("ghost_post.edited"), "ghost")
    assert edited.status_code == 202 and placed(edited)[0]["draft_id"] == save["draft_id"]
    revs = revisions(client, editor, save["draft_id"])
    assert [r["number"] for r in revs] == [1, 2]
    assert "largest increase since 2009" in revs[1]["text"] and "largest" not in revs[0]["text"]
    assert revs[1]["source_version"] == "2026-11-28T12:10:05.000Z"
    draft = client.get(f"/api/v1/drafts/{save['draft_id']}", headers=editor).json
    assert draft["source"] == "ghost" and draft["title"] == "Council approves 4.2% budget increase"
    assert draft["url"] == "http://127.0.0.1:2368/p/e9bd081b-6b93-42d7-9af7-c641473ccb13/"  # Ghost's own address
    assert draft["current_revision"]["id"] == revs[1]["id"]


def test_strapi_create_update_and_publish(integrations, replay, placed, client, users):
    integrations("strapi", SHARED_TOKEN, fmt="strapi")
    _, editor = users.make("eve", "editor")
    created = replay(capture("strapi_entry.create"), "strapi")
    assert created.status_code == 202
    assert created.json["saves"][0]["external_id"] == "f2jfw8ei4dkxox4fb1ifxvhx"
    draft_id = placed(created)[0]["draft_id"]
    assert replay(capture("strapi_entry.update"), "strapi").status_code == 202
    # Publish sends an update and then entry.publish with the same text and updatedAt: no new text, but the
    # publish is kept (not dropped as a redelivery), for it says the text went out.
    before_publish = replay(capture("strapi_entry.update_before_publish"), "strapi")
    assert before_publish.status_code == 200 and before_publish.json["status"] == "unchanged"
    published = replay(capture("strapi_entry.publish"), "strapi")
    assert published.status_code == 200 and published.json["status"] == "unchanged"
    assert placed(before_publish) == [{"outcome": "unchanged", "draft_id": draft_id,
                                       "revision_id": revisions(client, editor, draft_id)[-1]["id"]}]
    assert placed(published)[0]["draft_id"] == draft_id
    revs = revisions(client, editor, draft_id)
    assert len(revs) == 2
    # Nobody approved it: the publication is caught.
    assert client.get(f"/api/v1/drafts/{draft_id}", headers=editor).json["status"] == "published_unapproved"
    # Blocks became paragraphs: each sentence stands on its own.
    assert "4.2%, to $1.3 billion.\n\nUnemployment" in revs[1]["text"]


def test_directus_flow(integrations, replay, placed, client, users):
    integrations("directus", SHARED_TOKEN, fmt="directus")
    _, editor = users.make("eve", "editor")
    r = replay(capture("directus_articles.items.update"), "directus")
    assert r.status_code == 202
    assert r.json["saves"][0]["external_id"] == "articles/1"
    text = revisions(client, editor, placed(r)[0]["draft_id"])[0]["text"]
    assert text.startswith("Council approves 4.2% budget increase")
    assert "finance director said." in text and "<p>" not in text


@pytest.mark.parametrize(("name", "fmt", "secret"), [
    ("ghost_post.added", "ghost", "not-the-ghost-secret"),
    ("strapi_entry.create", "strapi", "not-the-shared-token"),
    ("directus_articles.items.update", "directus", "not-the-shared-token"),
])
def test_captures_with_another_secret_are_refused(integrations, replay, sessions, name, fmt, secret):
    integrations(fmt, secret, fmt=fmt)
    before = count_rows(sessions, *STORED)
    r = replay(capture(name), fmt)
    assert r.status_code == 401 and r.json["code"] == "unauthorized"
    assert count_rows(sessions, *STORED) == before


def test_a_tampered_ghost_body_is_refused(integrations, replay, sessions):
    integrations("ghost", GHOST_SECRET, fmt="ghost")
    cap = capture("ghost_post.added")
    before = count_rows(sessions, *STORED)
    r = replay(cap, "ghost", body=cap["body_raw"].replace("$1.3 billion", "$1.4 billion").encode())
    assert r.status_code == 401
    assert count_rows(sessions, *STORED) == before


def test_a_ghost_capture_replayed_later_is_refused(integrations, replay, app, client, sessions):
    integrations("ghost", GHOST_SECRET, fmt="ghost")
    cap = capture("ghost_post.added")
    headers = {k: v for k, v in cap["headers"].items() if k.lower() not in ("content-length", "host")}
    # The real clock: the capture is more than five minutes old, so it is a replay.
    r = client.post("/api/v1/webhooks/cms/ghost", data=cap["body_raw"].encode(), headers=headers)
    assert r.status_code == 401 and "timestamp" in r.json["message"]
    assert count_rows(sessions, *STORED)[0] == 0


def test_a_generic_save_names_the_articles_address(integrations, post_generic, placed, client, users):
    from tests.cms.conftest import GENERIC_SECRET

    integrations("site", GENERIC_SECRET)
    _, editor = users.make("eve", "editor")
    r = post_generic("site", {"id": "a-7", "version": 1, "body": "The council met on Monday.",
                              "url": "https://news.example/2026/council"})
    [save] = placed(r)
    draft = client.get(f"/api/v1/drafts/{save['draft_id']}", headers=editor).json
    assert draft["url"] == "https://news.example/2026/council"
