"""What every scheme shares: the error, constant-time comparison over all secrets, the replay window."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Sequence


class SignatureError(Exception):
    """The request is not signed by a current secret, or its timestamp is outside the replay window (401)."""


def hmac_sha256(secret: str, message: bytes) -> bytes:
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()


def match_any(given: str | bytes, secrets: Sequence[str], expected_for: Callable[[str], str | bytes]) -> None:
    """Raise SignatureError unless `given` equals what one of the secrets produces.

    Every secret is tried (no early exit), each with `hmac.compare_digest`, so timing says nothing about
    which secret or how much of the signature matched.
    """
    given_b = given.encode("utf-8") if isinstance(given, str) else given
    ok = False
    for secret in secrets:
        expected = expected_for(secret)
        expected_b = expected.encode("utf-8") if isinstance(expected, str) else expected
        ok |= hmac.compare_digest(given_b, expected_b)
    if not ok:
        raise SignatureError("the signature does not match")


def check_fresh(timestamp: float, now: float, window: float) -> None:
    """Refuse a signed timestamp more than `window` seconds from now, either way (a replay or a bad clock)."""
    if abs(now - timestamp) > window:
        raise SignatureError(f"the signature's timestamp is more than {int(window)} s from now")


def parse_pairs(header: str, sep: str = ",") -> dict[str, str]:
    """`a=1, b=2` → {"a": "1", "b": "2"}; the first value of a repeated key wins."""
    out: dict[str, str] = {}
    for part in header.split(sep):
        key, eq, value = part.strip().partition("=")
        if eq and key and key not in out:
            out[key.strip()] = value.strip()
    return out
