"""The checkers' queue: waiting claims by urgency, and leasing the next one."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView

from ..config import Settings
from ..services.queue import QueueFilter, QueuePage, lease_next_claim, list_queue
from ..services.read_models import ClaimView
from .auth import SECURITY, current_actor, require_token
from .desk_schemas import QueueFilterSchema, QueueItemSchema, QueuePageSchema, QueueQuerySchema
from .documented import errors
from .drafts import sessions
from .parsing import Blueprint

blp = Blueprint("queue", __name__, url_prefix="/api/v1", description="The checkers' queue and leases")
require_token(blp)


def settings() -> Settings:
    return current_app.extensions["factdesk"].settings


def queue_filter(args: dict[str, Any]) -> QueueFilter:
    return QueueFilter(desk=args.get("desk"), type=args.get("type"), draft_id=args.get("draft"),
                       match=args.get("match"))


@blp.route("/queue")
class Queue(MethodView):
    @blp.doc(security=SECURITY, responses=errors())
    @blp.arguments(QueueQuerySchema, location="query")
    @blp.response(200, QueuePageSchema)
    def get(self, args: dict[str, Any]) -> QueuePage:
        """Claims waiting for a checker, most urgent first: draft deadline (none last), then check-worthiness.

        Only claims of each draft's current revision; a claim whose lease ran out is waiting again. Each item
        says how many matches (earlier verdicts on the same claim) it has; `match=exact` lists only the claims
        with a fresh exact match, which a checker can clear fast by reusing it.
        """
        return list_queue(sessions(), queue_filter(args), limit=args["limit"], offset=args["offset"],
                          actor=current_actor(), shelf_life=settings().shelf_life_overrides)


@blp.route("/queue/lease")
class QueueLease(MethodView):
    @blp.doc(security=SECURITY, responses=errors({
        403: "Your role may not check claims (reporters and integrations may not)",
        409: "You hold FACTDESK_LEASE_CAP live leases already",
    }, body=True))
    @blp.arguments(QueueFilterSchema, required=False, example={"desk": "politics", "type": "money"})
    @blp.response(200, QueueItemSchema, description="The claim now leased to you, with `lease_expires_at`")
    @blp.alt_response(204, description="Nothing is left in the queue for you")
    def post(self, args: dict[str, Any]) -> ClaimView | tuple[str, int]:
        """Lease the most urgent claim you may check (checkers with a desk: that desk's drafts only).

        The lease lasts `FACTDESK_LEASE_SECONDS`; renew it, release it, or record a verdict. 409 when you
        already hold `FACTDESK_LEASE_CAP` leases. Optional filters: `type`, `draft`, `desk`.
        """
        conf = settings()
        leased = lease_next_claim(
            sessions(),
            current_actor(),
            lease_seconds=conf.lease_seconds,
            cap=conf.lease_cap,
            filters=queue_filter(args or {}),
        )
        if leased is None:
            return "", 204
        return leased
