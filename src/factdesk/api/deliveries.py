"""The outbound delivery log: every event sent to a CMS callback URL and every attempt (editors and admins)."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from ..db import unit_of_work
from ..services import deliveries as deliveries_service
from .auth import SECURITY, current_actor, require_token
from .schemas import DeliveryPageSchema, DeliveryQuerySchema, DeliverySchema

blp = Blueprint("deliveries", __name__, url_prefix="/api/v1", description="Outbound events to CMS callbacks")
require_token(blp)


def _sessions():  # type: ignore[no-untyped-def]
    return current_app.extensions["factdesk"].sessions


@blp.route("/deliveries")
class Deliveries(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(DeliveryQuerySchema, location="query")
    @blp.response(200, DeliveryPageSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Outbound events (gate.opened, gate.closed, verdict.blocking), newest first, with every attempt."""
        with unit_of_work(_sessions()) as session:
            items, total = deliveries_service.list_deliveries(session, current_actor(), **args)
        return {"items": items, "total": total, "limit": args["limit"], "offset": args["offset"]}


@blp.route("/deliveries/<int:delivery_id>")
class DeliveryById(MethodView):
    @blp.doc(security=SECURITY)
    @blp.response(200, DeliverySchema)
    def get(self, delivery_id: int) -> dict[str, Any]:
        """One outbound event: its payload, idempotency key, status and attempts."""
        with unit_of_work(_sessions()) as session:
            return deliveries_service.get_delivery(session, current_actor(), delivery_id)
