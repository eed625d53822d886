"""Ghost: `{"post": {"current": {...}, "previous": {...}}}` from the post.added / post.edited webhooks.

`current.html` is the text (a `<br>` is a line break); `previous` holds only the fields that changed, and is
`{}` for a new post. Ghost's `updated_at` has whole-second resolution, so `previous.html` is what tells a
create and an edit of the same second apart.
"""

from __future__ import annotations

from typing import Any

from .common import PayloadError, Save, need, text_or_none, timestamp_ms

EXPECTED = '{"post": {"current": {"id", "title", "html", "updated_at"}, "previous": {...}}} (Ghost post.* webhook)'


def adapt(payload: Any, headers: dict[str, str]) -> list[Save]:
    post = need(payload, "post", dict, "post", EXPECTED)
    current = need(post, "current", dict, "post.current", EXPECTED)
    post_id = need(current, "id", str, "post.current.id", EXPECTED)
    html = current.get("html")
    if not isinstance(html, str | type(None)):
        raise PayloadError("post.current.html must be a string", EXPECTED)
    previous = post.get("previous")
    previous = previous if isinstance(previous, dict) else {}
    updated_at = current.get("updated_at")
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
        event="post.added" if not previous else "post.edited",
    )]
