"""Contentful request verification: hex HMAC-SHA256 over method, path, the signed headers and the body.

The canonical request is `METHOD\\npath\\nname:value;name:value\\nbody`, the headers being those listed in
`x-contentful-signed-headers` (which include `x-contentful-timestamp`, in ms).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..request import InboundRequest
from .common import SignatureError, check_fresh, hmac_sha256, match_any

SIGNATURE = "x-contentful-signature"
SIGNED_HEADERS = "x-contentful-signed-headers"
TIMESTAMP = "x-contentful-timestamp"


def canonical_request(request: InboundRequest, signed: Sequence[str]) -> bytes:
    headers = ";".join(f"{name}:{request.header(name) or ''}" for name in signed)
    return f"{request.method.upper()}\n{request.path}\n{headers}\n".encode() + request.body


def signature(secret: str, request: InboundRequest, signed: Sequence[str]) -> str:
    return hmac_sha256(secret, canonical_request(request, signed)).hex()


def verify(request: InboundRequest, secrets: Sequence[str], window: float) -> None:
    given = request.header(SIGNATURE)
    if not given:
        raise SignatureError(f"missing {SIGNATURE} header")
    signed = [h.strip().lower() for h in (request.header(SIGNED_HEADERS) or "").split(",") if h.strip()]
    raw_t = request.header(TIMESTAMP) or ""
    if TIMESTAMP not in signed or not raw_t.isdigit():
        raise SignatureError(f"{TIMESTAMP} must be present and signed")
    check_fresh(int(raw_t) / 1000.0, request.received_at, window)
    match_any(given.lower(), secrets, lambda s: signature(s, request, signed))
