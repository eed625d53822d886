"""WordPress through WP Webhooks (post_create / post_update): `{"post_id", "post": {"post_content", ...}}`.

`post_content` is HTML, but classic-editor posts separate paragraphs with blank lines and no `<p>`
(WordPress adds them on display), so those are wrapped here. Ordered by `post_modified_gmt` (whole seconds).

`post_status` "publish" says the text is live (a publish by the editor, the REST API, quick edit, or a
scheduled post going out: WordPress sends post_update on each); any other status (draft, pending, future,
private, trash) says it is not.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .common import PUBLISHED, UNPUBLISHED, PayloadError, Save, datetime_or_none, need, text_or_none, timestamp_ms

EXPECTED = '{"post_id": <id>, "post": {"ID", "post_title", "post_content", "post_modified_gmt"}} (WP Webhooks)'
_BLANK_LINE = re.compile(r"\n\s*\n")


def adapt(payload: Any, headers: dict[str, str], options: Mapping[str, Any] | None = None) -> list[Save]:
    post = need(payload, "post", dict, "post", EXPECTED)
    post_id = post.get("ID", payload.get("post_id"))
    if not isinstance(post_id, str | int) or isinstance(post_id, bool):
        raise PayloadError("post.ID is missing", EXPECTED)
    content = need(post, "post_content", str, "post.post_content", EXPECTED)
    if post.get("post_type", "post") not in ("post", "page"):
        return []
    status = post.get("post_status")
    if status == "trash":
        return [Save(external_id=str(post_id), body="", format="html", event="post_trash", publication=UNPUBLISHED)]
    modified = post.get("post_modified_gmt")
    live = status == "publish"
    return [Save(
        external_id=str(post_id), body=autop(content), format="html", title=text_or_none(post.get("post_title")),
        source_version=modified if isinstance(modified, str) else None, source_order=timestamp_ms(modified),
        event="post_update", publication=None if status is None else PUBLISHED if live else UNPUBLISHED,
        published_at=datetime_or_none(modified) if live else None,
    )]


def autop(content: str) -> str:
    """Wrap blank-line-separated paragraphs in <p> unless the content already has block markup."""
    if re.search(r"<(p|div|h[1-6]|ul|ol|blockquote)\b", content, re.I):
        return content
    return "".join(f"<p>{part.strip()}</p>" for part in _BLANK_LINE.split(content) if part.strip())
