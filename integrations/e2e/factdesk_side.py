"""The factdesk side of the end-to-end runs: a factdesk server and worker on a scratch SQLite database, its
users and tokens, a listener for the integration's callback that checks each event's signature itself (not
with factdesk's code: the point is that a CMS-side receiver can), the checker's and editor's REST calls that
open the gate, and a PASS/FAIL report.

Run by the per-CMS scripts beside it with the repository's Python (`PYTHONPATH=src .venv/bin/python
integrations/e2e/ghost.py`); it starts `python -m factdesk.cli run` with the same interpreter and PYTHONPATH.
Not part of the test suite: each script installs a real CMS from npm.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

SIGNATURE_WINDOW_SECONDS = 300  # what README tells a receiver to refuse: a `t` more than 5 minutes off


@dataclass
class Report:
    """Each step's PASS/FAIL, printed as it is decided; `exit_code` is 0 only when every step passed."""

    name: str
    steps: list[tuple[str, bool, str]] = field(default_factory=list)

    def step(self, title: str, ok: bool, detail: str = "") -> bool:
        self.steps.append((title, ok, detail))
        print(f"[{self.name}] {'PASS' if ok else 'FAIL'}  {title}{'  -- ' + detail if detail else ''}", flush=True)
        return ok

    def summary(self) -> int:
        failed = [title for title, ok, _ in self.steps if not ok]
        print(f"[{self.name}] {len(self.steps) - len(failed)} passed, {len(failed)} failed", flush=True)
        return 1 if failed or not self.steps else 0


def exit_on_sigterm() -> None:
    """A run stopped with SIGTERM still stops the CMS and factdesk it started (its `finally` blocks run)."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def wait_for(check: Callable[[], Any], timeout: float, interval: float = 0.5) -> Any:
    """`check()`'s first truthy answer within `timeout` seconds, else its last answer."""
    deadline = time.monotonic() + timeout
    while True:
        answer = check()
        if answer or time.monotonic() > deadline:
            return answer
        time.sleep(interval)


def http(method: str, url: str, *, token: str | None = None, body: Any = None,
         headers: dict[str, str] | None = None, timeout: float = 30) -> tuple[int, Any]:
    """One HTTP call with a JSON body (or none); (status, parsed JSON or the text). Never raises on 4xx/5xx."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    text = raw.decode("utf-8", "replace")
    try:
        return status, json.loads(text) if text else None
    except ValueError:
        return status, text


class BearerApi:
    """A CMS's JSON API signed in with a bearer token (set once the script has one), called as its admin screens
    call it."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.token: str | None = None

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        return http(method, f"{self.base}{path}", token=self.token, body=body)


def verify_factdesk_signature(secret: str, header: str, body: bytes, now: float) -> bool:
    """`X-Factdesk-Signature: t=<s>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, checked as README says a
    receiver should: constant-time, and a `t` within five minutes."""
    parts = dict(part.strip().split("=", 1) for part in header.split(",") if "=" in part)
    try:
        stamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    expected = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return abs(now - stamp) <= SIGNATURE_WINDOW_SECONDS and hmac.compare_digest(expected, parts.get("v1", ""))


@dataclass
class Event:
    type: str
    verified: bool
    body: dict[str, Any]


class CallbackListener:
    """The integration's callback URL: records every event POSTed to it and whether its signature held."""

    def __init__(self, port: int, secret: str) -> None:
        self.events: list[Event] = []
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                ok = verify_factdesk_signature(secret, self.headers.get("X-Factdesk-Signature", ""), raw, time.time())
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = {}
                listener.events.append(Event(str(body.get("type")), ok, body))
                self.send_response(200 if ok else 401)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.url = f"http://127.0.0.1:{port}/factdesk-events"
        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def of_type(self, kind: str, draft_id: int | None = None) -> list[Event]:
        return [e for e in self.events if e.type == kind
                and (draft_id is None or (e.body.get("draft") or {}).get("id") == draft_id)]

    def close(self) -> None:
        self._server.shutdown()


class Factdesk:
    """`factdesk run` (API, worker and scheduler) on a SQLite file under `scratch`, with its own users."""

    def __init__(self, scratch: Path, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.api = f"{self.base}/api/v1"
        self.port = port
        data = scratch / "factdesk"
        shutil.rmtree(data, ignore_errors=True)  # a fresh database each run, as the CMS's: users are made anew
        data.mkdir(parents=True)
        self.env = {
            **os.environ,
            "FACTDESK_DATABASE_URL": f"sqlite:///{data / 'factdesk.sqlite'}",
            "FACTDESK_BROKER_URL": f"sqla+sqlite:///{data / 'broker.sqlite'}",
            "FACTDESK_DATA_DIR": str(data),
            # A CMS save is extracted once the draft is quiet this long: short, so a run does not wait 10 s.
            "FACTDESK_DEBOUNCE_SECONDS": "1",
            "FACTDESK_SWEEP_INTERVAL_SECONDS": "2",
            "FACTDESK_LOG_FORMAT": "text",
        }
        self.log_path = data / "factdesk.log"
        self._proc: subprocess.Popen[bytes] | None = None
        self.tokens: dict[str, str] = {}

    def cli(self, *args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "factdesk.cli", *args], env=self.env,
                              capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"factdesk {' '.join(args[:2])}: {done.stderr.strip() or done.stdout.strip()}")
        return done.stdout.strip()

    def start(self) -> None:
        self.cli("db", "upgrade")
        with open(self.log_path, "ab") as log:
            self._proc = subprocess.Popen([sys.executable, "-m", "factdesk.cli", "run", "--port", str(self.port)],
                                          env=self.env, stdout=log, stderr=subprocess.STDOUT)
        if not wait_for(lambda: self._ready(), timeout=90):
            raise RuntimeError(f"factdesk did not become ready; see {self.log_path}")
        for name, role in (("e2e-checker", "checker"), ("e2e-editor", "editor"), ("e2e-cms", "integration")):
            self.cli("user", "add", name, "--role", role)
            self.tokens[role] = self.cli("token", "issue", name).split()[-1]

    def _ready(self) -> bool:
        try:
            return http("GET", f"{self.base}/readyz", timeout=2)[0] == 200
        except OSError:
            return False

    def stop(self) -> None:
        if self._proc and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._proc.kill()

    def get(self, path: str, role: str = "editor") -> tuple[int, Any]:
        return http("GET", f"{self.api}{path}", token=self.tokens[role])

    def post(self, path: str, body: Any = None, role: str = "editor") -> tuple[int, Any]:
        return http("POST", f"{self.api}{path}", token=self.tokens[role], body=body if body is not None else {})

    def draft_of(self, integration: str, external_id: str) -> dict[str, Any] | None:
        """The draft factdesk made of that CMS document, once its current text's claims are extracted."""
        draft_id = self.gate(integration, external_id).get("draft_id")
        if draft_id is None:
            return None
        status, draft = self.get(f"/drafts/{draft_id}")
        revision = (draft or {}).get("current_revision") or {}
        return draft if status == 200 and revision.get("extracted_at") else None

    def audit(self, draft_id: int) -> list[str]:
        """The draft's audit actions, oldest first."""
        status, answer = self.get(f"/drafts/{draft_id}/audit")
        items = answer.get("items", []) if isinstance(answer, dict) else answer or []
        return [event["action"] for event in items] if status == 200 else []

    def gate(self, integration: str, external_id: str) -> dict[str, Any]:
        """What a CMS asks before publishing (any API token): the integration's user asks here."""
        status, answer = self.get(f"/integrations/{integration}/documents/{external_id}/gate", role="integration")
        return answer if status == 200 and isinstance(answer, dict) else {}

    def clear(self, draft_id: int) -> tuple[bool, str]:
        """Open the gate of the draft's current text as a newsroom does: the checker leases each claim of it
        and records `accurate` with a source, then an editor approves. (ok, what happened)."""
        checked = 0
        while True:
            status, claim = self.post("/queue/lease", {"draft": draft_id}, role="checker")
            if status == 204:
                break
            if status != 200:
                return False, f"lease answered {status}: {claim}"
            status, answer = self.post(f"/claims/{claim['id']}/verdicts", {
                "rating": "accurate", "note": "end-to-end run",
                "sources": [{"url": "https://example.org/source", "title": "the record"}]}, role="checker")
            if status != 201:
                return False, f"verdict on claim {claim['id']} answered {status}: {answer}"
            checked += 1
        status, answer = self.post(f"/drafts/{draft_id}/approve", {})
        return status == 201, f"{checked} claims checked, approve answered {status}"
