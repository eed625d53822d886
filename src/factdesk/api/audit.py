"""A draft's audit log: every lease, release, expiry, verdict, approval, override and new revision."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from ..services.audit import AuditEventView, list_audit
from .auth import SECURITY, require_token
from .desk_schemas import AuditEventSchema, AuditQuerySchema
from .documented import errors
from .drafts import sessions
from .parsing import Blueprint

blp = Blueprint("audit", __name__, url_prefix="/api/v1", description="The append-only audit log")
require_token(blp)


@blp.route("/drafts/<int:draft_id>/audit")
class DraftAudit(MethodView):
    @blp.doc(security=SECURITY, responses=errors({404: "No draft with that id"}))
    @blp.arguments(AuditQuerySchema, location="query")
    @blp.response(200, AuditEventSchema(many=True))
    def get(self, args: dict[str, Any], draft_id: int) -> list[AuditEventView]:
        """The draft's events, oldest first: actor, time, action, before and after. Page on with `after_id`."""
        return list_audit(sessions(), draft_id, after_id=args["after_id"], limit=args["limit"])
