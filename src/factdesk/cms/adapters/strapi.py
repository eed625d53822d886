"""Strapi 5: `{"event": "entry.create|entry.update|entry.publish|entry.unpublish", "entry": {"documentId", ...}}`.

Keyed on `entry.documentId` (the numeric `id` differs between the draft and the published copy). The body
is a Blocks field; it is turned into HTML so headings, lists and quotes keep their structure.
`entry.publish` is a publication of the entry's text (Strapi sends the same text in an `entry.update` just
before it); `entry.unpublish` takes the document down, and its text, when sent, is not a save.
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
    timestamp_ms,
)

EXPECTED = ('{"event": "entry.create|entry.update|entry.publish", "entry": {"documentId", "title", '
            '"body": [Strapi blocks], "updatedAt"}}')
SAVE_EVENTS = ("entry.create", "entry.update", "entry.publish")


def adapt(payload: Any, headers: dict[str, str], options: Mapping[str, Any] | None = None) -> list[Save]:
    event = need(payload, "event", str, "event", EXPECTED)
    if event not in SAVE_EVENTS and event != "entry.unpublish":
        return []  # deletes, media events: nothing to check
    entry = need(payload, "entry", dict, "entry", EXPECTED)
    document_id = need(entry, "documentId", str, "entry.documentId", EXPECTED)
    if event == "entry.unpublish":
        return [Save(external_id=document_id, body="", format="html", event=event, publication=UNPUBLISHED)]
    body = entry.get("body")
    if isinstance(body, str):
        html, fmt = body, "markdown"
    elif isinstance(body, list):
        html, fmt = blocks_to_html(body), "html"
    else:
        raise PayloadError("entry.body must be a Blocks field (a list) or text", EXPECTED)
    return [Save(
        external_id=document_id, body=html, format=fmt, title=text_or_none(entry.get("title")),
        source_version=entry.get("updatedAt") if isinstance(entry.get("updatedAt"), str) else None,
        source_order=timestamp_ms(entry.get("updatedAt")), first_save=event == "entry.create", event=event,
        publication=PUBLISHED if event == "entry.publish" else None,
        published_at=datetime_or_none(entry.get("publishedAt")) if event == "entry.publish" else None,
    )]


def blocks_to_html(blocks: list[Any]) -> str:
    return "".join(_block(b) for b in blocks if isinstance(b, dict))


def _block(block: dict[str, Any]) -> str:
    kind = block.get("type")
    inner = _inline(block.get("children"))
    if kind == "heading":
        level = block.get("level") if block.get("level") in (1, 2, 3, 4, 5, 6) else 2
        return element(f"h{level}", inner)
    if kind == "list":
        tag = "ol" if block.get("format") == "ordered" else "ul"
        items = block.get("children")
        return element(tag, "".join(_block(i) for i in items or [] if isinstance(i, dict)))
    if kind == "list-item":
        return element("li", inner)
    if kind == "quote":
        return element("blockquote", inner)
    if kind == "code":
        return element("pre", inner)
    if kind == "image":
        return ""
    return element("p", inner)


def _inline(children: Any) -> str:
    if not isinstance(children, list):
        return ""
    out = []
    for child in children:
        if not isinstance(child, dict):
            continue
        if child.get("type") == "text":
            out.append(escape(str(child.get("text", ""))))
        elif child.get("type") == "list":
            out.append(_block(child))
        else:  # link and any inline container
            out.append(_inline(child.get("children")))
    return "".join(out)
