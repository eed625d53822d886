"""Drafts: submit a draft or a new revision, list and read drafts, their claims, revisions and publications."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import current_app, url_for
from flask.views import MethodView

from ..services import drafts as drafts_service
from ..services.read_models import DraftClaims as ClaimList
from ..services.read_models import DraftPage, DraftView, PublicationView, RevisionView
from ..services.revisions import Submission
from .auth import SECURITY, current_actor, require_token
from .documented import errors
from .parsing import Blueprint
from .schemas import (
    ClaimListSchema,
    DraftInSchema,
    DraftListQuerySchema,
    DraftPageSchema,
    DraftSchema,
    PublicationSchema,
    RevisionDetailSchema,
)

if TYPE_CHECKING:
    from ..db import Sessions

DRAFT_EXAMPLE = {
    "external_id": "cms-4711", "title": "Council budget", "format": "text", "desk": "politics",
    "body": "The council approved a $3 million budget on Thursday, its chair Ana Ruiz said.",
    "deadline": "2025-11-21T17:00:00+00:00", "reference_date": "2025-11-20",
}

blp = Blueprint("drafts", __name__, url_prefix="/api/v1", description="Drafts, revisions and their claims")
require_token(blp)


def sessions() -> Sessions:
    """The app's session factory, handed to every service the API calls."""
    return current_app.extensions["factdesk"].sessions


@blp.route("/drafts")
class Drafts(MethodView):
    @blp.doc(security=SECURITY, responses=errors())
    @blp.arguments(DraftListQuerySchema, location="query")
    @blp.response(200, DraftPageSchema)
    def get(self, args: dict[str, Any]) -> DraftPage:
        """List drafts, newest first, optionally by status or desk."""
        return drafts_service.list_drafts(sessions(), **args)

    @blp.doc(security=SECURITY, responses=errors({
        403: "Your role may not submit drafts, or you may not revise the draft with this external_id",
        422: "Invalid fields (see errors): unknown ones, a body with no text, a field longer than its column, a "
             "deadline or reference date outside 0002-01-01..9998-12-31 in UTC, text no database can store",
    }, body=True))
    @blp.arguments(DraftInSchema, example=DRAFT_EXAMPLE)
    @blp.response(202, DraftSchema, description="Accepted; claims are extracted in the background")
    @blp.alt_response(200, schema=DraftSchema, description="Same text as the current revision: nothing new")
    def post(self, data: dict[str, Any]):
        """Submit a draft, or a new revision of the draft with the same `external_id`.

        Answers 202 with a Location once the text is stored; extraction runs in a worker. A revision of an
        existing draft is taken only from its authors (whoever submitted one of its revisions) and editors of
        its desk (an editor without a desk: any desk); anyone else gets 403 (`errors.reason` `not_author` or
        `desk`) and nothing is stored. Whoever submits a revision becomes an author: they may no longer check
        the draft's claims or approve it.
        """
        submitted = drafts_service.submit_draft(sessions(), current_actor(), Submission(**data))
        status = 202 if submitted.created_revision else 200
        return submitted.draft, status, {"Location": url_for("drafts.DraftById", draft_id=submitted.draft.id)}


@blp.route("/drafts/<int:draft_id>")
class DraftById(MethodView):
    @blp.doc(security=SECURITY, responses=errors({404: "No draft with that id"}))
    @blp.response(200, DraftSchema)
    def get(self, draft_id: int) -> DraftView:
        """A draft: status, current revision and claim counts."""
        return drafts_service.get_draft(sessions(), draft_id)


@blp.route("/drafts/<int:draft_id>/claims")
class DraftClaims(MethodView):
    @blp.doc(security=SECURITY, responses=errors({404: "No draft with that id"}))
    @blp.response(200, ClaimListSchema)
    def get(self, draft_id: int) -> ClaimList:
        """The current revision's claims in text order, with spans, values, status, latest verdict and
        `matches`: earlier verdicts that fit each claim, best first, at most 5 (see GET /claims/{id})."""
        return drafts_service.list_draft_claims(
            sessions(), draft_id, actor=current_actor(),
            shelf_life=current_app.extensions["factdesk"].settings.shelf_life_overrides)


@blp.route("/drafts/<int:draft_id>/revisions")
class DraftRevisions(MethodView):
    @blp.doc(security=SECURITY, responses=errors({404: "No draft with that id"}))
    @blp.response(200, RevisionDetailSchema(many=True))
    def get(self, draft_id: int) -> list[RevisionView]:
        """Every revision of a draft, oldest first."""
        return drafts_service.list_revisions(sessions(), draft_id)


@blp.route("/drafts/<int:draft_id>/publications")
class DraftPublications(MethodView):
    @blp.doc(security=SECURITY, responses=errors({404: "No draft with that id"}))
    @blp.response(200, PublicationSchema(many=True))
    def get(self, draft_id: int) -> list[PublicationView]:
        """Every time the draft's CMS said its text went out or came down, newest first, with the gate's answer
        for that text at that moment (`approved`, `reason`, `blockers`) and whether factdesk asked the CMS to
        take unapproved text down (`revert`). Empty for a draft no CMS published."""
        return drafts_service.list_publications(sessions(), draft_id)

