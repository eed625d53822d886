"""Ghost: `X-Ghost-Signature: sha256=<hex HMAC-SHA256(secret, body + t)>, t=<unix ms>`."""

from __future__ import annotations

from collections.abc import Sequence

from ..request import InboundRequest
from .common import SignatureError, check_fresh, hmac_sha256, match_any, parse_pairs

HEADER = "X-Ghost-Signature"


def signature(secret: str, t_ms: str, body: bytes) -> str:
    return hmac_sha256(secret, body + t_ms.encode()).hex()


def verify(request: InboundRequest, secrets: Sequence[str], window: float) -> None:
    header = request.header(HEADER)
    if not header:
        raise SignatureError(f"missing {HEADER} header")
    pairs = parse_pairs(header)
    raw_t, given = pairs.get("t", ""), pairs.get("sha256", "")
    if not raw_t.isdigit() or not given:
        raise SignatureError(f"{HEADER} must be sha256=<hex>, t=<unix ms>")
    check_fresh(int(raw_t) / 1000.0, request.received_at, window)
    match_any(given.lower(), secrets, lambda s: signature(s, raw_t, request.body))
