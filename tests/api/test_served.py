"""The API served as the product serves it (`factdesk api`: gunicorn), over a real socket: what gunicorn refuses
itself, and bodies streamed without a length, are answered in the JSON error shape like everything else.

The test client frames no request line and no chunked body as a socket does, so these requests are written
byte by byte to a real server.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.committed  # the served process has its own connections: it sees only committed rows

TEN_MB = 10 * 1024 * 1024


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(runtime, test_env: dict[str, str], tmp_path: Path) -> Iterator[int]:  # type: ignore[no-untyped-def]
    """`factdesk api` on a free port of 127.0.0.1 (one gunicorn worker), on the test database; its port."""
    port = _free_port()
    log = open(tmp_path / "api.log", "wb")  # noqa: SIM115 - closed below, after the server stops
    proc = subprocess.Popen(
        [sys.executable, "-m", "factdesk.cli", "api", "--port", str(port), "--workers", "1", "--threads", "4"],
        env={**os.environ, **test_env}, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while _request(port, b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")[0] != 200:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the API did not start:\n" + (tmp_path / "api.log").read_text(errors="replace")[-3000:])
            time.sleep(0.2)
        yield port
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()


def _request(port: int, head: bytes, body: Iterable[bytes] = ()) -> tuple[int, dict[str, str], bytes]:
    """Send `head`, then `body` from another thread (a server may answer before it has read it all), and read
    the answer: (status, headers, body); status 0 when nothing answered."""
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    except OSError:
        return 0, {}, b""
    with sock:
        def send() -> None:
            try:
                sock.sendall(head)
                for chunk in body:
                    sock.sendall(chunk)
            except OSError:
                pass  # the server answered and closed before reading everything: the answer is what counts

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        answer = b""
        try:
            while b"\r\n\r\n" not in answer or len(answer) < _expected_length(answer):
                data = sock.recv(65536)
                if not data:
                    break
                answer += data
        except OSError:
            pass
    if not answer:
        return 0, {}, b""
    top, _, content = answer.partition(b"\r\n\r\n")
    lines = top.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, content


def _expected_length(answer: bytes) -> int:
    top, sep, _ = answer.partition(b"\r\n\r\n")
    for line in top.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(top) + len(sep) + int(value)
    return len(answer) + 1


def _chunked(total: int) -> Iterator[bytes]:
    """A JSON draft of `total` bytes, in chunks of 64 KiB."""
    opening, closing = b'{"body": "', b'"}'
    piece = b"The city paid $3 million. " * 2520  # 65,520 bytes
    yield b"%x\r\n%s\r\n" % (len(opening), opening)
    sent = len(opening)
    while sent < total:
        yield b"%x\r\n%s\r\n" % (len(piece), piece)
        sent += len(piece)
    yield b"%x\r\n%s\r\n0\r\n\r\n" % (len(closing), closing)


def _chunked_post(path: str, token: str | None) -> bytes:
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    return (f"POST {path} HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
            f"{auth}\r\n").encode()


def _assert_error_shape(status: int, headers: dict[str, str], body: bytes, expected: int, code: str) -> None:
    assert status == expected, body[:300]
    assert headers["content-type"].startswith("application/json")
    error = json.loads(body)
    assert (error["status"], error["code"]) == (expected, code)
    assert error["message"] and error["errors"] == {}


def test_a_request_line_too_long_for_gunicorn_is_414_in_json(served) -> None:  # type: ignore[no-untyped-def]
    line = b"GET /api/v1/drafts?desk=" + b"x" * 5000 + b" HTTP/1.1\r\n"
    status, headers, body = _request(served, line + b"Host: t\r\n\r\n")
    _assert_error_shape(status, headers, body, 414, "uri_too_long")


def test_headers_too_large_for_gunicorn_are_431_in_json(served) -> None:  # type: ignore[no-untyped-def]
    status, headers, body = _request(served, b"GET /api/v1/drafts HTTP/1.1\r\nHost: t\r\nX-Big: " + b"x" * 9000
                                     + b"\r\n\r\n")
    _assert_error_shape(status, headers, body, 431, "headers_too_large")


@pytest.mark.parametrize("path", ["/api/v1/drafts", "/api/v1/webhooks/cms/ghost"])
def test_a_chunked_10_mb_body_is_413_before_any_token_or_signature_is_asked_for(served, path) -> None:  # type: ignore[no-untyped-def]
    status, headers, body = _request(served, _chunked_post(path, None), _chunked(TEN_MB))
    _assert_error_shape(status, headers, body, 413, "payload_too_large")


def test_a_chunked_10_mb_draft_with_a_valid_token_is_413_not_400(served, users) -> None:  # type: ignore[no-untyped-def]
    _, auth = users.make("rita", "reporter", "politics")
    status, headers, body = _request(served, _chunked_post("/api/v1/drafts", auth["Authorization"].split()[1]),
                                     _chunked(TEN_MB))
    _assert_error_shape(status, headers, body, 413, "payload_too_large")


def test_a_chunked_draft_under_the_limit_is_read_whole_and_stored(served, users) -> None:  # type: ignore[no-untyped-def]
    _, auth = users.make("rita", "reporter", "politics")
    status, _, body = _request(served, _chunked_post("/api/v1/drafts", auth["Authorization"].split()[1]),
                               _chunked(300_000))
    assert status == 202, body[:300]
    assert json.loads(body)["current_revision"]["extraction"] == "pending"
