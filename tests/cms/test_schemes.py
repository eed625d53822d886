"""Signature schemes on their own: good, forged, rotated secrets, replay windows, and the other adapters."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from factdesk.cms import InboundRequest, PayloadError, SignatureError, adapt, verify
from factdesk.cms.schemes import contentful, factdesk
from tests.cms.conftest import GHOST_SECRET, capture, capture_time

BODY = b'{"id": "a1", "body": "x"}'
NOW = 1_800_000_000.0


def req(headers: dict[str, str], body: bytes = BODY, now: float = NOW, path: str = "/hook") -> InboundRequest:
    return InboundRequest("POST", path, {k.lower(): v for k, v in headers.items()}, body, now)


def test_factdesk_scheme_accepts_either_secret_during_a_rotation():
    header = {"X-Factdesk-Signature": factdesk.sign("old-secret", int(NOW), BODY)}
    verify("factdesk", req(header), ["new-secret", "old-secret"], 300)
    with pytest.raises(SignatureError):
        verify("factdesk", req(header), ["new-secret"], 300)


@pytest.mark.parametrize("skew", [-301, 301])
def test_factdesk_scheme_refuses_a_timestamp_outside_the_window(skew):
    header = {"X-Factdesk-Signature": factdesk.sign("s", int(NOW) + skew, BODY)}
    with pytest.raises(SignatureError, match="timestamp"):
        verify("factdesk", req(header), ["s"], 300)


def test_ghost_real_capture_verifies_and_nothing_else_does():
    cap = capture("ghost_post.edited")
    r = InboundRequest("POST", cap["path"], {k.lower(): v for k, v in cap["headers"].items()},
                       cap["body_raw"].encode(), capture_time(cap))
    verify("ghost", r, [GHOST_SECRET], 300)
    with pytest.raises(SignatureError):
        verify("ghost", r, ["other"], 300)
    with pytest.raises(SignatureError):
        verify("ghost", InboundRequest("POST", "/", r.headers, r.body + b" ", r.received_at), [GHOST_SECRET], 300)


def test_contentful_signature_over_method_path_headers_and_body():
    headers = {"x-contentful-timestamp": str(int(NOW * 1000)), "x-contentful-signed-headers":
               "x-contentful-signed-headers,x-contentful-timestamp", "content-type": "application/json"}
    canonical = ("POST\n/api/v1/webhooks/cms/cf\nx-contentful-signed-headers:x-contentful-signed-headers,"
                 f"x-contentful-timestamp;x-contentful-timestamp:{int(NOW * 1000)}\n").encode() + BODY
    headers["x-contentful-signature"] = hmac.new(b"cf-secret", canonical, hashlib.sha256).hexdigest()
    verify("contentful", req(headers, path="/api/v1/webhooks/cms/cf"), ["cf-secret"], 300)
    assert contentful.canonical_request(req(headers, path="/api/v1/webhooks/cms/cf"),
                                        ["x-contentful-signed-headers", "x-contentful-timestamp"]) == canonical
    with pytest.raises(SignatureError):
        verify("contentful", req(headers, path="/elsewhere"), ["cf-secret"], 300)


def test_wp_webhooks_base64_signature():
    sig = base64.b64encode(hmac.new(b"wp-secret", BODY, hashlib.sha256).digest()).decode()
    verify("wpwebhooks", req({"X-WP-Webhook-Signature": sig}), ["wp-secret"], 300)
    with pytest.raises(SignatureError):
        verify("wpwebhooks", req({"X-WP-Webhook-Signature": sig}), ["other"], 300)


def test_bearer_secret():
    verify("bearer", req({"Authorization": "Bearer factdesk-shared-token"}), ["factdesk-shared-token"], 300)
    for header in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic factdesk-shared-token"}):
        with pytest.raises(SignatureError):
            verify("bearer", req(header), ["factdesk-shared-token"], 300)


def test_contentful_rich_text_and_locales():
    doc = {"nodeType": "document", "content": [
        {"nodeType": "heading-2", "content": [{"nodeType": "text", "value": "Budget"}]},
        {"nodeType": "paragraph", "content": [
            {"nodeType": "text", "value": "The city paid "},
            {"nodeType": "hyperlink", "content": [{"nodeType": "text", "value": "$3 million"}]},
            {"nodeType": "text", "value": " in 2024."}]},
    ]}
    payload = {"sys": {"id": "e1", "type": "Entry", "version": 7},
               "fields": {"title": {"en-US": "Budget", "de-DE": "Haushalt"},
                          "body": {"en-US": doc, "de-DE": "Die Stadt zahlte 3 Millionen Dollar."}}}
    saves = adapt("contentful", payload, {"x-contentful-topic": "ContentManagement.Entry.auto_save"})
    assert [s.external_id for s in saves] == ["e1/de-DE", "e1/en-US"]
    en = saves[1]
    assert en.body == "<h2>Budget</h2><p>The city paid $3 million in 2024.</p>" and en.format == "html"
    assert en.source_order == 7 and en.title == "Budget" and en.event == "auto_save"
    assert adapt("contentful", payload, {"x-contentful-topic": "ContentManagement.Entry.delete"}) == []
    with pytest.raises(PayloadError):
        adapt("contentful", {"sys": {"id": "e1"}, "fields": {}}, {})


def test_wordpress_post_object():
    payload = {"post_id": 12, "post": {"ID": 12, "post_title": "Budget", "post_type": "post",
                                       "post_content": "The city paid $3 million.\n\nIt was 2024.",
                                       "post_modified_gmt": "2026-11-28 12:10:03"}}
    [save] = adapt("wordpress", payload, {})
    assert save.external_id == "12" and save.body == "<p>The city paid $3 million.</p><p>It was 2024.</p>"
    assert save.source_order == 1795867803000
    with pytest.raises(PayloadError):
        adapt("wordpress", {"post": {"ID": 1}}, {})


def test_strapi_non_save_events_are_ignored():
    body = json.loads(capture("strapi_entry.create")["body_raw"])
    assert adapt("strapi", {**body, "event": "entry.delete"}, {}) == []
