"""Signing in and out of the desk, and the desk's front door (which sends each role to its page)."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ..api.limits import client_address, failure_limiter
from ..domain.roles import Permission
from ..services.users import sign_in
from .blueprint import blp
from .security import current_actor, end_session, safe_next, sessions, settings, start_session


@blp.get("/")
def home() -> ResponseReturnValue:
    """Checkers start at their queue; reporters and editors (who check too, but approve) at the drafts."""
    actor = current_actor()
    checks_only = actor.can(Permission.CHECK) and not actor.can(Permission.APPROVE)
    target = "desk.queue" if checks_only else "desk.drafts"
    return redirect(url_for(target))


@blp.route("/login", methods=["GET", "POST"])
def login():
    """The sign-in form. Failed attempts count against the address in the failed-authentication limiter."""
    if request.method == "GET":
        return render_template("login.html", next=request.args.get("next", ""), name="", error=None)
    name = request.form.get("username", "")[:100]
    target = request.form.get("next", "")
    key = f"signin:{client_address()}"
    limiter, conf = failure_limiter(), settings()
    if limiter.count(key) >= conf.bad_signature_limit:
        return render_template("login.html", next=target, name=name,
                               error="Too many failed sign-ins from this address. Wait a minute and try again."), 429
    actor = sign_in(sessions(), name, request.form.get("password", ""))
    if actor is None:
        limiter.hit(key)
        return render_template("login.html", next=target, name=name,
                               error="That username and password do not match."), 401
    start_session(actor)
    return redirect(safe_next(target))


@blp.post("/logout")
def logout() -> ResponseReturnValue:
    end_session()
    return redirect(url_for("desk.login"))
