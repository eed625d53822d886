"""Directus: a Flow that POSTs `{"trigger": {{$trigger}}, "item": {{read item, full}}}`.

`$trigger.payload` holds only the changed fields, so the text is read from `item` (the flow's item-read
step). Keyed on `<collection>/<item id>`; ordered by `item.date_updated` (or `date_created` on a create).
"""

from __future__ import annotations

from typing import Any

from .common import PayloadError, Save, need, text_or_none, timestamp_ms

EXPECTED = ('{"trigger": {"event": "<collection>.items.create|update", "collection", "keys"}, '
            '"item": {"id", "title", "body", "date_updated"}} (a Directus Flow with an item-read step)')


def adapt(payload: Any, headers: dict[str, str]) -> list[Save]:
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
    return [Save(
        external_id=f"{collection}/{item_id}",
        body=body,
        format="html" if "<" in body and ">" in body else "markdown",
        title=text_or_none(item.get("title")),
        source_version=stamp if isinstance(stamp, str) else None,
        source_order=timestamp_ms(stamp),
        first_save=event.endswith(".items.create"),
        event=event or None,
    )]
