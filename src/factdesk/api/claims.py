"""One claim: recording a verdict, renewing and releasing its lease."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from ..services.queue import release_claim, renew_lease
from ..services.read_models import ClaimView
from ..services.verdicts import RecordedVerdict, VerdictInput, record_verdict
from .auth import SECURITY, current_actor, require_token
from .desk_schemas import QueueItemSchema, VerdictInSchema, VerdictOutSchema
from .documented import errors
from .drafts import sessions
from .parsing import Blueprint
from .queue import settings

VERDICT_EXAMPLE = {
    "rating": "accurate", "note": "Matches the council's published budget, page 4.",
    "sources": [{"url": "https://example.org/council/budget-2025.pdf", "title": "Budget 2025",
                 "accessed_at": "2025-11-20T10:30:00+00:00"}],
    "correction": None,
}

blp = Blueprint("claims", __name__, url_prefix="/api/v1", description="Verdicts and leases on one claim")
require_token(blp)


@blp.route("/claims/<int:claim_id>/verdicts")
class ClaimVerdicts(MethodView):
    @blp.doc(security=SECURITY, responses=errors({
        403: "Your role may not do this, or the claim's draft is yours",
        404: "No claim with that id",
        409: "The claim belongs to a superseded revision, or someone else holds its lease (checkers: or you "
             "hold none)",
        422: "Invalid fields (see errors): `accurate` without a source, a rating not in the list, a text too "
             "long or one no database can store",
    }, body=True))
    @blp.arguments(VerdictInSchema, example=VERDICT_EXAMPLE)
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
    @blp.doc(security=SECURITY, responses=errors({
        403: "Your role may not do this, or the claim's draft is yours",
        404: "No claim with that id",
        409: "You hold no live lease on it: it expired, or someone else holds it",
    }))
    @blp.response(200, QueueItemSchema)
    def post(self, claim_id: int) -> ClaimView:
        """Extend your live lease on the claim by `FACTDESK_LEASE_SECONDS` from now.

        409 when you hold no live lease on it (it expired, or someone else holds it).
        """
        return renew_lease(sessions(), current_actor(), claim_id, lease_seconds=settings().lease_seconds)


@blp.route("/claims/<int:claim_id>/release")
class ClaimRelease(MethodView):
    @blp.doc(security=SECURITY, responses=errors({
        403: "Your role may not do this, or the claim's draft is yours",
        404: "No claim with that id",
        409: "The claim is not leased, or (not an editor) leased by someone else",
    }))
    @blp.response(200, QueueItemSchema)
    def post(self, claim_id: int) -> ClaimView:
        """Give the claim back to the queue: your own lease, or (editors) anyone's. 409 when not leased by you."""
        return release_claim(sessions(), current_actor(), claim_id)
