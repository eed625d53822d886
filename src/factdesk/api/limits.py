"""Counting failed authentications per client address, shared by the token check and the CMS hook."""

from __future__ import annotations

from flask import current_app, request

from ..wiring.limiter import Limiter, make_limiter

EXTENSION_KEY = "factdesk.limiter"


def failure_limiter() -> Limiter:
    """This app's limiter (Redis-backed when the broker is Redis, so every API process shares counts)."""
    ext = current_app.extensions
    if EXTENSION_KEY not in ext:
        settings = ext["factdesk"].settings
        ext[EXTENSION_KEY] = make_limiter(settings.broker_url, settings.bad_signature_window_seconds,
                                            settings.bad_signature_limit)
    return ext[EXTENSION_KEY]


def client_address() -> str:
    return request.remote_addr or "unknown"
