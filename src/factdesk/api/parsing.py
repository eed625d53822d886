"""How the API reads a request's arguments: one JSON reader and one webargs parser, for every blueprint.

Every API module builds its blueprint from `Blueprint` here, so every endpoint parses by the same rules:
- a JSON body is read by `load_json`, which answers 400 (never a 500) for whatever Python's JSON reader
  cannot or should not take: invalid JSON or UTF-8, nesting deeper than MAX_JSON_DEPTH, an integer of
  more digits than Python converts (a 5,001-digit number raised ValueError; 1,000 nested lists, RecursionError);
- unknown query parameters are refused (422), as unknown JSON fields are (the README: "unknown fields
  included"): a misspelt filter (`?stauts=open`) would otherwise list everything, silently;
- text no database can store is refused at the field that holds it by the schemas' base class
  (api.schemas.StrictSchema), whatever the location.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import flask_smorest
import marshmallow as ma
from webargs import core
from webargs.flaskparser import FlaskParser, abort, is_json_request

# No request factdesk takes nests deeper than this (a Contentful rich-text document: a few levels per list).
# Deeper JSON is refused before anything walks it: Python's reader and every recursive walk after it (a
# CMS adapter, a schema) stop with RecursionError somewhere near 1,000 levels.
MAX_JSON_DEPTH = 64


class BadJson(ValueError):
    """A body `load_json` will not read; the message says why, for the client."""


def load_json(data: bytes) -> Any:
    """Parse a request body as JSON; raise BadJson for anything that is not JSON factdesk reads."""
    try:
        value = json.loads(data)
    except RecursionError:
        raise BadJson(f"it nests deeper than {MAX_JSON_DEPTH} levels") from None
    except json.JSONDecodeError as exc:
        raise BadJson(str(exc)) from None
    except UnicodeDecodeError:
        raise BadJson("it is not UTF-8") from None
    except ValueError:  # the one ValueError left: an integer longer than Python converts
        raise BadJson(f"a number has more than {sys.get_int_max_str_digits()} digits") from None
    # A container per "[" or "{": a body with fewer of them than the limit cannot nest deeper (the usual
    # case, checked at the speed of bytes.count); otherwise measure.
    if data.count(b"[") + data.count(b"{") > MAX_JSON_DEPTH and _depth_exceeds(value, MAX_JSON_DEPTH):
        raise BadJson(f"it nests deeper than {MAX_JSON_DEPTH} levels")
    return value


def _depth_exceeds(value: Any, limit: int) -> bool:
    """Whether `value` holds containers nested more than `limit` deep (iterative: no recursion limit)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


class Parser(FlaskParser):
    DEFAULT_UNKNOWN_BY_LOCATION: dict[str, str | None] = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": ma.RAISE, "querystring": ma.RAISE,
    }

    def _raw_load_json(self, req: Any) -> Any:
        if not is_json_request(req):
            return core.missing
        data = req.get_data(cache=True)
        if not data:
            return core.missing  # no body: the schema says whether one is required
        try:
            return load_json(data)
        except BadJson as exc:
            abort(400, exc=exc, message=f"The body is not JSON this server reads: {exc}.",
                  messages={"json": [f"not JSON this server reads: {exc}"]})


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint, parsing arguments with `Parser`."""

    ARGUMENTS_PARSER = Parser()
