"""Ghost: `{"post": {"current": {...}, "previous": {...}}}` from the post.* webhooks.

`current.html` is the text (a `<br>` is a line break); `previous` holds only the fields that changed, and is
`{}` for a new post. Ghost's `updated_at` has whole-second resolution, so `previous.html` is what tells a
create and an edit of the same second apart.

Ghost names no event in the request (one URL per event), so publication is read from the post's status:
`current.status` "published" (post.published, post.published.edited, a scheduled post going out, or any
edit of a live post) says this text is out now; a `previous.status` "published" with any other current
status (post.unpublished) says it was taken down. A "scheduled" post is not out until Ghost publishes it.
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
    need,
    text_or_none,
    timestamp_ms,
    web_url,
)

EXPECTED = '{"post": {"current": {"id", "title", "html", "updated_at"}, "previous": {...}}} (Ghost post.* webhook)'


def adapt(payload: Any, headers: dict[str, str], options: Mapping[str, Any] | None = None) -> list[Save]:
    post = need(payload, "post", dict, "post", EXPECTED)
    current = need(post, "current", dict, "post.current", EXPECTED)
    post_id = need(current, "id", str, "post.current.id", EXPECTED)
    html = current.get("html")
    if not isinstance(html, str | type(None)):
        raise PayloadError("post.current.html must be a string", EXPECTED)
    previous = post.get("previous")
    previous = previous if isinstance(previous, dict) else {}
    updated_at = current.get("updated_at")
    publication = _publication(current.get("status"), previous.get("status"))
    return [Save(
        external_id=post_id,
        body=html or "",
        format="html",
        title=text_or_none(current.get("title")),
        source_version=updated_at if isinstance(updated_at, str) else None,
        source_order=timestamp_ms(updated_at),
        # `previous` lists only what changed: a field it lacks was the same before this save.
        previous_body=(previous.get("html") or "") if "html" in previous else (html or "") if previous else None,
        previous_title=previous.get("title") if "title" in previous else text_or_none(current.get("title")),
        first_save=not previous,
        event=_event(previous, publication),
        publication=publication,
        published_at=datetime_or_none(current.get("published_at")) if publication == PUBLISHED else None,
        url=web_url(current.get("url")),  # a draft's preview address; the permalink once it is published
    )]


def _publication(status: Any, previous_status: Any) -> str | None:
    if status == "published":
        return PUBLISHED
    if previous_status == "published":
        return UNPUBLISHED
    return None


def _event(previous: dict[str, Any], publication: str | None) -> str:
    """The Ghost event this request most likely was (for the audit log; nothing depends on it)."""
    if publication == PUBLISHED:
        return "post.published" if previous.get("status") not in (None, "published") else "post.published.edited"
    if publication == UNPUBLISHED:
        return "post.unpublished"
    return "post.added" if not previous else "post.edited"
