"""Bearer-token authentication for the API: who is calling, checked before any body is read."""

from __future__ import annotations

from flask import current_app, g, request
from flask_smorest import Blueprint

from ..db import unit_of_work
from ..domain.actors import Actor
from ..services.users import authenticate
from .errors import error_response

SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}]


def current_actor() -> Actor:
    return g.actor  # type: ignore[no-any-return]


def require_token(blueprint: Blueprint) -> None:
    """Every endpoint of `blueprint` needs a valid bearer token; 401 otherwise."""

    @blueprint.before_request
    def _authenticate():  # type: ignore[no-untyped-def]
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return _unauthorized("Send an API token: Authorization: Bearer <token>.")
        runtime = current_app.extensions["factdesk"]
        with unit_of_work(runtime.sessions) as session:
            actor = authenticate(session, token.strip())
        if actor is None:
            return _unauthorized("The API token is unknown, revoked or expired.")
        g.actor = actor
        return None


def _unauthorized(message: str):  # type: ignore[no-untyped-def]
    return error_response(401, message, headers={"WWW-Authenticate": 'Bearer realm="factdesk"'})
