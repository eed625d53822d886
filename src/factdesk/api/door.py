"""What every request must be before a view, or even the authentication check, sees it.

The app's own before_request check, for every endpoint (the API, the CMS hook, the desk pages):
- a body no larger than FACTDESK_MAX_BODY_BYTES: 413, whether the body declares its length or is streamed
  (`Transfer-Encoding: chunked`, no Content-Length). werkzeug stops reading a streamed body at the limit
  without saying so: a chunked 10 MB draft was read as its first 2 MB, and answered 400 (the JSON broken
  off) or 401, never 413;
- no NUL in the path (404: no name holds one) nor text a database cannot store in the query string (422,
  naming the parameters): every query parameter of every endpoint, whether or not a schema reads it.
"""

from __future__ import annotations

from flask import Flask, request
from flask.typing import ResponseReturnValue

from ..services.storable import PROBLEM, unstorable_names
from .errors import error_response

TOO_LARGE = "The request body is larger than this server accepts."


def install(app: Flask) -> None:
    app.before_request(check_request)


def check_request() -> ResponseReturnValue | None:
    if _body_too_large():
        return error_response(413, TOO_LARGE)
    if "\x00" in request.path:
        return error_response(404, "Nothing here: no path holds a NUL character.")
    bad = unstorable_names(request.args.items(multi=True))
    if bad:
        return error_response(422, "The request has invalid fields; see errors.",
                              errors={"query": {name: [PROBLEM] for name in bad}})
    return None


def _body_too_large() -> bool:
    limit = request.max_content_length
    if limit is None:
        return False
    length = request.content_length
    if length is not None:
        return length > limit
    if "chunked" not in request.headers.get("Transfer-Encoding", "").lower():
        return False  # no body
    # Read it now (at most `limit` bytes; the views read it from the cache). At exactly `limit` bytes, one more
    # byte from the server's own stream tells a body of that length from a longer one.
    if len(request.get_data(cache=True)) < limit:
        return False
    return bool(request.environ["wsgi.input"].read(1))
