"""The parts of an inbound webhook request that verification and adapters look at, free of any web framework."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class InboundRequest:
    """An HTTP request as the CMS sent it. `headers` keys are lower-case; `body` is the exact bytes."""

    method: str
    path: str
    headers: Mapping[str, str]
    body: bytes
    received_at: float = field(default=0.0)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())
