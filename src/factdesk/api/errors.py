"""One JSON error shape for every failure: {"status", "code", "message", "errors"}."""

from __future__ import annotations

import logging
from typing import Any

import marshmallow as ma
from flask import Flask, jsonify, render_template, request
from flask_smorest import Api
from werkzeug.exceptions import HTTPException, InternalServerError

from ..logs import current_request_id
from ..services import failures
from ..services.errors import ServiceError

log = logging.getLogger(__name__)

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}

# What a 503 asks a client to wait before retrying: long enough for a database failover or restart to be
# underway, short enough that a CMS's retry lands soon after it is back.
RETRY_AFTER_SECONDS = 5


class ErrorSchema(ma.Schema):
    status = ma.fields.Integer(metadata={"description": "HTTP status"})
    code = ma.fields.String(metadata={"description": "Stable machine-readable error code"})
    message = ma.fields.String(metadata={"description": "What went wrong, for people"})
    errors = ma.fields.Dict(metadata={"description": "Per-field messages, keyed by location then field"})
    request_id = ma.fields.String(
        allow_none=True,
        metadata={"description": "This request's id, as in the X-Request-Id response header and every log line "
                                 "of the request: quote it when reporting a problem"})


def error_response(status: int, message: str, *, code: str | None = None, errors: Any = None,
                   headers: dict[str, str] | None = None):
    payload = {"status": status, "code": code or CODES.get(status, "error"), "message": message,
               "errors": errors or {}, "request_id": current_request_id()}
    response = jsonify(payload)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


class FactdeskApi(Api):
    ERROR_SCHEMA = ErrorSchema
    # No catch-all `default` response: each operation lists the errors it answers (api.documented).
    DEFAULT_ERROR_RESPONSE_NAME = None

    def handle_http_exception(self, error: HTTPException):
        data = getattr(error, "data", None) or {}
        status = error.code or 500
        errors = data.get("errors") or data.get("messages") or {}
        message = data.get("message") or error.description or error.name
        if status == 400 and "json" in errors and isinstance(errors["json"], dict):
            message = "; ".join(sum(errors["json"].values(), [])) or message
        if status == 422:
            message = "The request has invalid fields; see errors."
        if status == 413:
            message = "The request body is larger than this server accepts."
        # The exception's own headers too (405's Allow), but the JSON body brings its own Content-Type.
        headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
        headers.update(data.get("headers") or {})
        if isinstance(error, InternalServerError):
            message = "Internal error"
        return error_response(status, message, errors=errors, headers=headers)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ServiceError)
    def _service_error(error: ServiceError):
        return error_response(error.status, error.message, code=error.code, errors=error.details)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return app.extensions["factdesk.api"].handle_http_exception(error)
        dependency = failures.unavailable(error)
        if dependency is not None:
            # One line, no traceback: an outage fails every request, and it is the dependency's story, not ours.
            log.warning("%s %s: the %s is unavailable: %s", request.method, request.path, dependency,
                        _first_line(error))
            return unavailable_response(f"The {dependency} is unavailable")
        reason = failures.refused_value(error)
        if reason is not None:  # a value the door's checks let through: the same request always fails
            log.warning("%s %s: the database refused a value: %s", request.method, request.path, reason,
                        exc_info=error)
            return error_response(422, f"A value in the request cannot be stored: {reason}.")
        log.exception("unhandled error")
        return error_response(500, "Internal error")


def unavailable_response(reason: str):
    """503 with Retry-After: a dependency is down, retry shortly. The desk's pages get a page, not JSON."""
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if request.blueprint == "desk":
        page = render_template("error.html", title="Try again shortly",
                               message=f"{reason}. Try again in a few seconds.")
        return page, 503, headers
    return error_response(503, f"{reason}; retry after {RETRY_AFTER_SECONDS} seconds.", headers=headers)


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [""])[0][:300] or type(error).__name__
