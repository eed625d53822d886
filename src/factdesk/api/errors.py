"""One JSON error shape for every failure: {"status", "code", "message", "errors"}."""

from __future__ import annotations

import logging
from typing import Any

import marshmallow as ma
from flask import Flask, jsonify
from flask_smorest import Api
from werkzeug.exceptions import HTTPException, InternalServerError

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


class ErrorSchema(ma.Schema):
    status = ma.fields.Integer(metadata={"description": "HTTP status"})
    code = ma.fields.String(metadata={"description": "Stable machine-readable error code"})
    message = ma.fields.String(metadata={"description": "What went wrong, for people"})
    errors = ma.fields.Dict(metadata={"description": "Per-field messages, keyed by location then field"})


def error_response(status: int, message: str, *, code: str | None = None, errors: Any = None,
                   headers: dict[str, str] | None = None):
    payload = {"status": status, "code": code or CODES.get(status, "error"), "message": message,
               "errors": errors or {}}
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
        log.exception("unhandled error")
        return error_response(500, "Internal error")
