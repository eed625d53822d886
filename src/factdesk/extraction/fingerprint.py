"""Claim fingerprints: stable across revisions while a claim's wording and values are unchanged."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from typing import Any

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})
_SPACE = re.compile(r"\s+")
# Values that describe a figure's sentence, not the figure: "$1.3 billion" is one claim wherever it is
# restated, whatever each sentence says it pays for (figures.money_context).
CONTEXT_KEYS = frozenset({"subject", "parties"})


def canonical_wording(text: str) -> str:
    """The claim's wording with case, quote style and spacing folded, so cosmetic edits keep the print."""
    text = unicodedata.normalize("NFC", text).translate(_QUOTES)
    return _SPACE.sub(" ", text).strip().lower()


def fingerprint(claim_type: str, normalized: dict[str, Any], wording: str) -> str:
    """Hex SHA-256 over type, normalised values and canonical wording (never over offsets)."""
    values = {k: v for k, v in normalized.items() if k not in CONTEXT_KEYS}
    payload = json.dumps(
        [claim_type, values, canonical_wording(wording)], sort_keys=True, ensure_ascii=False, default=str
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
