"""The CMS inbox as the people who run the gate see it: every save the hook accepted, what became of it and,
for a rejected one, why; and putting a rejected save back in line once its cause is fixed.

A save is rejected when the drain could not place it (see `services.inbox._place_row`): a rule changed after
the hook accepted it, a value the door's checks missed, a bug. Its payload is kept, so that once the cause is
fixed an admin can put it back in line: the drain then places it by the usual ordering rule, so a save that a
newer one of its document has overtaken meanwhile is recognised as stale, never written over the newer text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db import Sessions, unit_of_work
from ..domain.actors import Actor
from ..domain.roles import Permission
from ..models import CmsInboxItem, Integration
from . import audit
from .errors import Conflict, Forbidden, NotFound
from .inbox import DrainRequest
from .revisions import SaveOutcome

STATES = ("waiting", "placed", "rejected")


@dataclass(frozen=True)
class InboxItemView:
    id: int  # the receipt the hook answered with
    integration: str
    external_id: str
    received_at: datetime
    answer: str  # what the CMS was told: accepted, unchanged, stale
    state: str  # waiting (for the drain), placed, rejected
    outcome: str | None  # what the drain made of it (created, revised, unchanged, stale, rejected, ...)
    processed_at: datetime | None
    draft_id: int | None
    revision_id: int | None
    reason: str | None  # why it was rejected


@dataclass(frozen=True)
class InboxPage:
    items: list[InboxItemView]
    total: int
    limit: int
    offset: int


def list_inbox(
    sessions: Sessions, actor: Actor, *, state: str | None = None, integration: str | None = None,
    external_id: str | None = None, limit: int = 50, offset: int = 0,
) -> InboxPage:
    """CMS saves, newest first, narrowed by state, integration and document. Raises Forbidden for anyone
    but editors and admins."""
    _check_reader(actor)
    query = select(CmsInboxItem, Integration.name).join(Integration, Integration.id == CmsInboxItem.integration_id)
    if state is not None:
        query = query.where(_in_state(state))
    if integration is not None:
        query = query.where(Integration.name == integration)
    if external_id is not None:
        query = query.where(CmsInboxItem.external_id == external_id)
    with unit_of_work(sessions) as session:
        total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
        rows = session.execute(query.order_by(CmsInboxItem.id.desc()).limit(limit).offset(offset)).all()
        return InboxPage([_view(row, name) for row, name in rows], total, limit, offset)


def get_inbox_item(sessions: Sessions, actor: Actor, item_id: int) -> InboxItemView:
    """One CMS save by its receipt. Raises Forbidden, NotFound."""
    _check_reader(actor)
    with unit_of_work(sessions) as session:
        row, name = _find(session, item_id)
        return _view(row, name)


def requeue_rejected(sessions: Sessions, actor: Actor, item_id: int, drain: DrainRequest) -> InboxItemView:
    """Put a rejected save back in line for the drain (admins only), audited; the drain is asked to run.
    Raises Forbidden, NotFound, Conflict (the save is not a rejected one)."""
    if not actor.can(Permission.ADMINISTER):
        raise Forbidden("only admins may put a rejected save back in line", details={"reason": "role"})
    with unit_of_work(sessions) as session:
        row, name = _find(session, item_id)
        if row.outcome != SaveOutcome.REJECTED or row.payload is None:
            raise Conflict(f"save {item_id} was not rejected: it is {_state(row)}",
                           details={"reason": "not_rejected", "state": _state(row)})
        reason = row.error
        row.processed_at, row.outcome, row.error = None, None, None
        audit.record(session, actor, "inbox.requeued", before={"inbox_id": row.id, "reason": reason},
                     after={"inbox_id": row.id, "integration": name, "external_id": row.external_id})
        view = _view(row, name)
    drain.notify()
    return view


def _check_reader(actor: Actor) -> None:
    if not actor.can(Permission.READ_GATE_LOGS):
        raise Forbidden("only editors and admins may read the CMS inbox", details={"reason": "role"})


def _find(session: Session, item_id: int) -> tuple[CmsInboxItem, str]:
    found = session.execute(
        select(CmsInboxItem, Integration.name)
        .join(Integration, Integration.id == CmsInboxItem.integration_id)
        .where(CmsInboxItem.id == item_id)
    ).first()
    if found is None:
        raise NotFound(f"no CMS save {item_id}")
    return found[0], found[1]


def _in_state(state: str) -> Any:
    if state == "waiting":
        return CmsInboxItem.processed_at.is_(None)
    if state == "rejected":
        return CmsInboxItem.outcome == SaveOutcome.REJECTED
    return CmsInboxItem.processed_at.is_not(None) & (CmsInboxItem.outcome != SaveOutcome.REJECTED)


def _state(row: CmsInboxItem) -> str:
    if row.processed_at is None:
        return "waiting"
    return "rejected" if row.outcome == SaveOutcome.REJECTED else "placed"


def _view(row: CmsInboxItem, integration: str) -> InboxItemView:
    return InboxItemView(
        id=row.id, integration=integration, external_id=row.external_id, received_at=row.received_at,
        answer=row.answer, state=_state(row), outcome=row.outcome, processed_at=row.processed_at,
        draft_id=row.draft_id, revision_id=row.revision_id, reason=row.error,
    )
