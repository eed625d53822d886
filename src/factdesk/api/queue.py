"""The checkers' queue: waiting claims by urgency, and leasing the next one."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy.orm import Session, sessionmaker

from ..config import Settings
from ..db import unit_of_work
from ..models import Claim, Draft
from ..services.queue import DraftSummary, QueueFilter, lease_next_claim, list_queue
from .auth import SECURITY, current_actor, require_token
from .desk_schemas import QueueFilterSchema, QueueItemSchema, QueuePageSchema, QueueQuerySchema
from .drafts import claim_view

blp = Blueprint("queue", __name__, url_prefix="/api/v1", description="The checkers' queue and leases")
require_token(blp)


def sessions() -> sessionmaker[Session]:
    return current_app.extensions["factdesk"].sessions  # type: ignore[no-any-return]


def settings() -> Settings:
    return current_app.extensions["factdesk"].settings  # type: ignore[no-any-return]


def queue_filter(args: dict[str, Any]) -> QueueFilter:
    return QueueFilter(desk=args.get("desk"), type=args.get("type"), draft_id=args.get("draft"))


def queue_item_view(claim: Claim, draft: Draft | DraftSummary) -> dict[str, Any]:
    """A claim as a checker sees it in the queue: the claim, its context, and its draft's urgency."""
    return {
        **claim_view(claim, None, {}),
        "draft": {
            "id": draft.id,
            "title": draft.title,
            "desk": draft.desk,
            "deadline": draft.deadline,
            "status": draft.status,
        },
    }


@blp.route("/queue")
class Queue(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(QueueQuerySchema, location="query")
    @blp.response(200, QueuePageSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Claims waiting for a checker, most urgent first: draft deadline (none last), then check-worthiness.

        Only claims of each draft's current revision; a claim whose lease ran out is waiting again.
        """
        with unit_of_work(sessions()) as session:
            rows = list_queue(session, queue_filter(args), limit=args["limit"], offset=args["offset"])
            return {"items": [queue_item_view(c, d) for c, d in rows], "limit": args["limit"], "offset": args["offset"]}


@blp.route("/queue/lease")
class QueueLease(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(QueueFilterSchema, required=False)
    @blp.response(200, QueueItemSchema, description="The claim now leased to you, with `lease_expires_at`")
    @blp.alt_response(204, description="Nothing is left in the queue for you")
    def post(self, args: dict[str, Any]):  # type: ignore[no-untyped-def]
        """Lease the most urgent claim you may check (checkers with a desk: that desk's drafts only).

        The lease lasts `FACTDESK_LEASE_SECONDS`; renew it, release it, or record a verdict. 409 when you
        already hold `FACTDESK_LEASE_CAP` leases. Optional filters: `type`, `draft`, `desk`.
        """
        conf = settings()
        with unit_of_work(sessions()) as session:
            leased = lease_next_claim(
                session,
                current_actor(),
                lease_seconds=conf.lease_seconds,
                cap=conf.lease_cap,
                filters=queue_filter(args or {}),
            )
            if leased is None:
                return "", 204
            return queue_item_view(*leased)
