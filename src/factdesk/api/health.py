"""Liveness and readiness probes."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from .errors import error_response

blp = Blueprint("health", __name__)


@blp.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    """The process is up."""
    return jsonify({"status": "ok"})


@blp.get("/readyz")
def readyz():  # type: ignore[no-untyped-def]
    """The database and the broker answer; 503 with Retry-After when either does not."""
    runtime = current_app.extensions["factdesk"]
    checks: dict[str, Any] = {"database": _check_database(runtime), "broker": _check_broker(runtime)}
    if all(v == "ok" for v in checks.values()):
        return jsonify({"status": "ok", "checks": checks})
    return error_response(503, "A dependency is down", code="unavailable", errors=checks,
                          headers={"Retry-After": "5"})


def _check_database(runtime) -> str:  # type: ignore[no-untyped-def]
    try:
        with runtime.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return "ok"
    except Exception as exc:  # report, don't crash: this endpoint exists to say what is down
        return f"down: {type(exc).__name__}"


def _check_broker(runtime) -> str:  # type: ignore[no-untyped-def]
    try:
        with runtime.celery.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=runtime.settings.broker_timeout_seconds)
        return "ok"
    except Exception as exc:  # report, don't crash
        return f"down: {type(exc).__name__}"
