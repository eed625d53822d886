"""Hostile or broken deliveries: the right status, the JSON error shape, and nothing stored."""

from __future__ import annotations

import json
import time

import pytest

from factdesk.api import create_app
from factdesk.cms.schemes import factdesk as factdesk_scheme
from tests.cms.conftest import GENERIC_SECRET, STORED, count_rows

SAVE = {"id": "a1", "version": 1, "body": "The city paid $3 million."}


def signed(body: bytes, secret: str = GENERIC_SECRET, t: int | None = None) -> dict[str, str]:
    return {factdesk_scheme.HEADER: factdesk_scheme.sign(secret, int(time.time()) if t is None else t, body)}


@pytest.fixture
def cms(integrations):  # type: ignore[no-untyped-def]
    integrations("cms", GENERIC_SECRET)


@pytest.mark.parametrize(("headers", "reason"), [
    ({}, "missing"),
    ({factdesk_scheme.HEADER: "t=1,v1=00"}, "timestamp"),
    ({factdesk_scheme.HEADER: "garbage"}, "must be"),
    ("wrong-secret", "does not match"),
    ("replay", "timestamp"),
    ("future", "timestamp"),
])
def test_unsigned_forged_or_replayed_saves_get_401(cms, client, sessions, headers, reason):
    body = json.dumps(SAVE).encode()
    if headers == "wrong-secret":
        headers = signed(body, "another-secret-0123456789")
    elif headers == "replay":
        headers = signed(body, t=int(time.time()) - 301)
    elif headers == "future":
        headers = signed(body, t=int(time.time()) + 301)
    r = client.post("/api/v1/webhooks/cms/cms", data=body, headers={"Content-Type": "application/json", **headers})
    assert r.status_code == 401
    assert r.json["code"] == "unauthorized" and reason in r.json["message"]
    assert count_rows(sessions, *STORED) == (0, 0, 0, 0, 0, 1)  # only the integration's creation audit


def test_a_signature_over_a_different_body_is_refused(cms, client, sessions):
    headers = signed(json.dumps(SAVE).encode())
    tampered = json.dumps({**SAVE, "body": "The city paid $4 million."}).encode()
    r = client.post("/api/v1/webhooks/cms/cms", data=tampered, headers={"Content-Type": "application/json", **headers})
    assert r.status_code == 401
    assert count_rows(sessions, *STORED)[:5] == (0, 0, 0, 0, 0)


def test_unknown_integration_is_404(client, sessions):
    r = client.post("/api/v1/webhooks/cms/nope", json=SAVE)
    assert r.status_code == 404 and r.json["code"] == "not_found"
    assert count_rows(sessions, *STORED) == (0, 0, 0, 0, 0, 0)


def test_an_oversize_body_is_413_before_anything_is_read(cms, runtime_with, sessions):
    small = create_app(runtime=runtime_with(max_body_bytes=1000))
    body = json.dumps({**SAVE, "body": "x" * 2000}).encode()
    r = small.test_client().post("/api/v1/webhooks/cms/cms", data=body,
                                 headers={"Content-Type": "application/json", **signed(body)})
    assert r.status_code == 413 and r.json["code"] == "payload_too_large"
    assert count_rows(sessions, *STORED)[:5] == (0, 0, 0, 0, 0)


@pytest.mark.parametrize(("body", "content_type"), [
    (b'{"id": "a1", "body": ', "application/json"),
    (b"\xff\xfe not utf-8", "application/json"),
    (json.dumps(SAVE).encode(), "text/plain"),
    (b"id=a1&body=x", "application/x-www-form-urlencoded"),
])
def test_malformed_json_or_wrong_content_type_is_400(cms, post_generic, sessions, body, content_type):
    r = post_generic("cms", body, content_type=content_type)
    assert r.status_code == 400 and r.json["code"] == "bad_request"
    assert count_rows(sessions, *STORED)[:5] == (0, 0, 0, 0, 0)


@pytest.mark.parametrize("payload", [
    {"body": "no id"},
    {"id": "a1"},
    {"id": "a1", "body": "text", "version": "seven"},
    {"id": "a1", "body": "text", "surprise": 1},
    {"id": "a1", "body": "text", "url": "javascript:alert(1)"},
    [1, 2, 3],
    "just a string",
])
def test_an_unknown_shape_is_422_saying_what_was_expected(cms, post_generic, sessions, payload):
    r = post_generic("cms", payload)
    assert r.status_code == 422
    assert '"id"' in r.json["errors"]["expected"]
    assert count_rows(sessions, *STORED)[:5] == (0, 0, 0, 0, 0)


def test_a_ghost_integration_names_the_ghost_shape(integrations, client, sessions):
    integrations("ghost", "ghost-secret-0123456789", fmt="ghost")
    from factdesk.cms.schemes.ghost import signature

    body = json.dumps({"id": "a1", "body": "x"}).encode()
    t = str(int(time.time() * 1000))
    r = client.post("/api/v1/webhooks/cms/ghost", data=body, headers={
        "Content-Type": "application/json",
        "X-Ghost-Signature": f"sha256={signature('ghost-secret-0123456789', t, body)}, t={t}"})
    assert r.status_code == 422 and "current" in r.json["errors"]["expected"]


def test_a_save_with_no_text_is_422(cms, post_generic, sessions):
    r = post_generic("cms", {"id": "a1", "body": "<p> </p>", "format": "html"})
    assert r.status_code == 422
    assert count_rows(sessions, *STORED)[:5] == (0, 0, 0, 0, 0)


@pytest.mark.parametrize("raw", [b'"x\\u0000y"', b'"x\\ud800y"'])
def test_a_save_with_text_that_cannot_be_stored_is_422(cms, post_generic, sessions, raw):
    # Valid JSON, and a str in Python: a NUL or half a surrogate pair, which no text column stores.
    body = b'{"id": "a1", "version": 1, "body": ' + raw + b"}"
    r = post_generic("cms", body)
    assert r.status_code == 422
    assert r.json["code"] == "invalid" and "body" in r.json["errors"]
    assert count_rows(sessions, *STORED)[:5] == (0, 0, 0, 0, 0)


def test_a_flood_of_bad_signatures_is_cut_off_but_good_deliveries_pass(cms, runtime_with, sessions, drain):
    limited = create_app(runtime=runtime_with(bad_signature_limit=5))
    client = limited.test_client()
    body = json.dumps(SAVE).encode()
    bad = {"Content-Type": "application/json", **signed(body, "another-secret-0123456789")}
    codes = [client.post("/api/v1/webhooks/cms/cms", data=body, headers=bad,
                         environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code for _ in range(8)]
    assert codes == [401] * 5 + [429] * 3
    refused = client.post("/api/v1/webhooks/cms/cms", data=body, headers=bad, environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert refused.headers["Retry-After"] and refused.json["code"] == "rate_limited"
    # The CMS itself, even from the flooding address, still gets through: good deliveries are never limited.
    good = client.post("/api/v1/webhooks/cms/cms", data=body,
                       headers={"Content-Type": "application/json", **signed(body)},
                       environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert good.status_code == 202
    drain()
    assert count_rows(sessions, *STORED)[:3] == (1, 1, 1)
