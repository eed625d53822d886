"""factdesk's documented generic format, for any CMS that can send JSON and sign it in factdesk's scheme.

    {"id": "article-42", "version": 7, "title": "...", "body": "...", "format": "html",
     "desk": "politics", "deadline": "2026-11-28T18:00:00Z", "reference_date": "2026-11-28"}

`id` and `body` are required. `version` (a growing integer) or `updated_at` (ISO 8601) orders saves;
`previous_body` may carry the text this save replaced (it breaks ties between saves of one version).
`status` says whether the document is live: "published" (this text is out now; `published_at` may say
since when) or any other value (it is not: a draft, scheduled, taken down).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from .common import MAX_URL, PUBLISHED, UNPUBLISHED, PayloadError, Save, timestamp_ms

EXPECTED = ('{"id": "<document id>", "body": "<text>", "format": "text|html|markdown", '
            '"version": <integer> or "updated_at": "<ISO 8601>", "title": "...", "status": "draft|published"}')


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
    status = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=40))
    published_at = fields.AwareDateTime(load_default=None, allow_none=True, default_timezone=UTC)
    url = fields.Url(load_default=None, allow_none=True, schemes={"http", "https"},
                     validate=validate.Length(max=MAX_URL))


# Built once: a schema's construction costs more than a load, and loading keeps no state in it.
_SCHEMA = GenericSaveSchema()


_FIELDS = frozenset(_SCHEMA.fields)
_FORMATS = frozenset(["text", "html", "markdown"])


def _plain(payload: Any) -> Save | None:
    """The usual save (no dates; every value of the type and size the schema wants) without marshmallow,
    which costs more than the rest of the request; None for anything else, which the schema then loads (or
    refuses, with its messages). Accepts nothing the schema would refuse, and reads it the same way."""
    if not isinstance(payload, dict) or not _FIELDS.issuperset(payload):
        return None
    get = payload.get
    doc, body, fmt, title = get("id"), get("body"), get("format", "text"), get("title")
    version, previous, desk = get("version"), get("previous_body"), get("desk")
    if not (type(doc) is str and 0 < len(doc) <= 200 and type(body) is str and type(fmt) is str and fmt in _FORMATS
            and (title is None or type(title) is str and len(title) <= 1000)
            and (version is None or type(version) is int and version >= 0)
            and (previous is None or type(previous) is str) and (desk is None or type(desk) is str and len(desk) <= 100)
            and get("updated_at") is None and get("deadline") is None and get("reference_date") is None
            and get("status") is None and get("published_at") is None and get("url") is None):
        return None
    return Save(external_id=doc, body=body, format=fmt, title=title,
                source_version=None if version is None else str(version), source_order=version,
                previous_body=previous, desk=desk)


def adapt(payload: Any, headers: dict[str, str], options: Mapping[str, Any] | None = None) -> list[Save]:
    plain = _plain(payload)
    if plain is not None:
        return [plain]
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
        publication=None if data["status"] is None else PUBLISHED if data["status"] == "published" else UNPUBLISHED,
        published_at=data["published_at"] if data["status"] == "published" else None,
        url=data["url"],
    )]
