"""The CMS inbox: every save the hook accepted and what became of it (editors, admins); admins put a rejected
save back in line once its cause is fixed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import current_app
from flask.views import MethodView

from ..services import inbox_log
from ..services.inbox_log import InboxItemView, InboxPage
from .auth import SECURITY, current_actor, require_token
from .documented import errors
from .inbox_schemas import InboxItemSchema, InboxPageSchema, InboxQuerySchema
from .parsing import Blueprint

if TYPE_CHECKING:
    from ..runtime import Runtime

EDITORS_ONLY = "Only editors and admins read the CMS inbox"

blp = Blueprint("inbox", __name__, url_prefix="/api/v1", description="CMS saves as received, placed or rejected")
require_token(blp)


def _runtime() -> Runtime:
    return current_app.extensions["factdesk"]


@blp.route("/inbox")
class Inbox(MethodView):
    @blp.doc(security=SECURITY, responses=errors({403: EDITORS_ONLY}))
    @blp.arguments(InboxQuerySchema, location="query")
    @blp.response(200, InboxPageSchema)
    def get(self, args: dict[str, Any]) -> InboxPage:
        """CMS saves, newest first: waiting for the drain, placed (with the revision they made) or rejected
        (with the reason). Editors and admins."""
        return inbox_log.list_inbox(_runtime().sessions, current_actor(), **args)


@blp.route("/inbox/<int:item_id>")
class InboxItem(MethodView):
    @blp.doc(security=SECURITY, responses=errors({403: EDITORS_ONLY, 404: "No CMS save with that receipt"}))
    @blp.response(200, InboxItemSchema)
    def get(self, item_id: int) -> InboxItemView:
        """One CMS save by the receipt the hook answered with."""
        return inbox_log.get_inbox_item(_runtime().sessions, current_actor(), item_id)


@blp.route("/inbox/<int:item_id>/requeue")
class Requeue(MethodView):
    @blp.doc(security=SECURITY, responses=errors({403: "Only admins put a rejected save back in line",
                                                  404: "No CMS save with that receipt",
                                                  409: "The save was not rejected (it waits or was placed)"}))
    @blp.response(202, InboxItemSchema)
    def post(self, item_id: int) -> InboxItemView:
        """Put a rejected save back in line (admins): the drain places it by the usual ordering rule, so a
        save that a newer one of its document overtook meanwhile is recognised as stale. 409 if the save
        was not rejected."""
        runtime = _runtime()
        return inbox_log.requeue_rejected(runtime.sessions, current_actor(), item_id, runtime.drain_signal)
