"""Marshmallow schemas: the API's request and response bodies."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from ..domain.states import DraftStatus
from ..services.errors import Invalid
from ..services.storable import PROBLEM as UNSTORABLE
from ..services.storable import storable
from ..services.storage_limits import DATE_RANGE, MAX_LENGTHS, check_fields
from . import MAX_ID  # ids are INTEGER columns: an id (or an offset) past it names nothing


class StrictSchema(ma.Schema):
    """The base of every schema the API loads a request with (JSON bodies and query strings alike, and the desk's
    verdict form): unknown fields are refused, and so is text a database cannot store, in any field at any
    depth (services.storable), as a 422 naming the field. Let through, a NUL or half a surrogate pair in a
    verdict's note, a source's title, an override's reason or a filter reached PostgreSQL and was a 500."""

    class Meta:
        unknown = ma.RAISE

    @ma.pre_load
    def _storable_text(self, data: Any, **_: object) -> Any:
        problems = _unstorable(data)
        if problems:
            raise ma.ValidationError(problems)
        return data


def _unstorable(value: Any) -> Any:
    """marshmallow's error messages for the text in `value` (loaded JSON or a query string) that a database
    cannot store, keyed by field name and list index as marshmallow keys them; None when there is none."""
    if isinstance(value, str):
        return None if storable(value) else [UNSTORABLE]
    if isinstance(value, Mapping):
        items: Iterable[tuple[Any, Any]] = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    found = {key: problem for key, item in items if (problem := _unstorable(item))}
    return found or None


# JSON Schema's way of saying what `_has_text` checks: at least one character that is not whitespace.
HAS_TEXT = r"\S"
OFFSET = validate.Range(min=0, max=MAX_ID)


class DraftInSchema(StrictSchema):
    external_id = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(min=1, max=MAX_LENGTHS["external_id"]),
        metadata={"description": "The newsroom's id; posting the same id again adds a revision"},
    )
    title = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=MAX_LENGTHS["title"]))
    body = fields.String(required=True, metadata={
        "description": "The article text. It must hold text: not only whitespace, nor (html, markdown) only markup. "
                       "At most FACTDESK_MAX_BODY_BYTES with the rest of the request",
        "minLength": 1, "pattern": HAS_TEXT})
    format = fields.String(load_default="text", validate=validate.OneOf(["text", "html", "markdown"]))
    desk = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=MAX_LENGTHS["desk"]))
    deadline = fields.AwareDateTime(load_default=None, allow_none=True, default_timezone=UTC,
                                    metadata={"description": f"When the draft is due; {DATE_RANGE} in UTC"})
    reference_date = fields.Date(
        load_default=None, allow_none=True,
        metadata={"description": "The date relative dates ('on Thursday') are read against; default today; "
                                 + DATE_RANGE},
    )
    url = fields.Url(
        load_default=None, allow_none=True, schemes={"http", "https"}, validate=validate.Length(max=MAX_LENGTHS["url"]),
        metadata={"description": "Where the article is (or will be) read: the ClaimReview export's `appearance`"},
    )

    @ma.validates("body")
    def _has_text(self, value: str, **_: object) -> None:
        if not value.strip():
            raise ma.ValidationError("must contain text, not only whitespace")

    @ma.validates_schema
    def _storable(self, data: dict[str, object], **_: object) -> None:
        # The one check of what the database and later steps can take, as the hook and the services make it.
        try:
            check_fields(data)
        except Invalid as exc:
            raise ma.ValidationError(exc.details) from None


class RevisionSchema(ma.Schema):
    id = fields.Integer()
    number = fields.Integer()
    content_hash = fields.String()
    format = fields.String()
    created_at = fields.DateTime()
    extracted_at = fields.DateTime(allow_none=True)
    extraction = fields.Method("_extraction")

    def _extraction(self, revision) -> str:
        return "done" if revision.extracted_at else "pending"


class RevisionDetailSchema(RevisionSchema):
    title = fields.String(allow_none=True)
    text = fields.String()
    source_version = fields.String(allow_none=True)


class PublicationBlockerSchema(ma.Schema):
    claim_id = fields.Integer()
    reason = fields.String(metadata={"description": "Why the claim held the text back: open, blocking, ..."})
    sentence = fields.String(allow_none=True)


class PublicationSchema(ma.Schema):
    id = fields.Integer()
    action = fields.String(metadata={"description": "published or unpublished"})
    revision_id = fields.Integer(allow_none=True, metadata={"description": "The revision whose text went out"})
    revision = fields.Integer(allow_none=True, metadata={"description": "That revision's number"})
    content_hash = fields.String(allow_none=True, metadata={"description": "The hash of the text published"})
    source_version = fields.String(allow_none=True)
    event = fields.String(allow_none=True, metadata={"description": "The CMS's event that said so"})
    approved = fields.Boolean(allow_none=True,
                              metadata={"description": "Whether the gate had cleared that text at that moment"})
    reason = fields.String(allow_none=True, metadata={"description": "The gate's answer: approved, not_approved, "
                                                                     "not_current or blockers"})
    blockers = fields.List(fields.Nested(PublicationBlockerSchema))
    published_at = fields.DateTime(metadata={"description": "When, by the CMS's clock where it gave one"})
    recorded_at = fields.DateTime()
    revert = fields.String(allow_none=True, metadata={
        "description": "Taking unapproved text down: null (not asked), requested, done or failed"})
    revert_attempts = fields.Integer()


class ClaimCountsSchema(ma.Schema):
    total = fields.Integer()
    by_status = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_type = fields.Dict(keys=fields.String(), values=fields.Integer())


class ApprovalSchema(ma.Schema):
    id = fields.Integer()
    revision_id = fields.Integer()
    revision = fields.Integer(allow_none=True, metadata={"description": "The approved revision's number"})
    content_hash = fields.String(metadata={"description": "The approved text's hash; no other text is approved"})
    current = fields.Boolean(metadata={"description": "Whether the approved revision is still the current one"})
    editor_id = fields.Integer(allow_none=True)
    editor = fields.String(allow_none=True)
    overrides = fields.List(fields.Dict(), metadata={"description": "{claim_id, reason, rating} per override"})
    created_at = fields.DateTime()


class DraftSchema(ma.Schema):
    id = fields.Integer()
    source = fields.String()
    external_id = fields.String(allow_none=True)
    title = fields.String(allow_none=True)
    desk = fields.String(allow_none=True)
    deadline = fields.DateTime(allow_none=True)
    reference_date = fields.Date(allow_none=True)
    url = fields.String(attribute="article_url", allow_none=True,
                        metadata={"description": "Where the article is read, as its CMS or submitter last said"})
    status = fields.String()
    author_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    current_revision = fields.Nested(RevisionSchema, allow_none=True)
    claim_counts = fields.Nested(ClaimCountsSchema)
    approval = fields.Nested(ApprovalSchema, allow_none=True, metadata={"description": "The latest approval"})


class DraftListQuerySchema(StrictSchema):
    status = fields.String(load_default=None, validate=validate.OneOf([s.value for s in DraftStatus]),
                           metadata={"example": "in_review"})
    desk = fields.String(load_default=None, validate=validate.Length(min=1, max=MAX_LENGTHS["desk"]),
                         metadata={"example": "politics"})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=OFFSET)


class DraftPageSchema(ma.Schema):
    items = fields.List(fields.Nested(DraftSchema))
    total = fields.Integer()
    limit = fields.Integer()
    offset = fields.Integer()


class SourceSchema(StrictSchema):
    url = fields.Url(required=True, schemes={"http", "https"})
    title = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))
    accessed_at = fields.AwareDateTime(load_default=None, allow_none=True, default_timezone=UTC)


class VerdictSchema(ma.Schema):
    id = fields.Integer()
    rating = fields.String()
    note = fields.String(allow_none=True)
    sources = fields.List(fields.Dict())
    correction = fields.String(allow_none=True)
    checker_id = fields.Integer(allow_none=True)
    checker = fields.String(allow_none=True)
    carried_over = fields.Boolean()
    reuse_of = fields.Integer(allow_none=True, metadata={
        "description": "The verdict first checked, when this one reuses a match's (the fact memory)"})
    publish = fields.Boolean(metadata={"description": "In the draft's ClaimReview export once approved"})
    created_at = fields.DateTime()
    time = fields.DateTime(metadata={"description": "When the verdict was recorded"})


class MatchSchema(ma.Schema):
    kind = fields.String(metadata={"description": "exact (same type and values) or near (similar text, shared "
                                                  "entities)", "enum": ["exact", "near"]})
    similarity = fields.Float(metadata={"description": "1.0 for an exact match"})
    stale = fields.Boolean(metadata={"description": "Past its type's shelf life: shown, never reusable"})
    reusable = fields.Boolean(metadata={"description": "May be reused: POST /claims/{id}/verdicts with reuse_of"})
    fresh_until = fields.DateTime(allow_none=True, metadata={"description": "When it goes stale; null: never"})
    claim_id = fields.Integer(metadata={"description": "The earlier claim"})
    claim_text = fields.String()
    claim_type = fields.String()
    draft_id = fields.Integer()
    draft_title = fields.String(allow_none=True)
    verdict_id = fields.Integer(metadata={"description": "The earlier claim's latest verdict: pass it as reuse_of"})
    rating = fields.String()
    note = fields.String(allow_none=True)
    sources = fields.List(fields.Dict())
    checker_id = fields.Integer(allow_none=True)
    checker = fields.String(allow_none=True)
    date = fields.DateTime(metadata={"description": "When it was checked"})


class ClaimSchema(ma.Schema):
    id = fields.Integer()
    draft_id = fields.Integer()
    revision_id = fields.Integer()
    type = fields.String()
    start = fields.Integer()
    end = fields.Integer()
    spans = fields.List(fields.List(fields.Integer()))
    text = fields.String()
    sentence = fields.String()
    normalized = fields.Dict()
    score = fields.Float()
    reasons = fields.List(fields.String())
    fingerprint = fields.String()
    status = fields.String()
    leased_by_id = fields.Integer(allow_none=True)
    lease_expires_at = fields.DateTime(allow_none=True)
    previous_claim_id = fields.Integer(allow_none=True)
    verdict = fields.Nested(VerdictSchema, allow_none=True)


class MatchedClaimSchema(ClaimSchema):
    matches = fields.List(fields.Nested(MatchSchema), metadata={
        "description": "Earlier verdicts that fit the claim, best first, at most 5 (the fact memory)"})


class ClaimListSchema(ma.Schema):
    draft_id = fields.Integer()
    revision = fields.Nested(RevisionSchema, allow_none=True)
    items = fields.List(fields.Nested(MatchedClaimSchema))


class WebhookSaveResultSchema(ma.Schema):
    external_id = fields.String(metadata={"description": "The CMS's document id (Contentful: `<entry>/<locale>`)"})
    outcome = fields.String(metadata={"description": "accepted (stored; becomes the draft's newest revision), "
                                      "unchanged, stale (stored as history) or duplicate (nothing stored)"})
    receipt = fields.Integer(allow_none=True, metadata={"description": "The stored save's inbox id; null for a "
                                                        "duplicate"})


class WebhookResultSchema(ma.Schema):
    status = fields.String(metadata={"description": "accepted, unchanged, duplicate, stale or ignored"})
    saves = fields.List(fields.Nested(WebhookSaveResultSchema))


class DeliveryQuerySchema(StrictSchema):
    # Integration names have 1 to 100 characters (services.integrations.add_integration).
    integration = fields.String(load_default=None, validate=validate.Length(min=1, max=100),
                                metadata={"example": "ghost"})
    draft_id = fields.Integer(load_default=None, validate=validate.Range(min=1, max=MAX_ID))
    status = fields.String(load_default=None, validate=validate.OneOf(["pending", "delivered", "failed"]))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=OFFSET)


class DeliveryAttemptSchema(ma.Schema):
    at = fields.String()
    status_code = fields.Integer(allow_none=True)
    error = fields.String(allow_none=True)
    ms = fields.Integer()


class DeliverySchema(ma.Schema):
    id = fields.Integer()
    event_id = fields.String(metadata={"description": "The idempotency key the receiver sees on every attempt"})
    event = fields.String()
    integration = fields.String()
    draft_id = fields.Integer(allow_none=True)
    url = fields.String()
    status = fields.String(metadata={"description": "pending, delivered or failed"})
    attempts = fields.Integer()
    log = fields.List(fields.Nested(DeliveryAttemptSchema))
    last_error = fields.String(allow_none=True)
    payload = fields.Dict()
    created_at = fields.DateTime()
    delivered_at = fields.DateTime(allow_none=True)


class DeliveryPageSchema(ma.Schema):
    items = fields.List(fields.Nested(DeliverySchema))
    total = fields.Integer()
    limit = fields.Integer()
    offset = fields.Integer()
