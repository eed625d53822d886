"""Reverting unapproved publications: factdesk asks the CMS to unpublish, through the CMS's own API, against a
real HTTP server standing in for Ghost, Strapi and Directus; the CMS's answer is recorded."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import select

from factdesk.db import unit_of_work
from factdesk.models import AuditEvent, OutboxJob, Publication
from factdesk.services.errors import Invalid
from factdesk.services.integrations import set_options
from factdesk.services.publications import REVERT_TASK
from factdesk.services.reverts import revert_publication
from tests.cms.conftest import GHOST_SECRET, SHARED_TOKEN, capture

GHOST_KEY_ID = "6489a1b2c3d4e5f6a7b8c9d0"
GHOST_KEY_SECRET = "a" * 64
GHOST_POST = "6b0ac49b07fb6c5097026aca"


class FakeCms:
    """An HTTP server on 127.0.0.1 that records each request and answers from `answers` (status, JSON body),
    the last one repeated."""

    def __init__(self, answers: list[tuple[int, dict[str, Any]]]) -> None:
        self.requests: list[dict[str, Any]] = []
        cms = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                cms.requests.append({"method": self.command, "path": self.path, "body": body,
                                     "headers": {k.lower(): v for k, v in self.headers.items()}})
                status, payload = answers[min(len(cms.requests), len(answers)) - 1]
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_PUT = do_POST = do_PATCH = _answer  # noqa: N815

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_cms():  # type: ignore[no-untyped-def]
    made: list[FakeCms] = []

    def make(*answers: tuple[int, dict[str, Any]]) -> FakeCms:
        made.append(FakeCms(list(answers)))
        return made[-1]

    yield make
    for cms in made:
        cms.close()


def publish_unapproved(replay, drain, integration: str, names: list[str]) -> None:  # type: ignore[no-untyped-def]
    for name in names:
        assert replay(capture(name), integration).status_code in (200, 202)
        drain()


def the_publication(sessions) -> Publication:  # type: ignore[no-untyped-def]
    with unit_of_work(sessions) as s:
        [publication] = s.scalars(select(Publication).where(Publication.action == "published"))
        s.expunge(publication)
        return publication


def audit_of(sessions, action: str) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    with unit_of_work(sessions) as s:
        return [e.after for e in s.scalars(select(AuditEvent).where(AuditEvent.action == action))]


def b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def test_ghost_post_is_put_back_to_draft(integrations, replay, drain, sessions, settings, fake_cms):
    cms = fake_cms((200, {"posts": [{"id": GHOST_POST, "updated_at": "2026-11-28T12:10:35.000Z"}]}),
                   (200, {"posts": [{"id": GHOST_POST, "status": "draft"}]}))
    integrations("ghost", GHOST_SECRET, fmt="ghost")
    set_options(sessions, "ghost", {"on_unapproved": "revert", "api_url": cms.url,
                                    "api_key": f"{GHOST_KEY_ID}:{GHOST_KEY_SECRET}"})
    publish_unapproved(replay, drain, "ghost", ["ghost_post.added", "ghost_post.edited", "ghost_post.published"])
    publication = the_publication(sessions)
    assert publication.revert == "requested"
    with unit_of_work(sessions) as s:  # the task is queued with the publication, sent after the commit
        [job] = s.scalars(select(OutboxJob).where(OutboxJob.task == REVERT_TASK))
        assert (job.args, job.status) == ([publication.id], "pending")

    assert revert_publication(sessions, settings, publication.id).outcome == "done"

    get, put = cms.requests
    path = f"/ghost/api/admin/posts/{GHOST_POST}/"
    assert (get["method"], get["path"], put["method"], put["path"]) == ("GET", path, "PUT", path)
    assert json.loads(put["body"]) == {"posts": [{"status": "draft", "updated_at": "2026-11-28T12:10:35.000Z"}]}
    scheme, token = put["headers"]["authorization"].split(" ")
    header, claims, signature = token.split(".")
    assert scheme == "Ghost" and json.loads(b64decode(header))["kid"] == GHOST_KEY_ID
    assert json.loads(b64decode(claims))["aud"] == "/admin/"
    expected = hmac.new(bytes.fromhex(GHOST_KEY_SECRET), f"{header}.{claims}".encode(), hashlib.sha256).digest()
    assert b64decode(signature) == expected
    assert the_publication(sessions).revert == "done"
    [answer] = audit_of(sessions, "publication.reverted")
    assert answer["status_code"] == 200 and '"status": "draft"' in answer["answer"]
    with unit_of_work(sessions) as s:
        assert s.get_one(OutboxJob, job.id).status == "done"
    # Asked again (a second copy of the job), nothing is sent.
    assert revert_publication(sessions, settings, publication.id).outcome == "done_already"
    assert len(cms.requests) == 2


def test_strapi_document_is_unpublished(integrations, replay, drain, sessions, settings, fake_cms):
    cms = fake_cms((200, {"data": {"documentId": "f2jfw8ei4dkxox4fb1ifxvhx", "publishedAt": None}}))
    integrations("strapi", SHARED_TOKEN, fmt="strapi")
    set_options(sessions, "strapi", {"on_unapproved": "revert", "api_url": cms.url, "api_key": "admin-jwt",
                                     "collection": "api::article.article"})
    publish_unapproved(replay, drain, "strapi", ["strapi_entry.create", "strapi_entry.publish"])
    assert revert_publication(sessions, settings, the_publication(sessions).id).outcome == "done"
    [call] = cms.requests
    assert (call["method"], call["path"]) == (
        "POST", "/content-manager/collection-types/api%3A%3Aarticle.article/f2jfw8ei4dkxox4fb1ifxvhx/actions/unpublish")
    assert call["headers"]["authorization"] == "Bearer admin-jwt"


def test_directus_item_status_is_patched(integrations, replay, drain, sessions, settings, fake_cms):
    cms = fake_cms((200, {"data": {"id": 1, "status": "draft"}}))
    integrations("directus", SHARED_TOKEN, fmt="directus")
    set_options(sessions, "directus", {"on_unapproved": "revert", "api_url": cms.url, "api_key": "static-token"})
    publish_unapproved(replay, drain, "directus", ["directus_articles.items.update",
                                                   "directus_articles.items.update_publish"])
    assert revert_publication(sessions, settings, the_publication(sessions).id).outcome == "done"
    [call] = cms.requests
    assert (call["method"], call["path"], json.loads(call["body"])) == ("PATCH", "/items/articles/1",
                                                                         {"status": "draft"})
    assert call["headers"]["authorization"] == "Bearer static-token"


def test_a_busy_cms_is_asked_again_after_a_backoff(integrations, replay, drain, sessions, settings, fake_cms):
    cms = fake_cms((503, {"error": "busy"}), (200, {"data": {"id": 1, "status": "draft"}}))
    integrations("directus", SHARED_TOKEN, fmt="directus")
    set_options(sessions, "directus", {"on_unapproved": "revert", "api_url": cms.url, "api_key": "static-token"})
    publish_unapproved(replay, drain, "directus", ["directus_articles.items.update",
                                                   "directus_articles.items.update_publish"])
    publication = the_publication(sessions)
    attempt = revert_publication(sessions, settings, publication.id)
    assert attempt.outcome == "retry" and attempt.retry_in == settings.callback_backoff_seconds
    assert (the_publication(sessions).revert, the_publication(sessions).revert_attempts) == ("requested", 1)
    assert revert_publication(sessions, settings, publication.id).outcome == "done"
    assert len(cms.requests) == 2


def test_a_refusal_is_recorded_as_failed(integrations, replay, drain, sessions, settings, fake_cms):
    cms = fake_cms((401, {"errors": [{"message": "Invalid user credentials"}]}))
    integrations("directus", SHARED_TOKEN, fmt="directus")
    set_options(sessions, "directus", {"on_unapproved": "revert", "api_url": cms.url, "api_key": "wrong"})
    publish_unapproved(replay, drain, "directus", ["directus_articles.items.update",
                                                   "directus_articles.items.update_publish"])
    assert revert_publication(sessions, settings, the_publication(sessions).id).outcome == "failed"
    assert len(cms.requests) == 1  # a refused credential is not tried again
    [failed] = audit_of(sessions, "publication.revert_failed")
    assert failed["status_code"] == 401 and "Invalid user credentials" in failed["answer"]


def test_report_only_asks_nothing(integrations, replay, drain, sessions):
    integrations("directus", SHARED_TOKEN, fmt="directus")
    publish_unapproved(replay, drain, "directus", ["directus_articles.items.update",
                                                   "directus_articles.items.update_publish"])
    assert the_publication(sessions).revert is None
    with unit_of_work(sessions) as s:
        assert s.scalars(select(OutboxJob).where(OutboxJob.task == REVERT_TASK)).all() == []


@pytest.mark.parametrize(("fmt", "options", "message"), [
    ("contentful", {"on_unapproved": "revert", "api_url": "https://cms.example", "api_key": "k"}, "cannot be asked"),
    ("directus", {"on_unapproved": "revert", "api_url": "https://cms.example"}, "needs api_url and api_key"),
    ("strapi", {"on_unapproved": "revert", "api_url": "https://cms.example", "api_key": "k"}, "collection"),
    ("directus", {"on_unapproved": "delete"}, "must be one of"),
    ("directus", {"api_url": "ftp://cms.example"}, r"api_url must be an http\(s\) URL"),
    ("directus", {"colour": "red"}, "unknown option"),
])
def test_options_that_cannot_work_are_refused(integrations, sessions, fmt, options, message):
    integrations(fmt, SHARED_TOKEN + "-0123", fmt=fmt)
    with pytest.raises(Invalid, match=message):
        set_options(sessions, fmt, options)


@pytest.mark.committed
def test_the_command_sets_and_clears_options_and_never_prints_the_key(sessions, test_env):
    from click.testing import CliRunner

    from factdesk.cli import main
    from factdesk.services.integrations import find_integration

    runner = CliRunner()
    added = runner.invoke(main, ["integration", "add", "ghost", "--format", "ghost", "--secret", GHOST_SECRET],
                          env=test_env)
    assert added.exit_code == 0, added.output
    key = f"{GHOST_KEY_ID}:{GHOST_KEY_SECRET}"
    done = runner.invoke(main, ["integration", "options", "ghost", "--on-unapproved", "revert", "--api-url",
                                "https://ghost.example", "--api-key", key], env=test_env)
    assert done.exit_code == 0, done.output
    assert GHOST_KEY_SECRET not in done.output and "'api_key': '***'" in done.output
    view = find_integration(sessions, "ghost")
    assert view is not None and view.options["on_unapproved"] == "revert" and view.options["api_key"] == key
    refused = runner.invoke(main, ["integration", "options", "ghost", "--clear", "api_key"], env=test_env)
    assert refused.exit_code != 0 and "needs api_url and api_key" in refused.output
    cleared = runner.invoke(main, ["integration", "options", "ghost", "--on-unapproved", "report", "--clear",
                                   "api_key"], env=test_env)
    assert cleared.exit_code == 0, cleared.output
    view = find_integration(sessions, "ghost")
    assert view is not None and "api_key" not in view.options and view.options["on_unapproved"] == "report"


@pytest.mark.worker
def test_a_real_worker_reverts_after_the_publication_commits(worker, integrations, replay, sessions, fake_cms):
    """The whole path on a real worker: the hook stores the publish, the worker places it, the revert task is
    sent after that commit, a busy CMS is asked again after the backoff, and its answer is recorded."""
    from tests.conftest import wait_for

    cms = fake_cms((503, {"error": "busy"}), (200, {"data": {"id": 1, "status": "draft"}}))
    newsroom = fake_cms((200, {}))  # the CMS's callback receiver
    integrations("directus", SHARED_TOKEN, fmt="directus", callback_url=newsroom.url + "/factdesk-events")
    set_options(sessions, "directus", {"on_unapproved": "revert", "api_url": cms.url, "api_key": "static-token"})
    for name in ("directus_articles.items.update", "directus_articles.items.update_publish"):
        assert replay(capture(name), "directus").status_code in (200, 202)
    wait_for(lambda: len(cms.requests) >= 2, timeout=60)
    assert [(r["method"], r["path"]) for r in cms.requests] == [("PATCH", "/items/articles/1")] * 2
    wait_for(lambda: the_publication(sessions).revert == "done", timeout=10)
    assert the_publication(sessions).revert_attempts == 2
    # The alert went to the callback URL too, signed, alongside the revert.
    wait_for(lambda: newsroom.requests, timeout=30)
    [alert] = newsroom.requests
    assert alert["headers"]["x-factdesk-event"] == "publish.unapproved"
    assert json.loads(alert["body"])["detail"]["revert"] == "requested"
