"""The checking desk in the browser: server-rendered pages under /desk on the same services as the REST API.

Views here do what API views do: read the form, call one service, render. Sessions are signed cookies; every
form carries a CSRF token; pages run no inline script (see `security`).
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta

from flask import Flask, redirect, url_for

from ..config import Settings
from .blueprint import blp

# Modules whose routes are added to `blp`; importing them registers their views.
PAGES = ("factdesk.web.auth", "factdesk.web.queue", "factdesk.web.claims", "factdesk.web.drafts")


def init_app(app: Flask, settings: Settings) -> None:
    """Add the desk pages to the app: the blueprint, its session cookie and its security headers."""
    from importlib import import_module
    from importlib.util import find_spec

    app.config.update(
        SECRET_KEY=session_secret(settings),
        SESSION_COOKIE_NAME="factdesk_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.cookie_secure,
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=settings.session_idle_minutes),
        # A session cookie is re-sent with every response, so its idle expiry moves with each request.
        SESSION_REFRESH_EACH_REQUEST=True,
    )
    for name in PAGES:
        if find_spec(name) is not None:
            import_module(name)
    app.register_blueprint(blp)
    app.add_url_rule("/", "root", lambda: redirect(url_for("desk.home")))


def session_secret(settings: Settings) -> str:
    """FACTDESK_SECRET_KEY, or (unset) a random key kept in the data directory so sessions survive restarts.

    Several API hosts must share one key: set FACTDESK_SECRET_KEY on each.
    """
    if settings.secret_key:
        return settings.secret_key
    settings.ensure_data_dir()
    path = settings.data_dir / "session-secret"
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(48)
        try:
            with open(path, "x", encoding="ascii", opener=lambda p, f: os.open(p, f, 0o600)) as fh:
                fh.write(key)
            return key
        except FileExistsError:  # another process wrote it first
            return path.read_text(encoding="ascii").strip()
