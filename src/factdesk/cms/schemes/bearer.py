"""A static shared secret, `Authorization: Bearer <secret>`, for CMSs that cannot sign (Strapi, Directus).

It proves who sent the request, not what they sent, and carries no timestamp: use it over HTTPS only.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..request import InboundRequest
from .common import SignatureError, match_any


def verify(request: InboundRequest, secrets: Sequence[str], window: float) -> None:
    scheme, _, token = (request.header("Authorization") or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise SignatureError("missing Authorization: Bearer <secret> header")
    match_any(token.strip(), secrets, lambda s: s)
