"""Who is signed in, CSRF tokens on every form, and the headers that keep untrusted draft text inert.

Every desk request but the sign-in page and static files needs a signed-in, enabled user; every POST needs the
session's CSRF token. The Content-Security-Policy allows no inline script and nothing from elsewhere.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue

from ..domain.actors import Actor
from ..services.storable import unstorable_names
from ..services.users import find_actor

OPEN_ENDPOINTS = {"desk.login", "desk.static"}
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")


def install(blp: Blueprint) -> None:
    blp.before_request(_load_actor)
    blp.before_request(_check_csrf)
    blp.before_request(_check_storable_form)
    blp.after_request(_headers)
    blp.app_context_processor(lambda: {"csrf_token": csrf_token, "actor": g.get("desk_actor")})


def current_actor() -> Actor:
    """The signed-in user (every desk view but sign-in runs only when there is one)."""
    return g.desk_actor


def sessions() -> Any:
    return current_app.extensions["factdesk"].sessions


def queue_counter() -> Any:
    return current_app.extensions["factdesk"].queue_counter


def settings() -> Any:
    return current_app.extensions["factdesk"].settings


def start_session(actor: Actor) -> None:
    """Sign `actor` in: a fresh session (a new CSRF token: nothing from before sign-in carries over)."""
    session.clear()
    session.permanent = True  # expires after FACTDESK_SESSION_IDLE_MINUTES without a request
    session["uid"] = actor.id
    session["csrf"] = secrets.token_urlsafe(32)


def end_session() -> None:
    session.clear()


def csrf_token() -> str:
    """This session's CSRF token, made on first use (the sign-in form needs one before anyone signs in)."""
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return str(token)


def safe_next(target: str | None) -> str:
    """A same-site path to go to after sign-in; anything else (another host, a scheme) goes to the desk."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("desk.home")


def _load_actor() -> ResponseReturnValue | None:
    uid = session.get("uid")
    actor = find_actor(sessions(), int(uid)) if isinstance(uid, int) else None
    g.desk_actor = actor
    if actor is None and request.endpoint not in OPEN_ENDPOINTS:
        if uid is not None:
            session.clear()  # the user was disabled or removed
        return redirect(url_for("desk.login", next=request.full_path if request.method == "GET" else None))
    return None


def _check_csrf() -> ResponseReturnValue | None:
    if request.method != "POST":
        return None
    sent = request.form.get("csrf_token", "")
    expected = session.get("csrf", "")
    if not expected or not hmac.compare_digest(str(sent), str(expected)):
        return render_template("error.html", title="Form expired",
                               message="This form is out of date or was not sent from the desk. "
                                       "Nothing was saved. Go back, reload the page and try again."), 400
    return None


def _check_storable_form() -> ResponseReturnValue | None:
    """A form field holding text no database can store (a NUL) is refused here, for every form alike; the API
    refuses it in JSON and query strings (api.door, api.schemas.StrictSchema)."""
    if request.method != "POST" or not unstorable_names(request.form.items(multi=True)):
        return None
    return render_template("error.html", title="Not saved",
                           message="A field holds a character that cannot be stored (a NUL). Nothing was saved. "
                                   "Go back, remove it and try again."), 422


def _headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    if response.mimetype == "text/html":
        response.headers["Cache-Control"] = "no-store"  # pages show one person's desk
    return response
