"""One claim: recording a verdict, renewing and releasing its lease."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from flask import request
from flask.views import MethodView

from ..services.claimreview import Publisher, draft_claim_reviews
from ..services.desk_queue import load_claim_desk
from ..services.queue import release_claim, renew_lease
from ..services.read_models import ClaimView
from ..services.verdicts import RecordedVerdict, VerdictInput, record_verdict
from .auth import SECURITY, current_actor, require_token
from .desk_schemas import ClaimDetailSchema, ClaimReviewSchema, QueueItemSchema, VerdictInSchema, VerdictOutSchema
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


@blp.route("/claims/<int:claim_id>")
class ClaimById(MethodView):
    @blp.doc(security=SECURITY, responses=errors({404: "No claim with that id"}))
    @blp.response(200, ClaimDetailSchema)
    def get(self, claim_id: int) -> dict[str, Any]:
        """One claim: its values, status, draft, paragraph, every verdict on it (newest first) and its
        `matches`: earlier verdicts on the same claim in other drafts or earlier revisions, best first, at most
        5, those of drafts you may not check left out. A match past its type's shelf life is `stale`."""
        view = load_claim_desk(sessions(), current_actor(), claim_id,
                               shelf_life=settings().shelf_life_overrides)
        return {
            **{f.name: getattr(view.claim, f.name) for f in fields(ClaimView)},
            "status": view.status,
            "history": [h.verdict for h in view.history],
            "context": "".join(s.text for s in view.passage.segments),
        }


@blp.route("/claims/<int:claim_id>/verdicts")
class ClaimVerdicts(MethodView):
    @blp.doc(security=SECURITY, responses=errors({
        403: "Your role may not do this, or the claim's draft is yours",
        404: "No claim with that id",
        409: "The claim belongs to a superseded revision, or someone else holds its lease (checkers: or you "
             "hold none); `reuse_of` names a stale match (`errors.reason` `stale_match`) or a verdict since "
             "superseded (`superseded_match`)",
        422: "Invalid fields (see errors): `accurate` without a source, a rating not in the list or none without "
             "`reuse_of`, `reuse_of` not one of the claim's matches or with another rating, a text too long or "
             "one no database can store",
    }, body=True))
    @blp.arguments(VerdictInSchema, example=VERDICT_EXAMPLE)
    @blp.response(201, VerdictOutSchema)
    def post(self, data: dict[str, Any], claim_id: int) -> RecordedVerdict:
        """Record a verdict: `rating`, `note`, `sources` [{url, title, accessed_at}], optional `correction`,
        `publish` (include it in the ClaimReview export).

        The lease holder, or an editor while no one else holds the lease; never the draft's author.
        `accurate` needs a source. A new verdict supersedes the previous one; both are kept. 409 when the
        claim belongs to a superseded revision or someone else holds its lease. `reuse_of` (a match's
        `verdict_id`) records that verdict's rating and sources under the same rules, audited as
        `verdict.reused`; a stale match is refused with 409.
        """
        sources = [
            {**s, "accessed_at": s["accessed_at"].isoformat() if s.get("accessed_at") else None}
            for s in data["sources"]
        ]
        return record_verdict(
            sessions(),
            current_actor(),
            claim_id,
            VerdictInput(rating=data["rating"], note=data["note"], sources=sources, correction=data["correction"],
                         reuse_of=data["reuse_of"], publish=data["publish"]),
            shelf_life=settings().shelf_life_overrides,
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


@blp.route("/drafts/<int:draft_id>/claimreview")
class DraftClaimReview(MethodView):
    @blp.doc(security=SECURITY, responses=errors({
        404: "No draft with that id",
        409: "The draft's current text is not approved",
    }))
    @blp.response(200, ClaimReviewSchema(many=True))
    def get(self, draft_id: int) -> list[dict[str, Any]]:
        """The approved text's checks marked for publication (`publish: true`) as schema.org ClaimReview items
        (JSON-LD), for the article's page: search engines and fact-check aggregators read them. An empty list
        when none is marked; 409 while the current text is not approved."""
        conf = settings()
        publisher = Publisher(name=conf.publisher_name, url=conf.publisher_url, rating_words=dict(conf.rating_words),
                              fallback_url=f"{request.host_url}api/v1/claims/")
        return draft_claim_reviews(sessions(), draft_id, publisher)
