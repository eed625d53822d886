"""GET /api/v1/integrations/{name}/documents/{external_id}/gate: the gate a CMS asks by its own document id."""

from __future__ import annotations

from tests.cms.conftest import SHARED_TOKEN, capture
from tests.cms.test_publication_gate import TEXT, Newsroom

URL = "/api/v1/integrations/newsroom/documents/a-1/gate"


def test_needs_a_token_and_a_known_document(newsroom, client, users):
    _, headers = users.make("strapi-bot", "reporter")
    assert client.get(URL).status_code == 401
    r = client.get(URL, headers=headers)
    assert r.status_code == 404 and r.json["code"] == "not_found"
    assert client.get("/api/v1/integrations/nobody/documents/a-1/gate", headers=headers).status_code == 404


def test_closed_until_approved_then_open_for_that_text_only(newsroom: Newsroom, client):
    headers = newsroom.editor_headers
    newsroom.save()
    claims = newsroom.extract()
    closed = client.get(URL, headers=headers).json
    draft = newsroom.draft()
    assert closed == {"publishable": False, "reason": "not_approved", "blockers": claims, "draft_id": draft.id,
                      "revision": 1, "current_revision": 1, "content_hash": draft.content_hash}
    newsroom.check(claims)
    newsroom.approve()
    assert client.get(URL, headers=headers).json["publishable"] is True
    assert client.get(URL, headers=headers, query_string={"source_version": "1"}).json["reason"] == "approved"
    # A version of the text factdesk has not received (the CMS saved and publishes at once): never checked.
    unseen = client.get(URL, headers=headers, query_string={"source_version": "2"}).json
    assert (unseen["publishable"], unseen["reason"]) == (False, "not_current")
    other = client.get(URL, headers=headers, query_string={"content_hash": "0" * 64}).json
    assert (other["publishable"], other["reason"]) == (False, "not_current")


def test_a_document_id_with_a_slash(integrations, replay, drain, client, users):
    integrations("directus", SHARED_TOKEN, fmt="directus")
    _, headers = users.make("eve", "editor")
    assert replay(capture("directus_articles.items.update"), "directus").status_code == 202
    drain()
    r = client.get("/api/v1/integrations/directus/documents/articles/1/gate", headers=headers)
    assert r.status_code == 200 and r.json["reason"] == "not_approved"


def test_the_wordpress_plugin_asks_by_the_version_wp_webhooks_sent(integrations, replay, drain, client, users):
    """integrations/wordpress/factdesk-gate.php asks with the stored post's post_modified_gmt, encoded as PHP's
    rawurlencode does: the version WP Webhooks sent for that save, so factdesk knows which text is meant."""
    integrations("wordpress", "factdesk-wordpress-secret", fmt="wordpress")
    _, headers = users.make("wp-bot", "reporter")
    assert replay(capture("wordpress_post_update.draft"), "wordpress").status_code == 202
    drain()
    url = "/api/v1/integrations/wordpress/documents/42/gate"
    known = client.get(url, headers=headers, query_string="source_version=2026-11-28%2014%3A01%3A00").json
    assert (known["publishable"], known["reason"], known["revision"]) == (False, "not_approved", 1)
    later = client.get(url, headers=headers, query_string="source_version=2026-11-28%2014%3A05%3A00").json
    assert later["reason"] == "not_current"


def test_bad_query_is_a_clear_error(newsroom, client):
    newsroom.save(TEXT)
    r = client.get(URL, headers=newsroom.editor_headers, query_string={"source_version": "", "colour": "red"})
    assert r.status_code in (400, 422) and "errors" in r.json


def test_a_version_saved_again_unchanged_is_that_text(newsroom: Newsroom, client):
    """Strapi gives every Save a new updatedAt, text changed or not; the gate asked about a version whose save
    was `unchanged` answers for its text (it was received and checked), not "not_current"."""
    headers = newsroom.editor_headers
    newsroom.save()
    newsroom.check(newsroom.extract())
    newsroom.approve()
    newsroom.save()  # version 2, the same text
    again = client.get(URL, headers=headers, query_string={"source_version": "2"}).json
    assert (again["publishable"], again["reason"]) == (True, "approved")
    unseen = client.get(URL, headers=headers, query_string={"source_version": "3"}).json
    assert unseen["reason"] == "not_current"
