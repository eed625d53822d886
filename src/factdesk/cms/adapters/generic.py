"""factdesk's documented generic format, for any CMS that can send JSON and sign it in factdesk's scheme.

    {"id": "article-42", "version": 7, "title": "...", "body": "...", "format": "html",
     "desk": "politics", "deadline": "2026-11-28T18:00:00Z", "reference_date": "2026-11-28"}

`id` and `body` are required. `version` (a growing integer) or `updated_at` (ISO 8601) orders saves;
`previous_body` may carry the text this save replaced (it breaks ties between saves of one version).
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from .common import PayloadError, Save, timestamp_ms

EXPECTED = ('{"id": "<document id>", "body": "<text>", "format": "text|html|markdown", '
            '"version": <integer> or "updated_at": "<ISO 8601>", "title": "..."}')


class GenericSaveSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    id = fields.String(required=True, validate=validate.Length(min=1, max=200))
    body = fields.String(required=True)
    format = fields.String(load_default="text", validate=validate.OneOf(["text", "html", "markdown"]))
    title = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=1000))
    version = fields.Integer(load_default=None, allow_none=True, strict=True, validate=validate.Range(min=0))
    updated_at = fields.AwareDateTime(load_default=None, allow_none=True, default_timezone=UTC)
    previous_body = fields.String(load_default=None, allow_none=True)
    desk = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    deadline = fields.AwareDateTime(load_default=None, allow_none=True, default_timezone=UTC)
    reference_date = fields.Date(load_default=None, allow_none=True)


# Built once: a schema's construction costs more than a load, and loading keeps no state in it.
_SCHEMA = GenericSaveSchema()


def adapt(payload: Any, headers: dict[str, str]) -> list[Save]:
    try:
        data = _SCHEMA.load(payload if isinstance(payload, dict) else {"": payload})
    except ma.ValidationError as exc:
        raise PayloadError(f"not the factdesk format: {exc.messages}", EXPECTED) from None
    order = data["version"]
    version = None if order is None else str(order)
    if order is None and data["updated_at"] is not None:
        version = data["updated_at"].isoformat()
        order = timestamp_ms(version)
    return [Save(
        external_id=data["id"], body=data["body"], format=data["format"], title=data["title"],
        source_version=version, source_order=order, previous_body=data["previous_body"],
        desk=data["desk"], deadline=data["deadline"], reference_date=data["reference_date"],
    )]
