"""Approving a draft's current revision, and the publish gate the CMS asks before it publishes."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from ..services.approvals import GateResult, approve_draft, check_document_gate, check_gate
from ..services.read_models import ApprovalView
from .auth import SECURITY, current_actor, require_token
from .desk_schemas import (
    ApproveInSchema,
    DocumentGateQuerySchema,
    DocumentGateSchema,
    GateQuerySchema,
    GateSchema,
)
from .documented import errors
from .drafts import sessions
from .parsing import Blueprint
from .schemas import ApprovalSchema

blp = Blueprint("approvals", __name__, url_prefix="/api/v1", description="Approval and the publish gate")
require_token(blp)


@blp.route("/drafts/<int:draft_id>/approve")
class DraftApprove(MethodView):
    @blp.doc(security=SECURITY, responses=errors({
        403: "Only editors and admins approve, and never the draft's author",
        404: "No draft with that id",
        409: "The text changed since `content_hash` (errors.reason stale_revision), or claims block it "
             "(errors.blockers: their ids)",
        422: "Invalid fields (see errors): an override of a claim that is not the approved revision's or does "
             "not block, a claim overridden twice, an empty reason, text no database can store",
    }, body=True))
    @blp.arguments(ApproveInSchema, required=False, example={
        "content_hash": "3f5a0c8e9b1d2e4f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f",
        "overrides": [{"claim_id": 12, "reason": "The figure is the council's own; the correction ran on page 2."}],
    })
    @blp.response(201, ApprovalSchema)
    def post(self, data: dict[str, Any] | None, draft_id: int) -> ApprovalView:
        """Approve the current revision (editors; never the draft's author). An empty body will do.

        409 with `errors.blockers` (claim ids) unless every claim has a verdict and none blocks, or each
        blocking verdict is overridden: `overrides` [{claim_id, reason}]. The approval is bound to the
        revision's content hash; `content_hash`, when sent, must still be the current text's (409 otherwise).
        """
        data = data or {}
        overrides = {o["claim_id"]: o["reason"] for o in data.get("overrides") or []}
        return approve_draft(sessions(), current_actor(), draft_id, overrides=overrides,
                             content_hash=data.get("content_hash"))


@blp.route("/drafts/<int:draft_id>/gate")
class DraftGate(MethodView):
    @blp.doc(security=SECURITY, responses=errors({404: "No draft with that id"}))
    @blp.arguments(GateQuerySchema, location="query")
    @blp.response(200, GateSchema)
    def get(self, args: dict[str, Any], draft_id: int) -> GateResult:
        """May this text be published? `{publishable, revision, content_hash, blockers}`.

        Only the approved current text is publishable; any other `content_hash` (an edit made after the
        approval, an older revision) is not. Without `content_hash`, answers for the current revision.
        """
        return check_gate(sessions(), draft_id, args.get("content_hash"))


@blp.route("/integrations/<string:integration>/documents/<path:external_id>/gate")
class DocumentGate(MethodView):
    @blp.doc(security=SECURITY, responses=errors({404: "No draft of that document from that integration"}))
    @blp.arguments(DocumentGateQuerySchema, location="query")
    @blp.response(200, DocumentGateSchema)
    def get(self, args: dict[str, Any], integration: str, external_id: str) -> dict[str, Any]:
        """The gate of a CMS document, by the CMS's own id: what a CMS asks before it publishes.

        As `GET /drafts/{id}/gate`, plus `draft_id`. `content_hash`, or else `source_version` (the CMS's
        version of the text, when it cannot hash it), names the text; without either, the current one.
        """
        found = check_document_gate(sessions(), integration, external_id, content_hash=args.get("content_hash"),
                                    source_version=args.get("source_version"))
        return {**found.gate.__dict__, "draft_id": found.draft_id}
