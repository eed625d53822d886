"""What a draft's fields must be for the database and every later step to take them: the one check that the CMS
hook (services.inbox.check_save), REST submissions (api.schemas.DraftInSchema) and the revision maker
(services.revisions.prepare_revision) all make, so that nothing is accepted and then fails.

A save the hook answers 202 is placed later by a worker. Let through, a value the database refuses (a title
longer than its column, a deadline that overflows once converted to UTC) failed that worker's drain on every
try; checked here it is a 422 naming the field, and nothing is stored. The sizes are read from the columns the
values end in (models/), so they cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from ..models import Claim, CmsInboxItem, CmsSave, Draft, Revision
from .errors import Invalid
from .storable import PROBLEM as UNSTORABLE
from .storable import storable


def _shortest(*columns: Any) -> int:
    return min(int(column.property.columns[0].type.length) for column in columns)


# The most characters each field may hold: the shortest column it is stored in.
MAX_LENGTHS: dict[str, int] = {
    "external_id": _shortest(Draft.external_id, CmsInboxItem.external_id),
    "title": _shortest(Draft.title, Revision.title),
    "desk": _shortest(Draft.desk, Claim.draft_desk),
    "source_version": _shortest(Revision.source_version, CmsSave.source_version),
    "url": _shortest(Draft.article_url),
}
# Dates Python, SQLite and PostgreSQL all keep are years 1 to 9999. A year is left at either end so that
# nothing derived from a stored value overflows: a deadline shown in another time zone, or the extractor
# resolving "next year" or "the day before yesterday" against the reference date.
EARLIEST = datetime(2, 1, 1, tzinfo=UTC)
LATEST = datetime(9998, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
DATE_RANGE = f"must lie between {EARLIEST.date().isoformat()} and {LATEST.date().isoformat()}"
# source_order is a BIGINT.
ORDER_RANGE = (-(2**63), 2**63 - 1)


def check_fields(values: Mapping[str, object]) -> None:
    """Raise Invalid naming every field of a submission or CMS save that could not be stored or used later:
    text a database cannot store (any str field), a str longer than its column (MAX_LENGTHS), a `deadline`
    without a time zone or outside EARLIEST..LATEST once in UTC, a `reference_date` outside those days, a
    `source_order` beyond a BIGINT. None and fields with no rule pass. Reads only; cheap enough for the
    hook's request path (a few comparisons per save)."""
    errors: dict[str, list[str]] = {}
    for name, value in values.items():
        if value is None:
            continue
        problem = _problem(name, value)
        if problem is not None:
            errors[name] = [problem]
    if errors:
        names = sorted(errors)
        raise Invalid("; ".join(f"{name} {errors[name][0]}" for name in names),
                      details={name: errors[name] for name in names})


def _problem(name: str, value: object) -> str | None:
    if isinstance(value, str):
        if not storable(value):
            return UNSTORABLE
        limit = MAX_LENGTHS.get(name)
        if limit is not None and len(value) > limit:
            return f"is longer than {limit} characters"
        return None
    if name == "deadline" and isinstance(value, datetime):
        return _deadline_problem(value)
    if name == "reference_date" and isinstance(value, date):
        return None if EARLIEST.date() <= value <= LATEST.date() else DATE_RANGE
    if name == "source_order" and isinstance(value, int):
        return None if ORDER_RANGE[0] <= value <= ORDER_RANGE[1] else "is beyond a 64-bit integer"
    return None


def _deadline_problem(value: datetime) -> str | None:
    if value.tzinfo is None or value.utcoffset() is None:
        return "must include a time zone"
    try:
        in_utc = value.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+05:00 is in year 0 in UTC
        return f"{DATE_RANGE} (in UTC)"
    return None if EARLIEST <= in_utc <= LATEST else f"{DATE_RANGE} (in UTC)"
