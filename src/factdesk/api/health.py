"""Liveness and readiness probes."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify

from ..services.health import check_broker, check_database
from .errors import RETRY_AFTER_SECONDS, error_response

blp = Blueprint("health", __name__)


@blp.get("/healthz")
def healthz():
    """The process is up."""
    return jsonify({"status": "ok"})


@blp.get("/readyz")
def readyz():
    """The database and the broker answer; 503 with Retry-After when either does not."""
    runtime = current_app.extensions["factdesk"]
    checks: dict[str, Any] = {
        "database": check_database(runtime.sessions),
        "broker": check_broker(runtime.celery, runtime.settings.broker_timeout_seconds),
    }
    if all(v == "ok" for v in checks.values()):
        return jsonify({"status": "ok", "checks": checks})
    return error_response(503, "A dependency is down", code="unavailable", errors=checks,
                          headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
