"""End-to-end: a real Ghost publishes an unapproved post; factdesk reports it (signed `publish.unapproved`) and
reverts it to a draft through the Admin API; an approved post is published with no alert.

    PYTHONPATH=src .venv/bin/python integrations/e2e/ghost.py [--scratch /tmp/e2e/ghost] [--version 5.130.6]

Installs Ghost from the npm registry into the scratch folder on the first run (the `ghost` package, as
Ghost-CLI does: unpacked, dev dependencies dropped, `npm install --omit=dev`), starts it with SQLite on
127.0.0.1:2368 with a fresh database, makes the owner, a custom integration (its Admin API key) and the
post.* webhooks pointing at factdesk on :5801, and drives the posts as an editor in Ghost Admin would (a
session, the Admin API the editor uses). Prints PASS/FAIL per step; exit 0 only when all pass.
"""

from __future__ import annotations

import http.cookiejar
import json
import shutil
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from cms_side import NPM_ENV, Background, begin, build_native, came_up, run, shut_down
from factdesk_side import CallbackListener, Factdesk, Report, wait_for

GHOST_PORT, FACTDESK_PORT, LISTENER_PORT = 2368, 5801, 5802
SECRET = "e2e-ghost-webhook-secret-0123456789"
OWNER = {"name": "E2E Owner", "email": "owner@example.com", "password": "Qz7tV9mKp2xWr4Lb8",
         "blogTitle": "factdesk e2e"}
# Ghost sends no event name; factdesk reads publication from the post's status, so one URL serves all five.
EVENTS = ["post.added", "post.edited", "post.published", "post.published.edited", "post.unpublished"]
TEXT = ("<p>The city council spent $3 million on the new bridge in 2023, according to Mayor Jane Smith.</p>"
        "<p>Unemployment in the county fell to 4.2 percent last year, the lowest rate since 1999.</p>")


def install(scratch: Path, version: str) -> float:
    """Ghost `version` under scratch/app, once; the seconds the install took (0 when already there)."""
    app, log = scratch / "app", scratch / "install.log"
    if (app / "node_modules" / "sqlite3" / "build" / "Release" / "node_sqlite3.node").exists():
        return 0.0
    scratch.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(app, ignore_errors=True)
    started = time.monotonic()
    run(["npm", "pack", f"ghost@{version}"], scratch, log)
    run(["tar", "xzf", f"ghost-{version}.tgz"], scratch, log)
    (scratch / "package").rename(app)
    manifest = json.loads((app / "package.json").read_text())
    # Its dev dependencies include git URLs (GitHub is not reachable) and npm resolves them even with --omit=dev.
    manifest.pop("devDependencies", None)
    (app / "package.json").write_text(json.dumps(manifest, indent=2))
    # bookshelf 1.2 declares a peer knex older than the one Ghost pins; Ghost's own yarn install ignores it.
    run(["npm", "install", "--omit=dev", "--legacy-peer-deps"], app, log)
    build_native(app, log, ["sqlite3"])
    return time.monotonic() - started


def start(scratch: Path) -> Background:
    content = scratch / "content"
    shutil.rmtree(content, ignore_errors=True)
    shutil.copytree(scratch / "app" / "content", content)
    (content / "data").mkdir(exist_ok=True)
    env = {**NPM_ENV, "NODE_ENV": "development", "url": f"http://127.0.0.1:{GHOST_PORT}",
           "server__host": "127.0.0.1", "server__port": str(GHOST_PORT), "database__client": "sqlite3",
           "database__connection__filename": str(content / "data" / "ghost.db"), "database__useNullAsDefault": "true",
           "paths__contentPath": str(content), "privacy__useUpdateCheck": "false",
           "security__staffDeviceVerification": "false"}
    return Background(["node", "index.js"], scratch / "app", env, scratch / "ghost.log")


class GhostAdmin:
    """Ghost's Admin API with a staff session cookie, as Ghost Admin (the editor) calls it."""

    def __init__(self, base: str) -> None:
        self.base = f"{base}/ghost/api/admin"
        self.origin = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        req = urllib.request.Request(f"{self.base}{path}", method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", "Origin": self.origin,
                                              "Accept-Version": "v5.0"})
        try:
            with self.opener.open(req, timeout=30) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        try:
            return status, json.loads(raw)
        except ValueError:  # the session endpoint answers plain text
            return status, raw.decode("utf-8", "replace")

    def post(self, post_id: str) -> dict[str, Any]:
        return self.call("GET", f"/posts/{post_id}/?formats=html")[1]["posts"][0]

    def set_status(self, post_id: str, status: str) -> tuple[int, Any]:
        """What the editor's Publish (or Unpublish) button sends: the status, with the post's updated_at."""
        current = self.post(post_id)
        return self.call("PUT", f"/posts/{post_id}/", {"posts": [{"status": status,
                                                                  "updated_at": current["updated_at"]}]})


def set_up_ghost(ghost: GhostAdmin, factdesk_url: str) -> str:
    """The owner, a session, and a custom integration with the webhooks; its Admin API key (id:secret)."""
    status, answer = ghost.call("POST", "/authentication/setup/", {"setup": [OWNER]})
    if status not in (200, 201):
        raise RuntimeError(f"Ghost setup answered {status}: {answer}")
    status, answer = ghost.call("POST", "/session/", {"username": OWNER["email"], "password": OWNER["password"]})
    if status not in (200, 201):
        raise RuntimeError(f"Ghost sign-in answered {status}: {answer}")
    hook = f"{factdesk_url}/api/v1/webhooks/cms/ghost"
    status, answer = ghost.call("POST", "/integrations/?include=api_keys,webhooks", {"integrations": [{
        "name": "factdesk", "webhooks": [{"event": e, "target_url": hook, "secret": SECRET} for e in EVENTS]}]})
    if status not in (200, 201):
        raise RuntimeError(f"Ghost integration answered {status}: {answer}")
    integration = answer["integrations"][0]
    if len(integration.get("webhooks") or []) != len(EVENTS):
        raise RuntimeError(f"Ghost made {len(integration.get('webhooks') or [])} webhooks: {integration}")
    admin = next(k for k in integration["api_keys"] if k["type"] == "admin")
    # The Admin API shows an admin key's secret as the whole key, `id:secret`, as Ghost Admin lets one copy it.
    return admin["secret"] if ":" in admin["secret"] else f"{admin['id']}:{admin['secret']}"


def new_post(ghost: GhostAdmin, title: str) -> str:
    status, answer = ghost.call("POST", "/posts/?source=html", {"posts": [{"title": title, "html": TEXT,
                                                                           "status": "draft"}]})
    if status not in (200, 201):
        raise RuntimeError(f"Ghost post answered {status}: {answer}")
    return answer["posts"][0]["id"]


def scenario(report: Report, ghost: GhostAdmin, fd: Factdesk, listener: CallbackListener) -> None:
    # Unapproved: published in Ghost while its claims have no verdicts.
    post_id = new_post(ghost, "Bridge costs (unapproved)")
    draft = wait_for(lambda: fd.draft_of("ghost", post_id), timeout=90)
    if not report.step("factdesk got the Ghost draft and extracted its claims", bool(draft),
                       f"draft {draft and draft['id']}, {draft and draft['claim_counts']['total']} claims"):
        return
    gate = fd.gate("ghost", post_id)
    report.step("its gate is closed", gate.get("publishable") is False, f"reason {gate.get('reason')}, "
                f"{len(gate.get('blockers') or [])} blockers")
    published_at = time.monotonic()
    status, _ = ghost.set_status(post_id, "published")
    report.step("Ghost publishes the unapproved post", status == 200 and ghost.post(post_id)["status"] == "published")
    events = wait_for(lambda: listener.of_type("publish.unapproved", draft["id"]), timeout=60)
    detail = events[0].body["detail"] if events else {}
    report.step("publish.unapproved arrives at the callback", bool(events),
                f"after {time.monotonic() - published_at:.1f} s, {len(events)} event(s); "
                f"blockers {len(detail.get('blockers') or [])}, revert {detail.get('revert')}" if events
                else "none within 60 s")
    report.step("its X-Factdesk-Signature verifies", bool(events) and all(e.verified for e in events))
    reverted = wait_for(lambda: ghost.post(post_id)["status"] == "draft", timeout=90)
    report.step("with revert on, the post is a draft again in Ghost", bool(reverted),
                f"{time.monotonic() - published_at:.1f} s after publishing, Ghost says {ghost.post(post_id)['status']}")
    # The revert's own post.unpublished webhook then records the take-down (the draft is back in review).
    wanted = ["draft.published_unapproved", "publication.reverted", "draft.unpublished"]
    actions = wait_for(lambda: [a for a in fd.audit(draft["id"]) if a in wanted] == wanted, timeout=30)
    report.step("factdesk's audit: published unapproved, reverted, taken down", bool(actions),
                ", ".join(fd.audit(draft["id"])[-4:]))

    # Approved: every claim checked, the editor approves, then Ghost publishes.
    post_id = new_post(ghost, "Bridge costs (approved)")
    draft = wait_for(lambda: fd.draft_of("ghost", post_id), timeout=90)
    if not report.step("factdesk got the second draft", bool(draft)):
        return
    ok, detail = fd.clear(draft["id"])
    report.step("verdicts on all claims and an approval open the gate",
                ok and fd.gate("ghost", post_id).get("publishable") is True, detail)
    status, _ = ghost.set_status(post_id, "published")
    report.step("Ghost publishes the approved post", status == 200)
    published = wait_for(lambda: fd.get(f"/drafts/{draft['id']}")[1]["status"] == "published", timeout=60)
    report.step("factdesk's draft is published", bool(published), fd.get(f"/drafts/{draft['id']}")[1]["status"])
    time.sleep(5)  # an alert would have come by now: the unapproved one above took about a second
    report.step("no publish.unapproved for it", not listener.of_type("publish.unapproved", draft["id"]))
    report.step("the post stays published in Ghost", ghost.post(post_id)["status"] == "published")


def main() -> int:
    scratch, report = begin("ghost", __doc__.split("\n\n")[0], install, version="5.130.6")
    cms = start(scratch)
    fd = Factdesk(scratch, FACTDESK_PORT)
    listener = CallbackListener(LISTENER_PORT, SECRET)
    try:
        base = f"http://127.0.0.1:{GHOST_PORT}"
        ghost = GhostAdmin(base)
        if not report.step("Ghost starts with SQLite", came_up(cms, f"{base}/ghost/api/admin/site/", timeout=180),
                           f"log {cms.log}"):
            return report.summary()
        fd.start()
        key = set_up_ghost(ghost, fd.base)
        report.step("Ghost owner, integration and webhooks made", True, f"{len(EVENTS)} webhooks")
        fd.cli("integration", "add", "ghost", "--format", "ghost", "--secret", SECRET, "--callback-url", listener.url)
        fd.cli("integration", "options", "ghost", "--on-unapproved", "revert", "--api-url", base, "--api-key", key)
        scenario(report, ghost, fd, listener)
    finally:
        shut_down(listener, fd, cms)
    return report.summary()


if __name__ == "__main__":
    sys.exit(main())
