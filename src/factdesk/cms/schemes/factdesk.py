"""factdesk's own scheme: `X-Factdesk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.

Used inbound by the generic format and outbound for the events factdesk sends to a CMS.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..request import InboundRequest
from .common import SignatureError, check_fresh, hmac_sha256, match_any, parse_pairs

HEADER = "X-Factdesk-Signature"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    return hmac_sha256(secret, f"{timestamp}.".encode() + body).hex()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The header value for `body` signed at `timestamp` (unix seconds)."""
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(request: InboundRequest, secrets: Sequence[str], window: float) -> None:
    header = request.header(HEADER)
    if not header:
        raise SignatureError(f"missing {HEADER} header")
    pairs = parse_pairs(header)
    raw_t, given = pairs.get("t", ""), pairs.get("v1", "")
    if not raw_t.isdigit() or not given:
        raise SignatureError(f"{HEADER} must be t=<unix seconds>,v1=<hex>")
    timestamp = int(raw_t)
    check_fresh(timestamp, request.received_at, window)
    match_any(given.lower(), secrets, lambda s: signature(s, timestamp, request.body))
