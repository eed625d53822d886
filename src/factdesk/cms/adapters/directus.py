"""Directus: a Flow that POSTs `{"trigger": {{$trigger}}, "item": {{read item, full}}}`.

`$trigger.payload` holds only the changed fields, so the text is read from `item` (the flow's item-read
step). Keyed on `<collection>/<item id>`; ordered by `item.date_updated` (or `date_created` on a create).

A Directus item is live while its status field (integration option `status_field`, default "status") holds
the published value (`published_value`, default "published"): a save of such an item is a publication of
its text (an update that sets the status, or an edit of a live item, which Directus serves at once), and a
save with another status says it is not live.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .common import PUBLISHED, UNPUBLISHED, PayloadError, Save, datetime_or_none, need, text_or_none, timestamp_ms

EXPECTED = ('{"trigger": {"event": "<collection>.items.create|update", "collection", "keys"}, '
            '"item": {"id", "title", "body", "date_updated"}} (a Directus Flow with an item-read step)')


def adapt(payload: Any, headers: dict[str, str], options: Mapping[str, Any] | None = None) -> list[Save]:
    trigger = need(payload, "trigger", dict, "trigger", EXPECTED)
    item = payload.get("item")
    if isinstance(item, list) and len(item) == 1:
        item = item[0]  # an item-read of several keys returns a list
    if not isinstance(item, dict):
        raise PayloadError("item must be the saved item (add an item-read step to the flow)", EXPECTED)
    event = trigger.get("event") if isinstance(trigger.get("event"), str) else ""
    if event and not event.endswith((".items.create", ".items.update")):
        return []
    item_id = item.get("id")
    if not isinstance(item_id, str | int) or isinstance(item_id, bool):
        raise PayloadError("item.id is missing", EXPECTED)
    body = item.get("body")
    if not isinstance(body, str):
        raise PayloadError("item.body is missing or not text", EXPECTED)
    collection = trigger.get("collection") if isinstance(trigger.get("collection"), str) else "items"
    stamp = item.get("date_updated") or item.get("date_created")
    publication = publication_of(item, options or {})
    return [Save(
        external_id=f"{collection}/{item_id}",
        body=body,
        format="html" if "<" in body and ">" in body else "markdown",
        title=text_or_none(item.get("title")),
        source_version=stamp if isinstance(stamp, str) else None,
        source_order=timestamp_ms(stamp),
        first_save=event.endswith(".items.create"),
        event=event or None,
        publication=publication,
        published_at=datetime_or_none(stamp) if publication == PUBLISHED else None,
    )]


def publication_of(item: dict[str, Any], options: Mapping[str, Any]) -> str | None:
    """PUBLISHED while the item's status field holds the published value, UNPUBLISHED while it holds another,
    None when the flow did not send the field."""
    field = str(options.get("status_field") or "status")
    if field not in item:
        return None
    return PUBLISHED if item[field] == (options.get("published_value") or "published") else UNPUBLISHED
