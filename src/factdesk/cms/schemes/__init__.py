"""Signature schemes: how each CMS proves a request is its own. Each scheme is one small module."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..request import InboundRequest
from . import bearer, contentful, factdesk, ghost, wpwebhooks
from .common import SignatureError

Verifier = Callable[[InboundRequest, Sequence[str], float], None]

SCHEMES: dict[str, Verifier] = {
    "factdesk": factdesk.verify,
    "ghost": ghost.verify,
    "contentful": contentful.verify,
    "wpwebhooks": wpwebhooks.verify,
    "bearer": bearer.verify,
}


def verify(scheme: str, request: InboundRequest, secrets: Sequence[str], window: float) -> None:
    """Check `request` against every valid secret (two during a rotation). Raises SignatureError."""
    if not secrets:
        raise SignatureError("the integration has no secret")
    try:
        verifier = SCHEMES[scheme]
    except KeyError:
        raise SignatureError(f"unknown scheme {scheme!r}") from None
    verifier(request, secrets, window)


__all__ = ["SCHEMES", "SignatureError", "verify"]
