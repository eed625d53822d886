"""The API's gunicorn worker: gunicorn's threaded worker, answering in factdesk's JSON error shape even the
requests gunicorn refuses itself.

gunicorn answers some requests before the app sees them: a request line longer than `--limit-request-line`
(414), headers too many or too large (431), a request it cannot parse (400). It wrote those as an HTML page;
every client of factdesk reads errors as JSON of one shape (`{"status", "code", "message", "errors", "request_id"}`,
api.errors), so they are written in that shape too. gunicorn writes every such answer through
`gunicorn.util.write_error`; this worker's process has it write JSON instead.
"""

from __future__ import annotations

import json
import socket
from typing import Any

from gunicorn import util
from gunicorn.workers.gthread import ThreadWorker

# api.errors.CODES, for the statuses gunicorn answers itself (the worker does not import the app's modules).
CODES = {400: "bad_request", 403: "forbidden", 414: "uri_too_long", 417: "expectation_failed",
         431: "headers_too_large", 500: "internal_error", 501: "not_implemented"}


def write_json_error(sock: socket.socket, status: int, reason: str, message: str) -> None:
    """gunicorn's `util.write_error`, with a JSON body."""
    body = json.dumps({"status": status, "code": CODES.get(status, "error"),
                       "message": f"{reason}: {message}" if message else reason, "errors": {},
                       "request_id": None}).encode()
    head = (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")
    util.write_nonblock(sock, head.encode("latin-1") + body)


class JsonErrorsWorker(ThreadWorker):
    """`gunicorn --worker-class factdesk.wiring.gunicorn_worker.JsonErrorsWorker`: gthread, errors in JSON."""

    def init_process(self) -> Any:
        util.write_error = write_json_error  # in this worker process only, before it serves anything
        return super().init_process()
