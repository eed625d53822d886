"""Marshmallow schemas of the checking desk: queue, leases, verdicts, approval, gate and audit."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from ..domain.ratings import Rating, needs_source
from ..services.storage_limits import MAX_LENGTHS
from .schemas import HAS_TEXT, MAX_ID, ClaimSchema, MatchedClaimSchema, SourceSchema, StrictSchema, VerdictSchema

CLAIM_TYPES = ["date", "money", "quantity", "role", "quote", "attribution", "fact"]


class QueueFilterSchema(StrictSchema):
    desk = fields.String(load_default=None, validate=validate.Length(min=1, max=MAX_LENGTHS["desk"]),
                         metadata={"example": "politics"})
    type = fields.String(load_default=None, validate=validate.OneOf(CLAIM_TYPES), metadata={"example": "money"})
    draft = fields.Integer(load_default=None, validate=validate.Range(min=1, max=MAX_ID),
                           metadata={"description": "Only this draft's claims"})


class QueueQuerySchema(QueueFilterSchema):
    match = fields.String(load_default=None, validate=validate.OneOf(["exact"]), metadata={
        "description": "exact: only claims with a fresh exact match (an earlier verdict you may reuse)"})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=100_000))


class QueueDraftSchema(ma.Schema):
    id = fields.Integer()
    title = fields.String(allow_none=True)
    desk = fields.String(allow_none=True)
    deadline = fields.DateTime(allow_none=True)
    status = fields.String()


class QueueItemSchema(ClaimSchema):
    draft = fields.Nested(QueueDraftSchema)
    match_count = fields.Integer(allow_none=True, metadata={
        "description": "How many matches (earlier verdicts) the claim has that you may see; in GET /queue"})


class ClaimDetailSchema(MatchedClaimSchema):
    draft = fields.Nested(QueueDraftSchema)
    history = fields.List(fields.Nested(VerdictSchema), metadata={
        "description": "Every verdict on the claim and the claims it continues, newest first"})
    context = fields.String(metadata={"description": "The claim's paragraph"})


class QueuePageSchema(ma.Schema):
    items = fields.List(fields.Nested(QueueItemSchema))
    limit = fields.Integer()
    offset = fields.Integer()


class VerdictInSchema(StrictSchema):
    class Meta(StrictSchema.Meta):
        # JSON Schema can say "accurate needs a source" only with if/then (OpenAPI 3.1); this document is 3.0.
        description = ("A verdict. `accurate` needs at least one source (422 otherwise). With `reuse_of`, the "
                       "rating and sources are the reused verdict's.")

    rating = fields.String(load_default=None, validate=validate.OneOf([r.value for r in Rating]), metadata={
        "description": "accurate (needs a source), inaccurate, misleading, unverifiable (these three block "
                       "approval) or not_checkable. Required, except with `reuse_of` (then, if given, the "
                       "reused verdict's)"})
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=20_000))
    sources = fields.List(fields.Nested(SourceSchema), load_default=list, validate=validate.Length(max=50),
                          metadata={"description": "At least one when the rating is `accurate`"})
    correction = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=20_000))
    reuse_of = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=MAX_ID),
                              metadata={"description": "Reuse a match's verdict (its `verdict_id` in the claim's "
                                                       "`matches`): its rating and sources are recorded. A stale "
                                                       "match is refused (409)"})
    publish = fields.Boolean(load_default=False, metadata={
        "description": "Publish this check in the draft's ClaimReview export once the draft is approved"})

    @ma.validates_schema
    def _rating_or_reuse(self, data: dict[str, object], **_: object) -> None:
        if data.get("rating") is None and data.get("reuse_of") is None:
            raise ma.ValidationError("a rating is required unless reuse_of names a match", "rating")

    @ma.validates_schema
    def _accurate_needs_source(self, data: dict[str, object], **_: object) -> None:
        if data.get("reuse_of") is not None:
            return  # the reused verdict's sources are recorded
        if (
            data.get("rating") in {r.value for r in Rating}
            and needs_source(str(data["rating"]))
            and not data.get("sources")
        ):
            raise ma.ValidationError("at least one source is required for 'accurate'", "sources")


class VerdictOutSchema(VerdictSchema):
    claim_id = fields.Integer()
    claim_status = fields.String()
    draft_status = fields.String()


class OverrideInSchema(StrictSchema):
    claim_id = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_ID))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=5000), metadata={
        "description": "Why the blocking verdict does not stop publication; must hold text", "pattern": HAS_TEXT})

    @ma.validates("reason")
    def _written(self, value: str, **_: object) -> None:
        if not value.strip():
            raise ma.ValidationError("an override needs a written reason")


class ApproveInSchema(StrictSchema):
    content_hash = fields.String(
        load_default=None,
        validate=validate.Length(equal=64),
        metadata={"description": "The hash of the text the editor read; 409 when it is no longer current"},
    )
    overrides = fields.List(fields.Nested(OverrideInSchema), load_default=list, validate=validate.Length(max=500),
                            metadata={"description": "One per blocking claim: a claim_id appears at most once "
                                                     "(422 otherwise)"})

    @ma.validates("overrides")
    def _once_each(self, value: list[dict[str, object]], **_: object) -> None:
        ids = [o.get("claim_id") for o in value if isinstance(o, dict) and o.get("claim_id") is not None]
        if len(ids) != len(set(ids)):
            raise ma.ValidationError("each claim may be overridden once")


class GateQuerySchema(StrictSchema):
    content_hash = fields.String(load_default=None, validate=validate.Length(min=1, max=64), metadata={
        "description": "The SHA-256 of the text the CMS is about to publish (a revision's content_hash)",
        "example": "3f5a0c8e9b1d2e4f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f"})


class DocumentGateQuerySchema(GateQuerySchema):
    source_version = fields.String(load_default=None, validate=validate.Length(min=1, max=200), metadata={
        "description": "The CMS's version of the text it is about to publish (Strapi's updatedAt, Directus's "
                       "date_updated...), when it cannot hash it: a version factdesk has not received is not_current",
        "example": "2026-11-28T12:01:37.847Z"})


class GateSchema(ma.Schema):
    publishable = fields.Boolean()
    revision = fields.Integer(allow_none=True, metadata={"description": "The number of the revision with that text"})
    content_hash = fields.String()
    blockers = fields.List(fields.Integer(), metadata={"description": "Ids of the current claims that block"})
    reason = fields.String(metadata={"description": "approved, not_current, not_approved or blockers"})
    current_revision = fields.Integer(allow_none=True)


class AuditQuerySchema(StrictSchema):
    after_id = fields.Integer(load_default=0, validate=validate.Range(min=0, max=MAX_ID),
                              metadata={"description": "Only events after this one (page on with the last id seen)"})
    limit = fields.Integer(load_default=200, validate=validate.Range(min=1, max=1000))


class AuditEventSchema(ma.Schema):
    id = fields.Integer()
    time = fields.DateTime(attribute="created_at")
    actor = fields.String()
    actor_id = fields.Integer(allow_none=True)
    action = fields.String()
    revision_id = fields.Integer(allow_none=True)
    claim_id = fields.Integer(allow_none=True)
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)


class DocumentGateSchema(GateSchema):
    draft_id = fields.Integer(metadata={"description": "factdesk's id of the document's draft (its desk page: "
                                                      "/desk/drafts/{draft_id})"})


def _ld(name: str, field: fields.Field) -> fields.Field:
    """A JSON-LD keyword (`@type`) as a schema field."""
    field.attribute = field.data_key = name
    return field


class ClaimReviewSchema(ma.Schema):
    """A schema.org ClaimReview (JSON-LD), as Google's fact-check markup reads it."""

    context = _ld("@context", fields.String(metadata={"example": "https://schema.org"}))
    type = _ld("@type", fields.String(metadata={"example": "ClaimReview"}))
    url = fields.String(metadata={"description": "The article's URL (with #claim-ID) when the CMS gave one"})
    claimReviewed = fields.String(metadata={"description": "The claim's sentence"})
    datePublished = fields.String(metadata={"description": "When the check was published (the approval's date)"})
    author = fields.Dict(metadata={"description": "The newsroom: FACTDESK_PUBLISHER_NAME, FACTDESK_PUBLISHER_URL"})
    reviewRating = fields.Dict(metadata={
        "description": "ratingValue (1 false .. 5 true), bestRating 5, worstRating 1, alternateName"})
    itemReviewed = fields.Dict(metadata={
        "description": "The Claim: its author (the speaker, where it has one), appearance (the article), "
                       "datePublished"})
