"""The errors each operation can answer, for its OpenAPI entry: every status with the error schema, so that a
client (and schemathesis) knows the whole set. There is no catch-all `default` response (FactdeskApi): an
answer the document does not list for an operation is a bug in one or the other.

`errors()` goes into the operation's `@blp.doc(responses=...)`, which is only metadata: it adds nothing to the
request's path.
"""

from __future__ import annotations

from typing import Any

from .errors import ErrorSchema

RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again", "schema": {"type": "integer"}}}

# What every operation behind an API token can answer, whatever it does.
TOKEN = {
    401: "No API token, or an unknown, revoked or expired one (`WWW-Authenticate: Bearer`)",
    422: "Invalid arguments, listed in `errors` by location and field: unknown query parameters or fields, "
         "values out of range, text no database can store (a NUL character, or half of a surrogate pair such "
         "as a lone `\\ud800` escape)",
    429: "Too many failed authentications from this address (FACTDESK_BAD_SIGNATURE_LIMIT in a window); a valid "
         "token is never refused",
    503: "A dependency (the database) is down; nothing was done. Retry after `Retry-After`",
}
# And every operation that reads a JSON body.
BODY = {
    400: "The body is not JSON this server reads: malformed, not UTF-8, nested deeper than 64 levels, or with a "
         "number of more than 4,300 digits",
    413: "The body is larger than FACTDESK_MAX_BODY_BYTES (2 MiB by default), whether it gives its length or is "
         "sent chunked",
}


def response(description: str, status: int | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {"description": description, "content": {"application/json": {"schema": ErrorSchema}}}
    if status in (429, 503):
        doc["headers"] = RETRY_AFTER
    return doc


def errors(specific: dict[int, str] | None = None, *, body: bool = False) -> dict[int, dict[str, Any]]:
    """The error responses of an operation behind an API token: the common ones (and a JSON body's, with
    `body`), plus `specific` {status: description} (403, 404, 409, or a more precise description of one)."""
    described = {**TOKEN, **(BODY if body else {}), **(specific or {})}
    return {status: response(text, status) for status, text in sorted(described.items())}
