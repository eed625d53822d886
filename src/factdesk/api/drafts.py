"""Drafts: submit a draft or a new revision, list and read drafts, their claims and revisions."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..db import unit_of_work
from ..models import Claim, Draft, Revision, User, Verdict
from ..services import drafts as drafts_service
from ..services.approvals import latest_approval
from ..services.drafts import Submission
from .auth import SECURITY, current_actor, require_token
from .schemas import (
    ClaimListSchema,
    DraftInSchema,
    DraftListQuerySchema,
    DraftPageSchema,
    DraftSchema,
    RevisionDetailSchema,
)

blp = Blueprint("drafts", __name__, url_prefix="/api/v1", description="Drafts, revisions and their claims")
require_token(blp)


def _sessions():  # type: ignore[no-untyped-def]
    return current_app.extensions["factdesk"].sessions


def draft_view(session: Session, draft: Draft) -> dict[str, Any]:
    return {
        "id": draft.id,
        "source": draft.source,
        "external_id": draft.external_id,
        "title": draft.title,
        "desk": draft.desk,
        "deadline": draft.deadline,
        "reference_date": draft.reference_date,
        "status": draft.status,
        "author_id": draft.author_id,
        "created_at": draft.created_at,
        "updated_at": draft.updated_at,
        "current_revision": draft.current_revision,
        "claim_counts": drafts_service.claim_counts(session, draft.current_revision_id),
        "approval": approval_view(session, draft),
    }


def approval_view(session: Session, draft: Draft) -> dict[str, Any] | None:
    approval = latest_approval(session, draft.id)
    if approval is None:
        return None
    revision = session.get(Revision, approval.revision_id)
    return {
        "id": approval.id,
        "revision_id": approval.revision_id,
        "revision": revision.number if revision else None,
        "content_hash": approval.content_hash,
        "current": approval.revision_id == draft.current_revision_id,
        "editor_id": approval.editor_id,
        "editor": user_names(session, {approval.editor_id}).get(approval.editor_id) if approval.editor_id else None,
        "overrides": approval.overrides,
        "created_at": approval.created_at,
    }


def verdict_view(verdict: Verdict | None, checkers: dict[int, str]) -> dict[str, Any] | None:
    if verdict is None:
        return None
    return {
        "id": verdict.id,
        "rating": verdict.rating,
        "note": verdict.note,
        "sources": verdict.sources,
        "correction": verdict.correction,
        "checker_id": verdict.checker_id,
        "checker": checkers.get(verdict.checker_id) if verdict.checker_id else None,
        "carried_over": verdict.carried_from_id is not None,
        "created_at": verdict.created_at,
        "time": verdict.created_at,
    }


def claim_view(claim: Claim, verdict: Verdict | None, checkers: dict[int, str]) -> dict[str, Any]:
    return {
        **{k: getattr(claim, k) for k in (
            "id", "draft_id", "revision_id", "type", "start", "end", "spans", "text", "sentence",
            "normalized", "score", "reasons", "fingerprint", "status", "leased_by_id", "lease_expires_at",
            "previous_claim_id",
        )},
        "verdict": verdict_view(verdict, checkers),
    }


def user_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {u.id: u.name for u in session.query(User).filter(User.id.in_(ids))}


@blp.route("/drafts")
class Drafts(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(DraftListQuerySchema, location="query")
    @blp.response(200, DraftPageSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List drafts, newest first, optionally by status or desk."""
        with unit_of_work(_sessions()) as session:
            page = drafts_service.list_drafts(session, **args)
            return {
                "items": [draft_view(session, d) for d in page.items],
                "total": page.total,
                "limit": args["limit"],
                "offset": args["offset"],
            }

    @blp.doc(security=SECURITY)
    @blp.arguments(DraftInSchema)
    @blp.response(202, DraftSchema, description="Accepted; claims are extracted in the background")
    @blp.alt_response(200, schema=DraftSchema, description="Same text as the current revision: nothing new")
    def post(self, data: dict[str, Any]):  # type: ignore[no-untyped-def]
        """Submit a draft, or a new revision of the draft with the same `external_id`.

        Answers 202 with a Location once the text is stored; extraction runs in a worker.
        """
        submission = Submission(**data)
        for attempt in (1, 2):
            try:
                with unit_of_work(_sessions()) as session:
                    result = drafts_service.submit_draft(session, current_actor(), submission)
                    body = draft_view(session, result.draft)
                break
            except IntegrityError:
                # Two first submissions of one external_id raced; the second becomes a revision.
                if attempt == 2:
                    raise
        status = 202 if result.created_revision else 200
        location = url_for("drafts.DraftById", draft_id=result.draft.id)
        return body, status, {"Location": location}


@blp.route("/drafts/<int:draft_id>")
class DraftById(MethodView):
    @blp.doc(security=SECURITY)
    @blp.response(200, DraftSchema)
    def get(self, draft_id: int) -> dict[str, Any]:
        """A draft: status, current revision and claim counts."""
        with unit_of_work(_sessions()) as session:
            return draft_view(session, drafts_service.get_draft(session, draft_id))


@blp.route("/drafts/<int:draft_id>/claims")
class DraftClaims(MethodView):
    @blp.doc(security=SECURITY)
    @blp.response(200, ClaimListSchema)
    def get(self, draft_id: int) -> dict[str, Any]:
        """The current revision's claims in text order, with spans, values, status and latest verdict."""
        with unit_of_work(_sessions()) as session:
            draft, rows = drafts_service.list_claims(session, draft_id)
            checkers = user_names(session, {v.checker_id for _, v in rows if v and v.checker_id})
            return {
                "draft_id": draft.id,
                "revision": draft.current_revision,
                "items": [claim_view(c, v, checkers) for c, v in rows],
            }


@blp.route("/drafts/<int:draft_id>/revisions")
class DraftRevisions(MethodView):
    @blp.doc(security=SECURITY)
    @blp.response(200, RevisionDetailSchema(many=True))
    def get(self, draft_id: int):  # type: ignore[no-untyped-def]
        """Every revision of a draft, oldest first."""
        with unit_of_work(_sessions()) as session:
            return drafts_service.list_revisions(session, draft_id)
