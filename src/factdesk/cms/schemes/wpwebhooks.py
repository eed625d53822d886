"""WP Webhooks (WordPress): `X-WP-Webhook-Signature: base64(HMAC-SHA256(secret, body))`.

It signs no timestamp, so a replay cannot be told from a redelivery: the save's idempotency (same
version and text → nothing new) is what makes a replay harmless.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

from ..request import InboundRequest
from .common import SignatureError, hmac_sha256, match_any

HEADER = "X-WP-Webhook-Signature"


def signature(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac_sha256(secret, body)).decode("ascii")


def verify(request: InboundRequest, secrets: Sequence[str], window: float) -> None:
    given = request.header(HEADER)
    if not given:
        raise SignatureError(f"missing {HEADER} header")
    match_any(given.strip(), secrets, lambda s: signature(s, request.body))
