"""The CMS save hook: POST /api/v1/webhooks/cms/{integration}, authenticated by the integration's own scheme.

Not behind API tokens: each integration proves itself by signing (or bearing a secret) over the raw body.
The handler verifies and adapts the save, stores it in the inbox (services.inbox.receive_saves) and answers;
a worker places it in its draft (services.cms_saves) and extracts it once the draft is quiet.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Any

from flask import current_app, request
from flask.views import MethodView

from ..cms import InboundRequest, PayloadError, SignatureError, adapt, verify
from ..services import inbox as inbox_service
from ..services import integrations as integrations_service
from ..services.integrations import IntegrationView
from ..services.revisions import SaveOutcome
from .documented import response
from .errors import error_response, unavailable_response
from .limits import client_address, failure_limiter
from .parsing import BadJson, Blueprint, load_json
from .schemas import WebhookResultSchema

if TYPE_CHECKING:
    from flask.typing import ResponseReturnValue

    from ..runtime import Runtime

log = logging.getLogger(__name__)

blp = Blueprint("webhooks", __name__, url_prefix="/api/v1", description="The CMS save hook")

# Integrations are read on every delivery; keeping them a few seconds saves a query per save. A rotated
# secret or a new callback URL is therefore seen within this many seconds.
CACHE_SECONDS = 5.0


class _IntegrationCache:
    def __init__(self) -> None:
        self._items: dict[str, tuple[float, IntegrationView]] = {}
        self._lock = threading.Lock()
        self._all_loaded_at = -CACHE_SECONDS

    def get(self, name: str) -> IntegrationView | None:
        hit = self._items.get(name)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
        return None

    def put(self, view: IntegrationView) -> None:
        with self._lock:
            if len(self._items) > 1000:
                self._items.clear()
            self._items[view.name] = (time.monotonic() + CACHE_SECONDS, view)

    def all_stale(self) -> bool:
        """Whether every integration was loaded more than CACHE_SECONDS ago (see `put_all`)."""
        return time.monotonic() - self._all_loaded_at > CACHE_SECONDS

    def put_all(self, views: list[IntegrationView]) -> None:
        """Keep every integration: then a name missing from the cache is unknown, without asking the database."""
        for view in views:
            self.put(view)
        self._all_loaded_at = time.monotonic()


def _runtime() -> Runtime:
    return current_app.extensions["factdesk"]


def _cache() -> _IntegrationCache:
    ext = current_app.extensions
    if "factdesk.integrations" not in ext:  # not setdefault: that would build a cache (and lock) per request
        ext.setdefault("factdesk.integrations", _IntegrationCache())
    return ext["factdesk.integrations"]


def _known_integration(runtime: Runtime, name: str, client: str) -> IntegrationView | None:
    """The integration called `name`, from the cache or the database; None when there is none.

    A client that keeps naming unknown integrations gets no lookup of its own: the whole (small) table is
    read at most once per CACHE_SECONDS instead, so an integration that exists is always found and a valid
    save from a flooding address still passes.
    """
    cache = _cache()
    view = cache.get(name)
    if view is not None:
        return view
    if failure_limiter().count(client) > runtime.settings.bad_signature_limit:
        if cache.all_stale():
            cache.put_all(integrations_service.list_integrations(runtime.sessions))
        return cache.get(name)
    view = integrations_service.find_integration(runtime.sessions, name)
    if view is not None:
        cache.put(view)
    return view


def _clock() -> float:
    # Tests replay real captured requests by setting the clock to their capture time.
    return current_app.extensions.get("factdesk.clock", time.time)()


def _refused(status: int, message: str, key: str) -> Any:
    """401/404 for a failed authentication, or 429 once this client has failed too often this window."""
    settings = _runtime().settings
    if failure_limiter().hit(key) > settings.bad_signature_limit:
        return error_response(429, "Too many failed deliveries; try again later.",
                              headers={"Retry-After": str(settings.bad_signature_window_seconds)})
    if status == 401:
        return error_response(401, message, headers={"WWW-Authenticate": 'Signature realm="factdesk"'})
    return error_response(status, message)


def _result(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": WebhookResultSchema}}}


# The answers, documented in one decorator: each flask-smorest response decorator adds a wrapper that runs on
# every call, and on this path, called on every CMS save, nine of them cost more than verifying the signature.
# No @blp.response either: the answer is a small dict Flask serialises itself.
RESPONSES = {
    "202": _result("Stored durably; a worker makes it a revision and extracts it once the draft is quiet"),
    "200": _result('Known already: "duplicate" (nothing stored), "unchanged", "stale" (stored as history) or '
                   '"ignored"'),
    "400": response("Not JSON this server reads (malformed, not UTF-8, nested deeper than 64 levels, a number of "
                    "more than 4,300 digits), or not application/json"),
    "401": response("Missing or bad signature, or outside the replay window"),
    "404": response("No such integration"),
    "413": response("Body over FACTDESK_MAX_BODY_BYTES, whether it gives its length or is sent chunked"),
    "422": response("JSON, but not the shape the integration's format expects (errors.expected says what it "
                    "wants), a save with no text, a field longer than its column, a date out of range, text no "
                    "database can store"),
    "429": response("Too many failed deliveries from this client", 429),
    "503": response("The save could not be stored (database down); retry after Retry-After", 503),
}


@blp.route("/webhooks/cms/<string:integration>")
class CmsWebhook(MethodView):
    @blp.doc(security=[], responses=RESPONSES)
    def post(self, integration: str) -> ResponseReturnValue:
        """Receive a CMS save, authenticated by the integration's scheme over the raw request bytes.

        Answers within milliseconds, once the save is committed to the inbox; a worker then stores it as a
        revision (usually within a second) and extracts the draft's claims once the draft has had no save for
        `FACTDESK_DEBOUNCE_SECONDS`.
        """
        runtime = _runtime()
        settings = runtime.settings
        client = client_address()
        if (request.content_length or 0) > settings.max_body_bytes:
            return error_response(413, "The request body is larger than this server accepts.")
        view = _known_integration(runtime, integration, client)
        if view is None:
            return _refused(404, f"no integration named {integration!r}", client)

        body = request.get_data(cache=False)  # over MAX_CONTENT_LENGTH (chunked bodies too) → 413
        headers = {k.lower(): v for k, v in request.headers.items()}
        inbound = InboundRequest(method=request.method, path=request.full_path.rstrip("?"), headers=headers,
                                 body=body, received_at=_clock())
        try:
            verify(view.scheme, inbound, view.secrets, settings.replay_window_seconds)
        except SignatureError as exc:
            log.info("webhook %s from %s refused: %s", integration, client, exc)
            # Counted per address and integration: a CMS host shares its address among all its integrations,
            # and one integration's bad deliveries must not cut off another's.
            return _refused(401, f"Signature refused: {exc}.", f"{client}:{integration}")

        if request.mimetype != "application/json":
            return error_response(400, "Send the save as JSON (Content-Type: application/json).")
        try:
            payload = load_json(body)
        except BadJson as exc:  # bad UTF-8, too deep, a number too long included
            return error_response(400, f"The body is not valid JSON: {exc}.")
        try:
            saves = adapt(view.format, payload, headers, view.options)
        except PayloadError as exc:
            return error_response(422, f"Not a {view.format} save: {exc.message}.",
                                  errors={"json": {"_schema": [exc.message]}, "expected": exc.expected})
        try:  # a save with no text: Invalid (422), nothing stored
            answer = inbox_service.receive_saves(runtime.inbox_writer, runtime.drain_signal, view.id, saves)
        except inbox_service.NotStored as exc:  # the database is down or too slow: the CMS must retry
            log.warning("webhook %s: could not store the save: %s", integration, exc)
            return unavailable_response("The save could not be stored")
        return ({"status": answer.status, "saves": [r.__dict__ for r in answer.receipts]},
                202 if answer.status == SaveOutcome.ACCEPTED else 200)
