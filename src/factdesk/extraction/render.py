"""The human-readable claims table printed by `factdesk extract --format text`."""

from __future__ import annotations

from collections.abc import Iterable

from .claims import Claim


def _values(normalized: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in normalized.items() if v not in (None, "", [], {}))


def _clip(s: str, width: int) -> str:
    s = " ".join(s.split())
    return s if len(s) <= width else s[: width - 1] + "\u2026"


def render_table(claims: Iterable[Claim]) -> str:
    """One row per claim: position, type, score, the claim's text and its normalised values."""
    rows = [("#", "at", "type", "score", "text", "values")]
    for n, c in enumerate(claims, 1):
        at = f"{c.start}-{c.end}" + (f" (+{len(c.spans) - 1})" if len(c.spans) > 1 else "")
        rows.append((str(n), at, c.type, f"{c.score:.2f}", _clip(c.text, 60), _clip(_values(c.normalized), 70)))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    if len(rows) == 1:
        lines.append("(no claims)")
    return "\n".join(lines) + "\n"
