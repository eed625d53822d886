"""Readiness: does the database answer, does the broker answer? Each check reports, never raises."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import text

from ..db import Sessions, unit_of_work

if TYPE_CHECKING:
    from celery import Celery


def check_database(sessions: Sessions) -> str:
    """"ok", or "down: <error type>"."""
    try:
        with unit_of_work(sessions) as session:
            session.execute(text("SELECT 1"))
        return "ok"
    except Exception as exc:  # report, don't crash: readiness exists to say what is down
        return f"down: {type(exc).__name__}"


def check_broker(celery: Celery, timeout: float) -> str:
    """"ok", or "down: <error type>"."""
    try:
        with celery.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
        return "ok"
    except Exception as exc:  # report, don't crash
        return f"down: {type(exc).__name__}"
