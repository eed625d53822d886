"""Outbound events to a draft's CMS integration: gate.opened, gate.closed, verdict.blocking.

Callers (approvals, verdicts, new revisions) call these inside their unit of work; delivery happens
later in a Celery task through the outbox, signed, with retries.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session


def notify_gate_change(session: Session, draft_id: int, *, opened: bool, detail: dict[str, Any]) -> None:
    """Queue `gate.opened` or `gate.closed` for the draft's integration (nothing for REST drafts)."""


def notify_blocking_verdict(session: Session, draft_id: int, claim_id: int, verdict_id: int) -> None:
    """Queue `verdict.blocking` for the draft's integration (nothing for REST drafts)."""
