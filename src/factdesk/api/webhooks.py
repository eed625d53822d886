"""The CMS save hook: POST /api/v1/webhooks/cms/{integration}, authenticated by the integration's own scheme.

Not behind API tokens: each integration proves itself by signing (or bearing a secret) over the raw body.
The handler verifies, adapts and stores in one short transaction and answers; extraction runs in a worker.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy.exc import IntegrityError

from ..cms import InboundRequest, PayloadError, SignatureError, adapt, verify
from ..cms.ratelimit import Limiter, make_limiter
from ..db import unit_of_work
from ..services import integrations as integrations_service
from ..services.integrations import IntegrationView
from ..services.webhooks import receive_save
from .errors import error_response
from .schemas import WebhookResultSchema

log = logging.getLogger(__name__)

blp = Blueprint("webhooks", __name__, url_prefix="/api/v1", description="The CMS save hook")

# Integrations are read on every delivery; keeping them a few seconds saves a query per save. A rotated
# secret or a new callback URL is therefore seen within this many seconds.
CACHE_SECONDS = 5.0


class _IntegrationCache:
    def __init__(self) -> None:
        self._items: dict[str, tuple[float, IntegrationView]] = {}
        self._lock = threading.Lock()

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


def _runtime():  # type: ignore[no-untyped-def]
    return current_app.extensions["factdesk"]


def _limiter() -> Limiter:
    ext = current_app.extensions
    if "factdesk.limiter" not in ext:
        s = _runtime().settings
        ext["factdesk.limiter"] = make_limiter(s.broker_url, s.bad_signature_window_seconds)
    return ext["factdesk.limiter"]  # type: ignore[no-any-return]


def _cache() -> _IntegrationCache:
    return current_app.extensions.setdefault("factdesk.integrations", _IntegrationCache())  # type: ignore[no-any-return]


def _clock() -> float:
    # Tests replay real captured requests by setting the clock to their capture time.
    return current_app.extensions.get("factdesk.clock", time.time)()  # type: ignore[no-any-return]


def _refused(status: int, message: str, key: str) -> Any:
    """401/404 for a failed authentication, or 429 once this client has failed too often this window."""
    settings = _runtime().settings
    if _limiter().hit(key) > settings.bad_signature_limit:
        return error_response(429, "Too many failed deliveries; try again later.",
                              headers={"Retry-After": str(settings.bad_signature_window_seconds)})
    if status == 401:
        return error_response(401, message, headers={"WWW-Authenticate": 'Signature realm="factdesk"'})
    return error_response(status, message)


@blp.route("/webhooks/cms/<string:integration>")
class CmsWebhook(MethodView):
    @blp.doc(security=[])
    @blp.response(202, WebhookResultSchema, description="Stored; claims are extracted once the draft is quiet")
    @blp.alt_response(200, schema=WebhookResultSchema,
                      description='Known already: "duplicate", "unchanged", "stale" (kept as history) or "ignored"')
    @blp.alt_response(400, description="Malformed JSON or not application/json")
    @blp.alt_response(401, description="Missing or bad signature, or outside the replay window")
    @blp.alt_response(404, description="No such integration")
    @blp.alt_response(413, description="Body over FACTDESK_MAX_BODY_BYTES")
    @blp.alt_response(422, description="JSON, but not the shape the integration's format expects")
    @blp.alt_response(429, description="Too many failed deliveries from this client")
    def post(self, integration: str):  # type: ignore[no-untyped-def]
        """Receive a CMS save, authenticated by the integration's scheme over the raw request bytes.

        Answers within milliseconds; the draft's claims are extracted by a worker once the draft has had
        no save for `FACTDESK_DEBOUNCE_SECONDS`.
        """
        runtime = _runtime()
        settings = runtime.settings
        client = request.remote_addr or "unknown"
        if (request.content_length or 0) > settings.max_body_bytes:
            return error_response(413, "The request body is larger than this server accepts.")
        view = _cache().get(integration)
        if view is None:
            if _limiter().count(client) > settings.bad_signature_limit:
                return _refused(404, "", client)  # a flooding client gets no database lookup
            with unit_of_work(runtime.sessions) as session:
                view = integrations_service.find_integration(session, integration)
            if view is None:
                return _refused(404, f"no integration named {integration!r}", client)
            _cache().put(view)

        body = request.get_data(cache=False)  # over MAX_CONTENT_LENGTH (chunked bodies too) → 413
        inbound = InboundRequest(
            method=request.method, path=request.full_path.rstrip("?"),
            headers={k.lower(): v for k, v in request.headers.items()}, body=body, received_at=_clock(),
        )
        try:
            verify(view.scheme, inbound, view.secrets, settings.replay_window_seconds)
        except SignatureError as exc:
            log.info("webhook %s from %s refused: %s", integration, client, exc)
            return _refused(401, f"Signature refused: {exc}.", f"{client}")

        if request.mimetype != "application/json":
            return error_response(400, "Send the save as JSON (Content-Type: application/json).")
        try:
            payload = json.loads(body)
        except ValueError as exc:  # bad UTF-8 included
            return error_response(400, f"The body is not valid JSON: {exc}.")
        try:
            saves = adapt(view.format, payload, dict(inbound.headers))
        except PayloadError as exc:
            return error_response(422, f"Not a {view.format} save: {exc.message}.",
                                  errors={"json": {"_schema": [exc.message]}, "expected": exc.expected})
        if not saves:
            return {"status": "ignored", "saves": []}, 200

        results = [self._store(view, save, settings.debounce_seconds) for save in saves]
        created = any(r.outcome == "created" for r in results)
        status = "accepted" if created else results[0].outcome
        return {"status": status, "saves": [r.__dict__ for r in results]}, 202 if created else 200

    @staticmethod
    def _store(view: IntegrationView, save, debounce: float):  # type: ignore[no-untyped-def]
        for attempt in (1, 2):
            try:
                with unit_of_work(_runtime().sessions) as session:
                    return receive_save(session, view, save, debounce=debounce)
            except IntegrityError:
                # Two first deliveries of one document raced; the second finds the first's draft.
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")
