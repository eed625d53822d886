"""The drafts API: submitting, reading, and refusing bad input without storing anything."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from factdesk.db import unit_of_work
from factdesk.models import Draft, OutboxJob, Revision


def count_rows(sessions) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    with unit_of_work(sessions) as s:
        return tuple(s.scalar(select(func.count()).select_from(m)) for m in (Draft, Revision, OutboxJob))


def test_post_draft_answers_202_with_location_and_stores_one_revision(client, reporter, sessions):
    r = client.post("/api/v1/drafts", json={"title": "Budget", "body": "The council spent $3 million.",
                                            "external_id": "cms-1", "desk": "politics"}, headers=reporter)
    assert r.status_code == 202
    assert r.headers["Location"] == f"/api/v1/drafts/{r.json['id']}"
    assert r.json["status"] == "received"
    assert r.json["current_revision"]["number"] == 1
    assert r.json["current_revision"]["extraction"] == "pending"
    assert len(r.json["current_revision"]["content_hash"]) == 64
    got = client.get(r.headers["Location"], headers=reporter)
    assert got.status_code == 200
    assert got.json["title"] == "Budget" and got.json["desk"] == "politics"
    assert count_rows(sessions) == (1, 1, 1)


def test_same_external_id_adds_a_revision_and_same_text_adds_nothing(client, reporter, sessions):
    body = {"external_id": "a-1", "body": "First text, 12 people."}
    first = client.post("/api/v1/drafts", json=body, headers=reporter)
    again = client.post("/api/v1/drafts", json=body, headers=reporter)
    assert again.status_code == 200 and again.json["id"] == first.json["id"]
    edited = client.post("/api/v1/drafts", json={**body, "body": "First text, 13 people."}, headers=reporter)
    assert edited.status_code == 202 and edited.json["id"] == first.json["id"]
    assert edited.json["current_revision"]["number"] == 2
    assert edited.json["status"] == "extracting"
    revisions = client.get(f"/api/v1/drafts/{first.json['id']}/revisions", headers=reporter).json
    assert [r["number"] for r in revisions] == [1, 2]
    assert "13 people" in revisions[1]["text"]
    with unit_of_work(sessions) as s:
        statuses = sorted(s.scalars(select(OutboxJob.status)))
    # The first revision's extraction is no longer wanted once a newer text arrived.
    assert statuses == ["pending", "superseded"]


def test_html_and_markdown_bodies_are_normalised(client, reporter):
    r = client.post("/api/v1/drafts", json={"body": "<p>Prices rose <b>42%</b> &amp; more.</p>",
                                            "format": "html"}, headers=reporter)
    assert r.status_code == 202
    rev = client.get(f"/api/v1/drafts/{r.json['id']}/revisions", headers=reporter).json[0]
    assert "<b>" not in rev["text"] and "42% & more" in rev["text"]


def test_list_drafts_filters_and_pages(client, reporter):
    for i, desk in enumerate(["politics", "business", "politics"]):
        client.post("/api/v1/drafts", json={"body": f"Text number {i}.", "desk": desk}, headers=reporter)
    page = client.get("/api/v1/drafts?desk=politics&limit=1", headers=reporter).json
    assert page["total"] == 2 and len(page["items"]) == 1 and page["items"][0]["desk"] == "politics"


def test_claims_of_an_unextracted_draft_are_an_empty_list(client, reporter):
    r = client.post("/api/v1/drafts", json={"body": "Some text."}, headers=reporter)
    claims = client.get(f"/api/v1/drafts/{r.json['id']}/claims", headers=reporter)
    assert claims.status_code == 200
    assert claims.json["items"] == [] and claims.json["revision"]["extraction"] == "pending"


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"title": "x"}, 422, "body"),
        ({"body": ""}, 422, "body"),
        ({"body": "   \n\t "}, 422, "body"),
        ({"body": 42}, 422, "body"),
        ({"body": "ok", "format": "pdf"}, 422, "format"),
        ({"body": "ok", "colour": "red"}, 422, "colour"),
        ({"body": "ok", "deadline": "tomorrow"}, 422, "deadline"),
        ({"body": "ok", "reference_date": "2019-13-45"}, 422, "reference_date"),
        ({"body": "<p> </p><!-- wp:paragraph -->", "format": "html"}, 422, "body"),
        # Valid JSON that no text column stores: a NUL, and half of a surrogate pair (an escape like \ud800).
        ({"body": "x\u0000y"}, 422, "body"),
        ({"body": "x\ud800"}, 422, "body"),
        ({"body": "ok", "title": "t\u0000"}, 422, "title"),
        ({"body": "ok", "external_id": "e\udfff"}, 422, "external_id"),
    ],
)
def test_bad_fields_get_422_with_field_errors_and_store_nothing(client, reporter, sessions, payload, status, field):
    r = client.post("/api/v1/drafts", json=payload, headers=reporter)
    assert r.status_code == status
    assert r.json["code"] == "validation_error" or r.json["code"] == "invalid"
    assert r.json["status"] == status
    errors = r.json["errors"].get("json", r.json["errors"])
    assert field in errors
    assert count_rows(sessions) == (0, 0, 0)


def test_malformed_json_is_400(client, reporter, sessions):
    r = client.post("/api/v1/drafts", data='{"body": "x",', headers={**reporter, "Content-Type": "application/json"})
    assert r.status_code == 400
    assert r.json["code"] == "bad_request" and r.json["message"]
    assert count_rows(sessions) == (0, 0, 0)


def test_body_over_the_limit_is_413(client, reporter, sessions, settings):
    big = json.dumps({"body": "word " * (settings.max_body_bytes // 5 + 10)})
    r = client.post("/api/v1/drafts", data=big, headers={**reporter, "Content-Type": "application/json"})
    assert r.status_code == 413
    assert r.json["code"] == "payload_too_large"
    assert count_rows(sessions) == (0, 0, 0)


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer fd_not-a-real-token", "Basic dXNlcjpwYXNz"])
def test_missing_or_wrong_token_is_401(client, sessions, header):
    headers = {"Authorization": header} if header else {}
    r = client.post("/api/v1/drafts", json={"body": "text"}, headers=headers)
    assert r.status_code == 401
    assert r.json["code"] == "unauthorized"
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/v1/drafts", headers=headers).status_code == 401
    assert count_rows(sessions) == (0, 0, 0)


def test_revoked_and_expired_tokens_are_refused(client, sessions, users):
    from datetime import timedelta

    from factdesk.models import ApiToken, utcnow
    from factdesk.services.users import issue_token, revoke_token

    _, headers = users.make("old", "reporter")
    expired = issue_token(sessions, "old", expires_at=utcnow() + timedelta(seconds=60))
    with unit_of_work(sessions) as s:
        s.get(ApiToken, expired.id).expires_at = utcnow() - timedelta(seconds=1)
    assert client.get("/api/v1/drafts", headers={"Authorization": f"Bearer {expired.token}"}).status_code == 401
    assert client.get("/api/v1/drafts", headers=headers).status_code == 200
    with unit_of_work(sessions) as s:
        token_id = s.scalar(select(ApiToken.id).where(ApiToken.expires_at.is_(None)))
    revoke_token(sessions, token_id)
    assert client.get("/api/v1/drafts", headers=headers).status_code == 401


def test_tokens_are_stored_only_as_hashes(client, sessions, users):
    from factdesk.models import ApiToken

    _, headers = users.make("hashme", "reporter")
    token = headers["Authorization"].split()[1]
    with unit_of_work(sessions) as s:
        row = s.scalars(select(ApiToken)).one()
        assert token not in (row.token_hash, row.prefix) and len(row.token_hash) == 64


def test_a_checker_may_read_but_not_submit(client, users):
    _, headers = users.make("chuck", "checker")
    assert client.get("/api/v1/drafts", headers=headers).status_code == 200
    r = client.post("/api/v1/drafts", json={"body": "text"}, headers=headers)
    assert r.status_code == 403 and r.json["code"] == "forbidden"


def test_unknown_draft_is_404_in_the_error_shape(client, reporter):
    r = client.get("/api/v1/drafts/999999", headers=reporter)
    assert r.status_code == 404
    assert set(r.json) == {"status", "code", "message", "errors", "request_id"}


def test_unknown_route_and_wrong_method_use_the_error_shape(client, reporter):
    assert client.get("/api/v1/nope", headers=reporter).json["code"] == "not_found"
    r = client.delete("/api/v1/drafts", headers=reporter)
    assert r.status_code == 405 and r.json["code"] == "method_not_allowed"


def test_openapi_document_and_docs_page(client):
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200
    assert "/api/v1/drafts" in spec.json["paths"]
    assert "bearerAuth" in spec.json["components"]["securitySchemes"]
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    # The page's scripts are served by factdesk itself, so the docs work without internet access.
    assert b"/api/v1/docs/assets/swagger-ui-bundle.js" in page.data
    asset = client.get("/api/v1/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.data) > 100_000
    asset.close()


def test_health_and_readiness(client):
    assert client.get("/healthz").json == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.json
    assert ready.json["checks"] == {"database": "ok", "broker": "ok"}


def test_readiness_is_503_when_the_broker_is_down(settings):
    from dataclasses import replace

    from factdesk.api import create_app

    app = create_app(replace(settings, broker_url="redis://127.0.0.1:1/0"))
    r = app.test_client().get("/readyz")
    assert r.status_code == 503
    assert r.headers["Retry-After"] == "5"
    assert r.json["errors"]["broker"].startswith("down")


def test_a_flood_of_bad_tokens_is_cut_off_without_refusing_a_valid_token(client, sessions, users, settings):
    _, good = users.make("gina", "reporter")
    bad = {"Authorization": "Bearer fd_guessing"}
    answers = [client.get("/api/v1/drafts", headers=bad).status_code for _ in range(settings.bad_signature_limit + 3)]
    assert answers[: settings.bad_signature_limit] == [401] * settings.bad_signature_limit
    assert answers[-1] == 429
    flooded = client.get("/api/v1/drafts", headers=bad)
    assert flooded.status_code == 429 and flooded.json["code"] == "rate_limited" and flooded.headers["Retry-After"]
    # The same address with a valid token is served as usual.
    assert client.get("/api/v1/drafts", headers=good).status_code == 200


def test_a_draft_keeps_the_articles_address_its_submitter_gives_and_the_latest_one_wins(client, reporter):
    first = client.post("/api/v1/drafts", json={"external_id": "url-1", "body": "The mayor resigned on Monday.",
                                                "url": "https://news.example/preview/1"}, headers=reporter)
    assert first.status_code == 202 and first.json["url"] == "https://news.example/preview/1"
    again = client.post("/api/v1/drafts", json={"external_id": "url-1", "body": "The mayor resigned on Monday.",
                                                "url": "https://news.example/2026/mayor"}, headers=reporter)
    assert again.status_code == 200  # the same text: no revision, but the address moved (it was published)
    assert client.get(f"/api/v1/drafts/{first.json['id']}", headers=reporter).json["url"] == \
        "https://news.example/2026/mayor"
    silent = client.post("/api/v1/drafts", json={"external_id": "url-1", "body": "The mayor resigned on Tuesday."},
                         headers=reporter)
    assert silent.json["url"] == "https://news.example/2026/mayor"  # a save that names none keeps it


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://news.example/a", "not a url",
                                 "https://news.example/" + "a" * 2000])
def test_an_article_address_that_is_no_web_address_is_refused_and_nothing_stored(client, reporter, sessions, url):
    before = count_rows(sessions)
    r = client.post("/api/v1/drafts", json={"body": "The mayor resigned.", "url": url}, headers=reporter)
    assert r.status_code == 422 and "url" in r.json["errors"].get("json", r.json["errors"])
    assert count_rows(sessions) == before
