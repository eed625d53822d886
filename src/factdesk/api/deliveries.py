"""The outbound delivery log: every event sent to a CMS callback URL and every attempt (editors and admins)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import current_app
from flask.views import MethodView

from ..services import deliveries as deliveries_service
from ..services.deliveries import DeliveryPage, DeliveryView
from .auth import SECURITY, current_actor, require_token
from .documented import errors
from .parsing import Blueprint
from .schemas import DeliveryPageSchema, DeliveryQuerySchema, DeliverySchema

if TYPE_CHECKING:
    from ..db import Sessions

EDITORS_ONLY = "Only editors and admins read the delivery log"

blp = Blueprint("deliveries", __name__, url_prefix="/api/v1", description="Outbound events to CMS callbacks")
require_token(blp)


def _sessions() -> Sessions:
    return current_app.extensions["factdesk"].sessions


@blp.route("/deliveries")
class Deliveries(MethodView):
    @blp.doc(security=SECURITY, responses=errors({403: EDITORS_ONLY}))
    @blp.arguments(DeliveryQuerySchema, location="query")
    @blp.response(200, DeliveryPageSchema)
    def get(self, args: dict[str, Any]) -> DeliveryPage:
        """Outbound events (gate.opened, gate.closed, verdict.blocking), newest first, with every attempt."""
        return deliveries_service.list_deliveries(_sessions(), current_actor(), **args)


@blp.route("/deliveries/<int:delivery_id>")
class DeliveryById(MethodView):
    @blp.doc(security=SECURITY, responses=errors({403: EDITORS_ONLY, 404: "No delivery with that id"}))
    @blp.response(200, DeliverySchema)
    def get(self, delivery_id: int) -> DeliveryView:
        """One outbound event: its payload, idempotency key, status and attempts."""
        return deliveries_service.get_delivery(_sessions(), current_actor(), delivery_id)
