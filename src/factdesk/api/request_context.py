"""What every request carries for operators: a request id (taken from X-Request-Id or made, bound to every log
line of the request, echoed in the response and in error bodies, passed to the tasks it enqueues), one access
log line, and the client's address as the trusted proxies (FACTDESK_TRUSTED_PROXIES) report it."""

from __future__ import annotations

import logging
import time

from flask import Flask, Response, g, request

from .. import logs
from ..config import Settings
from ..wiring.proxies import trust_proxies

access_log = logging.getLogger("factdesk.access")


def install(app: Flask, settings: Settings) -> None:
    """Add request ids and the access log to `app`, and read the client's address through the trusted proxies."""
    # Flask's documented place for WSGI middleware; mypy sees the instance attribute as the method it shadows.
    app.wsgi_app = trust_proxies(  # type: ignore[method-assign, assignment]
        app.wsgi_app, settings.trusted_proxy_count, settings.trusted_proxy_networks)
    app.before_request(_start)
    app.after_request(_finish)
    app.teardown_request(_unbind)
    # The desk's error pages show it, so a person can quote it to whoever reads the logs.
    app.jinja_env.globals["request_id"] = logs.current_request_id


def _start() -> None:
    g.request_started = time.perf_counter()
    g.request_log_token = logs.bind(request_id=logs.accept_request_id(request.headers.get(logs.REQUEST_ID_HEADER)))


def _finish(response: Response) -> Response:
    request_id = logs.current_request_id()
    if request_id:
        response.headers[logs.REQUEST_ID_HEADER] = request_id
    started = g.get("request_started")
    access_log.info(
        "%s %s %s", request.method, request.path, response.status_code,
        extra={"method": request.method, "path": request.path, "status": response.status_code,
               "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
               "client": request.remote_addr},
    )
    return response


def _unbind(_exc: BaseException | None) -> None:
    token = g.pop("request_log_token", None)
    if token is not None:
        logs.unbind(token)
