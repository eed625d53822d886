"""The worker process's Runtime, built on first use from the Celery app's settings."""

from __future__ import annotations

from celery import Celery, current_app

from ..runtime import Runtime

_RUNTIMES: dict[int, Runtime] = {}


def runtime(app: Celery | None = None) -> Runtime:
    app = app or current_app
    key = id(app)
    if key not in _RUNTIMES:
        _RUNTIMES[key] = Runtime(app.conf.factdesk_settings, celery=app)
    return _RUNTIMES[key]


def reset_after_fork() -> None:
    """A forked pool child must not reuse its parent's database connections."""
    for rt in _RUNTIMES.values():
        rt.dispose()
    _RUNTIMES.clear()
