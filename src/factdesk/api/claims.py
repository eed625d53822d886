"""One claim: recording a verdict, renewing and releasing its lease."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from ..services.queue import release_claim, renew_lease
from ..services.read_models import ClaimView
from ..services.verdicts import RecordedVerdict, VerdictInput, record_verdict
from .auth import SECURITY, current_actor, require_token
from .desk_schemas import QueueItemSchema, VerdictInSchema, VerdictOutSchema
from .drafts import sessions
from .parsing import Blueprint
from .queue import settings

blp = Blueprint("claims", __name__, url_prefix="/api/v1", description="Verdicts and leases on one claim")
require_token(blp)


@blp.route("/claims/<int:claim_id>/verdicts")
class ClaimVerdicts(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(VerdictInSchema)
    @blp.response(201, VerdictOutSchema)
    def post(self, data: dict[str, Any], claim_id: int) -> RecordedVerdict:
        """Record a verdict: `rating`, `note`, `sources` [{url, title, accessed_at}], optional `correction`.

        The lease holder, or an editor while no one else holds the lease; never the draft's author.
        `accurate` needs a source. A new verdict supersedes the previous one; both are kept. 409 when the
        claim belongs to a superseded revision or someone else holds its lease.
        """
        sources = [
            {**s, "accessed_at": s["accessed_at"].isoformat() if s.get("accessed_at") else None}
            for s in data["sources"]
        ]
        return record_verdict(
            sessions(),
            current_actor(),
            claim_id,
            VerdictInput(rating=data["rating"], note=data["note"], sources=sources, correction=data["correction"]),
        )


@blp.route("/claims/<int:claim_id>/renew")
class ClaimRenew(MethodView):
    @blp.doc(security=SECURITY)
    @blp.response(200, QueueItemSchema)
    def post(self, claim_id: int) -> ClaimView:
        """Extend your live lease on the claim by `FACTDESK_LEASE_SECONDS` from now.

        409 when you hold no live lease on it (it expired, or someone else holds it).
        """
        return renew_lease(sessions(), current_actor(), claim_id, lease_seconds=settings().lease_seconds)


@blp.route("/claims/<int:claim_id>/release")
class ClaimRelease(MethodView):
    @blp.doc(security=SECURITY)
    @blp.response(200, QueueItemSchema)
    def post(self, claim_id: int) -> ClaimView:
        """Give the claim back to the queue: your own lease, or (editors) anyone's. 409 when not leased by you."""
        return release_claim(sessions(), current_actor(), claim_id)
