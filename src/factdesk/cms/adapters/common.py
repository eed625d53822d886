"""What every payload adapter returns (`Save`), its error, and small readers shared by the adapters."""

from __future__ import annotations

import html
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from typing import Any

# Save.publication: the CMS says the document's text is out now (PUBLISHED), or is not out (UNPUBLISHED: taken
# down, or a save of a document that is not live; it matters only when the document was out).
PUBLISHED = "published"
UNPUBLISHED = "unpublished"


class PayloadError(Exception):
    """The JSON is not the shape this integration's format expects (422); `expected` says what would be."""

    def __init__(self, message: str, expected: str) -> None:
        super().__init__(message)
        self.message = message
        self.expected = expected


@dataclass(frozen=True)
class Save:
    """One document save, whatever CMS it came from.

    `source_order` orders saves of one document (an integer version, or a timestamp in ms); None when the
    CMS sent neither. `previous_body`/`previous_title` are the text this save replaced, when the CMS says
    (Ghost does); `first_save` is true when the CMS says the document was just created. `publication` is
    PUBLISHED when the CMS says this text is live now (and `published_at` when, by the CMS's clock),
    UNPUBLISHED when it says the document is not live, None when it says neither. An UNPUBLISHED save may
    have an empty body (a CMS that sends only the id when it takes a document down): it makes no revision.
    """

    external_id: str
    body: str
    format: str
    title: str | None = None
    source_version: str | None = None
    source_order: int | None = None
    previous_body: str | None = None
    previous_title: str | None = None
    first_save: bool = False
    event: str | None = None
    desk: str | None = None
    deadline: datetime | None = None
    reference_date: date | None = None
    publication: str | None = None
    published_at: datetime | None = None
    url: str | None = None  # the article's address, when the CMS sends one (http or https only)

    @property
    def takes_down(self) -> bool:
        """An unpublish event that carries no text: nothing to save, only the document taken down."""
        return self.publication == UNPUBLISHED and not self.body

    def to_json(self) -> dict[str, Any]:
        """Plain JSON values (dates as ISO 8601), so a save can wait in the inbox; `from_json` reverses it."""
        data = {name: getattr(self, name) for name in _SAVE_FIELDS}  # every value is a scalar: no asdict copy
        for key in _DATES:
            if data[key] is not None:
                data[key] = data[key].isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Save:
        values = dict(data)
        for key in ("deadline", "published_at"):
            if values.get(key) is not None:
                values[key] = datetime.fromisoformat(values[key])
        if values.get("reference_date") is not None:
            values["reference_date"] = date.fromisoformat(values["reference_date"])
        return cls(**values)


_SAVE_FIELDS = tuple(f.name for f in fields(Save))
_DATES = ("deadline", "reference_date", "published_at")


# drafts.article_url's length: a longer address is no address a reader follows.
MAX_URL = 2000


def web_url(value: Any) -> str | None:
    """`value` when it is an http(s) address a reader can follow; None otherwise (a CMS's odd value never
    costs the save)."""
    if isinstance(value, str) and value.startswith(("https://", "http://")) and len(value) <= MAX_URL:
        return value
    return None


def need(obj: Any, key: str, kind: type | tuple[type, ...], where: str, expected: str) -> Any:
    """obj[key] when obj is a dict holding a value of `kind`; PayloadError naming `where` otherwise."""
    if not isinstance(obj, dict):
        raise PayloadError(f"{where.rsplit('.', 1)[0] or 'the body'} must be an object", expected)
    value = obj.get(key)
    if not isinstance(value, kind) or isinstance(value, bool) and bool not in _kinds(kind):
        raise PayloadError(f"{where} is missing or has the wrong type", expected)
    return value


def _kinds(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def timestamp_ms(value: Any) -> int | None:
    """An ISO 8601 timestamp (or WordPress's `YYYY-MM-DD HH:MM:SS`, UTC) as unix milliseconds; None if unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp() * 1000)


def datetime_or_none(value: Any) -> datetime | None:
    """An ISO 8601 timestamp as an aware datetime (UTC when it names no zone); None if unreadable."""
    ms = timestamp_ms(value)
    return None if ms is None else datetime.fromtimestamp(ms / 1000, UTC)


def text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def element(tag: str, inner: str) -> str:
    return f"<{tag}>{inner}</{tag}>"


def escape(text: str) -> str:
    return html.escape(text, quote=False)
