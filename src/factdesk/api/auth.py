"""Bearer-token authentication for the API: who is calling, checked before any body is read."""

from __future__ import annotations

from flask import current_app, g, request

from ..domain.actors import Actor
from ..services.users import authenticate
from .errors import error_response
from .limits import client_address, failure_limiter
from .parsing import Blueprint

SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}]


def current_actor() -> Actor:
    return g.actor


def require_token(blueprint: Blueprint) -> None:
    """Every endpoint of `blueprint` needs a valid bearer token; 401 otherwise."""

    @blueprint.before_request
    def _authenticate():
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return _unauthorized("Send an API token: Authorization: Bearer <token>.")
        actor = authenticate(current_app.extensions["factdesk"].sessions, token.strip())
        if actor is None:
            return _unauthorized("The API token is unknown, revoked or expired.")
        g.actor = actor
        return None


def _unauthorized(message: str):
    """401, or 429 once this address has failed too often in the window. Only failures are counted, so
    a caller with a valid token is never slowed or refused by someone else's guessing."""
    settings = current_app.extensions["factdesk"].settings
    if failure_limiter().hit(f"token:{client_address()}") > settings.bad_signature_limit:
        window = str(settings.bad_signature_window_seconds)
        return error_response(429, "Too many failed authentications from this address; try again later.",
                              headers={"Retry-After": window})
    return error_response(401, message, headers={"WWW-Authenticate": 'Bearer realm="factdesk"'})
