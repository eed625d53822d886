"""Schemas of the CMS inbox listing (GET /api/v1/inbox)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from ..services.inbox_log import STATES
from .schemas import OFFSET, StrictSchema


class InboxQuerySchema(StrictSchema):
    state = fields.String(load_default=None, validate=validate.OneOf(STATES),
                          metadata={"description": "waiting (for the drain), placed or rejected"})
    integration = fields.String(load_default=None, validate=validate.Length(min=1, max=100),
                                metadata={"description": "The integration's name", "example": "ghost"})
    external_id = fields.String(load_default=None, validate=validate.Length(min=1, max=200),
                                metadata={"description": "The CMS's id of the document"})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=OFFSET)


class InboxItemSchema(ma.Schema):
    id = fields.Integer(metadata={"description": "The receipt the hook answered the CMS with"})
    integration = fields.String()
    external_id = fields.String()
    received_at = fields.DateTime()
    answer = fields.String(metadata={"description": "What the CMS was told: accepted, unchanged or stale"})
    state = fields.String(metadata={"description": "waiting (for the drain), placed or rejected"})
    outcome = fields.String(allow_none=True, metadata={"description": "What the drain made of the save"})
    processed_at = fields.DateTime(allow_none=True)
    draft_id = fields.Integer(allow_none=True)
    revision_id = fields.Integer(allow_none=True)
    reason = fields.String(allow_none=True, metadata={"description": "Why the drain rejected the save"})


class InboxPageSchema(ma.Schema):
    items = fields.List(fields.Nested(InboxItemSchema))
    total = fields.Integer()
    limit = fields.Integer()
    offset = fields.Integer()
