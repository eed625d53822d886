"""Contentful: `Entry.save` / `Entry.auto_save` (and create, publish), with `X-Contentful-Topic` naming the event.

The entry's fields are per locale (`{"title": {"en-US": "..."}, "body": {"en-US": <rich text>}}`); every
locale with a body becomes its own draft, `<entry id>/<locale>`. Ordered by `sys.version`.

`Entry.publish` (by hand or scheduled) is a publication of each locale's text. `Entry.unpublish` sends a
tombstone (`sys.type` "DeletedEntry", no fields): it names every locale, as the id `<entry id>/`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .common import (
    PUBLISHED,
    UNPUBLISHED,
    PayloadError,
    Save,
    datetime_or_none,
    element,
    escape,
    need,
    text_or_none,
)

EXPECTED = ('{"sys": {"id", "type": "Entry", "version"}, "fields": {"title": {"<locale>": "..."}, '
            '"body": {"<locale>": <rich text document> or "<markdown>"}}} with X-Contentful-Topic '
            'ContentManagement.Entry.save|auto_save')
SAVE_TOPICS = ("Entry.save", "Entry.auto_save", "Entry.create", "Entry.publish")

_BLOCKS = {"paragraph": "p", "blockquote": "blockquote", "unordered-list": "ul", "ordered-list": "ol",
           "list-item": "li", **{f"heading-{n}": f"h{n}" for n in range(1, 7)},
           "table": "table", "table-row": "tr", "table-cell": "td", "table-header-cell": "th"}


def adapt(payload: Any, headers: dict[str, str], options: Mapping[str, Any] | None = None) -> list[Save]:
    topic = headers.get("x-contentful-topic", "")
    unpublish = topic.endswith("Entry.unpublish")
    if topic and not topic.endswith(SAVE_TOPICS) and not unpublish:
        return []
    sys_ = need(payload, "sys", dict, "sys", EXPECTED)
    entry_id = need(sys_, "id", str, "sys.id", EXPECTED)
    if unpublish:
        return [Save(external_id=f"{entry_id}/", body="", format="html", event="unpublish", publication=UNPUBLISHED)]
    publish = topic.endswith("Entry.publish")
    version = sys_.get("version")
    fields = need(payload, "fields", dict, "fields", EXPECTED)
    bodies = fields.get("body")
    if not isinstance(bodies, dict) or not bodies:
        raise PayloadError("fields.body must map locales to rich text", EXPECTED)
    titles = fields.get("title") if isinstance(fields.get("title"), dict) else {}
    saves = []
    for locale, body in sorted(bodies.items()):
        if isinstance(body, dict) and body.get("nodeType") == "document":
            text, fmt = rich_text_to_html(body), "html"
        elif isinstance(body, str):
            text, fmt = body, "markdown"
        else:
            raise PayloadError(f"fields.body.{locale} must be a rich text document or text", EXPECTED)
        saves.append(Save(
            external_id=f"{entry_id}/{locale}", body=text, format=fmt, title=text_or_none(titles.get(locale)),
            source_version=str(version) if isinstance(version, int) else sys_.get("updatedAt"),
            source_order=version if isinstance(version, int) and not isinstance(version, bool) else None,
            first_save=topic.endswith("Entry.create"), event=topic.rsplit(".", 1)[-1] if topic else None,
            publication=PUBLISHED if publish else None,
            published_at=datetime_or_none(sys_.get("publishedAt") or sys_.get("updatedAt")) if publish else None,
        ))
    return saves


def rich_text_to_html(node: dict[str, Any]) -> str:
    kind = node.get("nodeType")
    if kind == "text":
        return escape(str(node.get("value", "")))
    inner = "".join(rich_text_to_html(c) for c in node.get("content") or [] if isinstance(c, dict))
    if kind in _BLOCKS:
        return element(_BLOCKS[kind], inner)
    if kind == "hr" or (isinstance(kind, str) and kind.startswith("embedded-")):
        return ""
    return inner  # document, hyperlink and other inline containers
