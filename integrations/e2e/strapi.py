"""End-to-end: a real Strapi 5 with the shipped middleware (integrations/strapi/factdesk-gate.js) refuses to
publish an unapproved entry, with the blockers in its message, and publishes it once factdesk approved it.

    PYTHONPATH=src .venv/bin/python integrations/e2e/strapi.py [--scratch /tmp/e2e/strapi]

Installs the Strapi app in strapi_app/ beside this file (a JS project: an `article` type with draft & publish,
README's src/index.js, the panel not served) into the scratch folder with npm on the first run, copies the
shipped middleware into its src/, starts it with SQLite on 127.0.0.1:1337 and a fresh database, registers the
first admin, points a webhook (entry create/update/publish/unpublish) at factdesk on :5801, and publishes
through the content manager's admin API, the calls the panel's Save and Publish buttons make.
"""

from __future__ import annotations

import secrets
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from cms_side import NPM_ENV, Background, begin, build_native, came_up, run, shut_down
from factdesk_side import BearerApi, CallbackListener, Factdesk, Report, wait_for

STRAPI_PORT, FACTDESK_PORT, LISTENER_PORT = 1337, 5803, 5804
SECRET = "e2e-strapi-shared-token-0123456789"
UID = "api::article.article"
REPO = Path(__file__).resolve().parents[2]
ADMIN = {"firstname": "E2E", "lastname": "Admin", "email": "admin@example.com", "password": "Qz7tV9mKp2xWr4Lb8"}
# The app's keys, the same across the run's restart: tokens and sessions made before it stay valid.
KEYS = {"APP_KEYS": ",".join(secrets.token_hex(16) for _ in range(2)),
        **{name: secrets.token_hex(16) for name in ("ADMIN_JWT_SECRET", "API_TOKEN_SALT", "TRANSFER_TOKEN_SALT",
                                                    "ENCRYPTION_KEY", "JWT_SECRET")}}
TEXT = ["The city council spent $3 million on the new bridge in 2023, according to Mayor Jane Smith.",
        "Unemployment in the county fell to 4.2 percent last year, the lowest rate since 1999."]


def install(scratch: Path) -> float:
    """The app's dependencies under scratch/app, once; seconds taken (0 when already there)."""
    app, log = scratch / "app", scratch / "install.log"
    if (app / "node_modules" / "better-sqlite3" / "build" / "Release" / "better_sqlite3.node").exists():
        return 0.0
    app.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "integrations" / "e2e" / "strapi_app" / "package.json", app / "package.json")
    started = time.monotonic()
    run(["npm", "install"], app, log)
    build_native(app, log, ["better-sqlite3"])
    return time.monotonic() - started


def start(scratch: Path, fd: Factdesk, *, gate: bool = True) -> Background:
    """The template's config and code, the shipped middleware (registered unless not `gate`), a fresh database
    (the same one when restarted without the gate); Strapi in the background."""
    app = scratch / "app"
    shutil.rmtree(app / "config", ignore_errors=True)
    shutil.rmtree(app / "src", ignore_errors=True)
    if gate:
        shutil.rmtree(app / ".tmp", ignore_errors=True)
    template = REPO / "integrations" / "e2e" / "strapi_app"
    shutil.copytree(template / "config", app / "config")
    shutil.copytree(template / "src", app / "src")
    shutil.copy(REPO / "integrations" / "strapi" / "factdesk-gate.js", app / "src" / "factdesk-gate.js")
    (app / "public" / "uploads").mkdir(parents=True, exist_ok=True)  # the upload plugin refuses to start without
    env = {**NPM_ENV, "NODE_ENV": "development", "HOST": "127.0.0.1", "PORT": str(STRAPI_PORT),
           "DATABASE_FILENAME": str(app / ".tmp" / "data.db"), "STRAPI_TELEMETRY_DISABLED": "true",
           **KEYS,
           "FACTDESK_URL": fd.base, "FACTDESK_TOKEN": fd.tokens["integration"],
           "E2E_CAPTURE": str(scratch / "document-service-calls.jsonl"), "E2E_GATE": "on" if gate else "off"}
    (scratch / "document-service-calls.jsonl").unlink(missing_ok=True)
    return Background(["node_modules/.bin/strapi", "start"], app, env, scratch / "strapi.log")


def admin_token(strapi: StrapiAdmin) -> str:
    """An admin token (Strapi 5's `kind: admin` API token) that may read and publish articles: what
    `factdesk integration options strapi --api-key` takes to unpublish through the content manager."""
    actions = ("read", "publish")
    status, answer = strapi.call("POST", "/admin/admin-tokens", {
        "name": "factdesk revert", "lifespan": None,
        "adminPermissions": [{"action": f"plugin::content-manager.explorer.{a}", "subject": UID} for a in actions]})
    key = ((answer or {}).get("data") or {}).get("accessKey") if isinstance(answer, dict) else None
    if status not in (200, 201) or not key:
        raise RuntimeError(f"Strapi admin-tokens answered {status}: {answer}")
    return str(key)


class StrapiAdmin(BearerApi):
    """Strapi's admin API with the first admin's token, as the admin panel calls it."""

    def register(self) -> None:
        status, answer = self.call("POST", "/admin/register-admin", ADMIN)
        data = (answer or {}).get("data") or {} if isinstance(answer, dict) else {}
        self.token = data.get("token") or data.get("accessToken")
        if status not in (200, 201) or not self.token:
            raise RuntimeError(f"Strapi register-admin answered {status}: {answer}")

    def entry(self, document_id: str, status: str) -> dict[str, Any] | None:
        code, answer = self.call("GET", f"/content-manager/collection-types/{UID}/{document_id}?status={status}")
        return (answer or {}).get("data") if code == 200 else None

    def published(self, document_id: str) -> bool:
        """Whether the document has a published version (the content manager answers a draft otherwise)."""
        return bool((self.entry(document_id, "published") or {}).get("publishedAt"))


def blocks(paragraphs: list[str]) -> list[dict[str, Any]]:
    return [{"type": "paragraph", "children": [{"type": "text", "text": p}]} for p in paragraphs]


def publish(strapi: StrapiAdmin, document_id: str) -> tuple[int, Any]:
    """The panel's Publish: POST actions/publish with the form's fields (the draft as it is)."""
    draft = strapi.entry(document_id, "draft") or {}
    return strapi.call("POST", f"/content-manager/collection-types/{UID}/{document_id}/actions/publish",
                       {"title": draft.get("title"), "body": draft.get("body")})


def message_of(answer: Any) -> str:
    return str(((answer or {}).get("error") or {}).get("message") if isinstance(answer, dict) else answer)


def scenario(report: Report, strapi: StrapiAdmin, fd: Factdesk, listener: CallbackListener) -> None:
    status, answer = strapi.call("POST", f"/content-manager/collection-types/{UID}",
                                 {"title": "Bridge costs", "body": blocks(TEXT)})
    if not report.step("the panel's Save makes a draft entry", status in (200, 201), f"HTTP {status}"):
        return
    document_id = answer["data"]["documentId"]
    draft = wait_for(lambda: fd.draft_of("strapi", document_id), timeout=90)
    if not report.step("factdesk got the Strapi draft and extracted its claims", bool(draft),
                       f"draft {draft and draft['id']}, {draft and draft['claim_counts']['total']} claims"):
        return
    status, answer = publish(strapi, document_id)
    message = message_of(answer)
    report.step("publishing the unapproved entry is refused", status >= 400 and "not cleared" in message,
                f"HTTP {status}: {message}")
    gate = fd.gate("strapi", document_id)
    report.step("the refusal names the blocking claims", bool(gate.get("blockers"))
                and all(str(claim) in message for claim in gate["blockers"]), f"gate blockers {gate.get('blockers')}")
    report.step("the entry is not published in Strapi", not strapi.published(document_id))

    ok, detail = fd.clear(draft["id"])
    report.step("verdicts on all claims and an approval open the gate",
                ok and fd.gate("strapi", document_id).get("publishable") is True, detail)
    status, answer = publish(strapi, document_id)
    report.step("publishing the approved entry succeeds", status == 200, f"HTTP {status}: {message_of(answer)}"
                if status != 200 else "")
    report.step("the entry is published in Strapi", strapi.published(document_id))
    published = wait_for(lambda: fd.get(f"/drafts/{draft['id']}")[1]["status"] == "published", timeout=60)
    report.step("factdesk's draft is published", bool(published), fd.get(f"/drafts/{draft['id']}")[1]["status"])
    report.step("no publish.unapproved for it", not listener.of_type("publish.unapproved", draft["id"]))


def new_entry(strapi: StrapiAdmin, title: str) -> str:
    status, answer = strapi.call("POST", f"/content-manager/collection-types/{UID}", {"title": title,
                                                                                    "body": blocks(TEXT)})
    if status not in (200, 201):
        raise RuntimeError(f"Strapi create answered {status}: {answer}")
    return str(answer["data"]["documentId"])


def ungated(report: Report, strapi: StrapiAdmin, fd: Factdesk, listener: CallbackListener) -> None:
    document_id = new_entry(strapi, "Bridge costs (no gate)")
    draft = wait_for(lambda: fd.draft_of("strapi", document_id), timeout=90)
    if not report.step("factdesk got the second entry", bool(draft)):
        return
    published_at = time.monotonic()
    status, answer = publish(strapi, document_id)
    report.step("without the middleware Strapi publishes the unapproved entry", status == 200,
                f"HTTP {status}" if status != 200 else "")
    events = wait_for(lambda: listener.of_type("publish.unapproved", draft["id"]), timeout=60)
    report.step("publish.unapproved arrives, signed", bool(events) and all(e.verified for e in events),
                f"after {time.monotonic() - published_at:.1f} s" if events else "none within 60 s")
    reverted = wait_for(lambda: not strapi.published(document_id), timeout=90)
    report.step("with revert on (an admin token), the entry is unpublished in Strapi", bool(reverted),
                f"{time.monotonic() - published_at:.1f} s after publishing; audit: "
                + ", ".join(fd.audit(draft["id"])[-3:]))


def main() -> int:
    scratch, report = begin("strapi", __doc__.split("\n\n")[0], install)
    fd = Factdesk(scratch, FACTDESK_PORT)
    listener = CallbackListener(LISTENER_PORT, SECRET)
    cms: Background | None = None
    try:
        fd.start()
        fd.cli("integration", "add", "strapi", "--format", "strapi", "--secret", SECRET, "--callback-url", listener.url)
        cms = start(scratch, fd)
        base = f"http://127.0.0.1:{STRAPI_PORT}"
        health = f"{base}/_health"
        if not report.step("Strapi starts with SQLite and the middleware", came_up(cms, health, (200, 204)),
                           f"log {cms.log}"):
            return report.summary()
        strapi = StrapiAdmin(base)
        strapi.register()
        status, answer = strapi.call("POST", "/admin/webhooks", {
            "name": "factdesk", "url": f"{fd.base}/api/v1/webhooks/cms/strapi",
            "headers": {"Authorization": f"Bearer {SECRET}"},
            "events": ["entry.create", "entry.update", "entry.publish", "entry.unpublish"]})
        report.step("Strapi admin and webhook made", status in (200, 201), f"HTTP {status} {message_of(answer)}")
        scenario(report, strapi, fd, listener)
        # Without the gate (a Strapi that does not ask), an unapproved publish is reported and reverted.
        fd.cli("integration", "options", "strapi", "--on-unapproved", "revert", "--api-url", base,
               "--api-key", admin_token(strapi), "--collection", UID)
        cms.stop()
        cms = start(scratch, fd, gate=False)
        if report.step("Strapi restarted without the middleware", came_up(cms, health, (200, 204)), f"log {cms.log}"):
            ungated(report, strapi, fd, listener)
    finally:
        shut_down(listener, fd, cms)
    return report.summary()


if __name__ == "__main__":
    sys.exit(main())
