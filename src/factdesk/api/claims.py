"""One claim: recording a verdict, renewing and releasing its lease."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..db import unit_of_work
from ..models import Claim
from ..services.drafts import get_draft
from ..services.queue import release_claim, renew_lease
from ..services.verdicts import VerdictInput, record_verdict
from .auth import SECURITY, current_actor, require_token
from .desk_schemas import QueueItemSchema, VerdictInSchema, VerdictOutSchema
from .drafts import user_names, verdict_view
from .queue import queue_item_view, sessions, settings

blp = Blueprint("claims", __name__, url_prefix="/api/v1", description="Verdicts and leases on one claim")
require_token(blp)


@blp.route("/claims/<int:claim_id>/verdicts")
class ClaimVerdicts(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(VerdictInSchema)
    @blp.response(201, VerdictOutSchema)
    def post(self, data: dict[str, Any], claim_id: int) -> dict[str, Any]:
        """Record a verdict: `rating`, `note`, `sources` [{url, title, accessed_at}], optional `correction`.

        The lease holder, or an editor while no one else holds the lease; never the draft's author.
        `accurate` needs a source. A new verdict supersedes the previous one; both are kept. 409 when the
        claim belongs to a superseded revision or someone else holds its lease.
        """
        sources = [
            {**s, "accessed_at": s["accessed_at"].isoformat() if s.get("accessed_at") else None}
            for s in data["sources"]
        ]
        with unit_of_work(sessions()) as session:
            verdict = record_verdict(
                session,
                current_actor(),
                claim_id,
                VerdictInput(rating=data["rating"], note=data["note"], sources=sources, correction=data["correction"]),
            )
            claim = session.get_one(Claim, claim_id)
            checkers = user_names(session, {verdict.checker_id} if verdict.checker_id else set())
            view = verdict_view(verdict, checkers) or {}
            return {
                **view,
                "claim_id": claim.id,
                "claim_status": claim.status,
                "draft_status": get_draft(session, claim.draft_id).status,
            }


@blp.route("/claims/<int:claim_id>/renew")
class ClaimRenew(MethodView):
    @blp.doc(security=SECURITY)
    @blp.response(200, QueueItemSchema)
    def post(self, claim_id: int) -> dict[str, Any]:
        """Extend your live lease on the claim by `FACTDESK_LEASE_SECONDS` from now.

        409 when you hold no live lease on it (it expired, or someone else holds it).
        """
        with unit_of_work(sessions()) as session:
            claim, draft = renew_lease(session, current_actor(), claim_id, lease_seconds=settings().lease_seconds)
            return queue_item_view(claim, draft)


@blp.route("/claims/<int:claim_id>/release")
class ClaimRelease(MethodView):
    @blp.doc(security=SECURITY)
    @blp.response(200, QueueItemSchema)
    def post(self, claim_id: int) -> dict[str, Any]:
        """Give the claim back to the queue: your own lease, or (editors) anyone's. 409 when not leased by you."""
        with unit_of_work(sessions()) as session:
            claim = release_claim(session, current_actor(), claim_id)
            return queue_item_view(claim, get_draft(session, claim.draft_id))
