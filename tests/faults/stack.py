"""The product as it runs, for the fault tests: `factdesk api` (gunicorn) and `factdesk worker --beat`
subprocesses on one database and broker, an HTTP client for them, and the test's own view of the database."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from factdesk.cms.schemes import factdesk as factdesk_scheme
from factdesk.config import Settings
from factdesk.db import unit_of_work
from factdesk.models import CmsInboxItem, OutboxJob, Revision
from factdesk.runtime import Runtime
from factdesk.services.integrations import add_integration
from factdesk.services.users import add_user, issue_token, set_password
from tests.conftest import WorkerProcess, wait_for

SECRET = "fault-tests-secret-0123456789"
# What the worker logs every second (the periodic sweep, drain and lease expiry): left out of a failure's report.
_ROUTINE = re.compile(r"Sending due task|(sweep_outbox|expire_leases|process_inbox)\[[^]]*\] (received|succeeded)")
PASSWORD = "a long desk password"


@dataclass
class Reply:
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def __repr__(self) -> str:
        return f"<{self.status} {self.body[:300]!r}>"


class Http:
    """Requests to the API on 127.0.0.1, one connection each (the server may be killed between two).

    `cookies` are sent with every request and updated from every answer, like a browser's (the desk)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, *, json_body: Any = None, form: dict[str, str] | None = None,
                data: bytes | None = None, headers: dict[str, str] | None = None, timeout: float = 30) -> Reply:
        headers = dict(headers or {})
        if json_body is not None:
            data, headers["Content-Type"] = json.dumps(json_body).encode(), "application/json"
        elif form is not None:
            data, headers["Content-Type"] = urlencode(form).encode(), "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            reply = Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
            for value in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            return reply
        finally:
            conn.close()

    def get(self, path: str, **kwargs: Any) -> Reply:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Reply:
        return self.request("POST", path, **kwargs)


class ApiProcess:
    """`factdesk api` (gunicorn, one worker process), in its own process group so that it can be killed whole."""

    def __init__(self, env: dict[str, str], log_path: Path, port: int) -> None:
        self.env, self.log_path, self.port = env, log_path, port
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.launch()
        self.wait_ready()

    def launch(self) -> None:
        """Start the process without waiting for it to serve (see `wait_ready`)."""
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "factdesk.cli", "api", "--host", "127.0.0.1", "--port", str(self.port),
                 "--workers", "1", "--threads", "8"],
                env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )

    def wait_ready(self) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError):
                if Http(self.port).get("/healthz", timeout=2).status == 200:
                    return
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise RuntimeError("the API did not start:\n" + self.log())
            time.sleep(0.1)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:] if self.log_path.exists() else ""

    def kill(self) -> None:
        """SIGKILL gunicorn and its workers: a crash, nothing cleaned up, nothing finished."""
        if self.alive():
            assert self.proc is not None
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=20)


@dataclass
class Stack:
    """One API process and one worker (with beat) on a database and broker of this test's own."""

    env: dict[str, str]
    api: ApiProcess
    worker: WorkerProcess
    http: Http
    runtime: Runtime = field(init=False)

    def __post_init__(self) -> None:
        self.runtime = Runtime(Settings.from_env(self.env))

    @property
    def sessions(self):  # type: ignore[no-untyped-def]
        return self.runtime.sessions

    def user(self, name: str, role: str, desk: str | None = None, *, password: bool = False) -> dict[str, str]:
        """A user, with a password for the desk if asked; returns the headers that authenticate as them."""
        add_user(self.sessions, name, role, desk)
        if password:
            set_password(self.sessions, name, PASSWORD)
        return {"Authorization": f"Bearer {issue_token(self.sessions, name).token}"}

    def integration(self, name: str) -> None:
        add_integration(self.sessions, name, SECRET)

    def save(self, integration: str, document: str, body: str, version: int = 1) -> Reply:
        """A CMS save in the generic format, signed as that CMS signs it."""
        raw = json.dumps({"id": document, "version": version, "title": document, "body": body}).encode()
        signature = factdesk_scheme.sign(SECRET, int(time.time()), raw)
        return self.http.post(f"/api/v1/webhooks/cms/{integration}", data=raw,
                              headers={"Content-Type": "application/json", factdesk_scheme.HEADER: signature})

    def sign_in(self, name: str) -> None:
        """Sign in to the desk as `name` (this stack's client keeps the session cookie)."""
        page = self.http.get("/desk/login").body.decode()
        match = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert match, page
        r = self.http.post("/desk/login", form={"username": name, "password": PASSWORD, "csrf_token": match[1]})
        assert r.status == 302, r

    def wait(self, predicate: Callable[[], Any], what: str, timeout: float, interval: float = 0.2) -> Any:
        """`wait_for`, failing with what the processes were doing (their logs' tails) when time runs out."""
        try:
            return wait_for(predicate, timeout=timeout, interval=interval)
        except pytest.fail.Exception:
            worker = [line for line in self.worker.log().splitlines() if not _ROUTINE.search(line)]
            pytest.fail(f"{what}: not within {timeout} s\n--- worker log ---\n" + "\n".join(worker[-60:])
                        + "\n--- API log ---\n" + self.api.log()[-3000:], pytrace=False)

    # -- what the database says --------------------------------------------------------------------------

    def extracted(self, revision_ids: list[int]) -> bool:
        with unit_of_work(self.sessions) as s:
            done = s.scalar(select(func.count()).select_from(Revision)
                            .where(Revision.id.in_(revision_ids), Revision.extracted_at.is_not(None)))
        return done == len(set(revision_ids))

    def inbox(self, receipts: list[int]) -> dict[int, CmsInboxItem]:
        with unit_of_work(self.sessions) as s:
            return {row.id: row for row in s.scalars(select(CmsInboxItem).where(CmsInboxItem.id.in_(receipts)))}

    def placed(self, receipts: list[int]) -> bool:
        """Whether a worker has made every one of these inbox rows a revision."""
        rows = self.inbox(receipts)
        return len(rows) == len(set(receipts)) and all(r.processed_at and r.revision_id for r in rows.values())

    def extraction_job(self, revision_id: int) -> OutboxJob | None:
        with unit_of_work(self.sessions) as s:
            jobs = [j for j in s.scalars(select(OutboxJob).where(OutboxJob.task == "factdesk.extract_revision"))
                    if j.args == [revision_id]]
        return jobs[0] if jobs else None

    def close(self) -> None:
        """Kill the processes: what they were doing is of no more use (a large extraction would run on)."""
        self.worker.kill()
        self.api.kill()
        self.runtime.dispose()
