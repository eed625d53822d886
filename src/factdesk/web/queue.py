"""The checker's queue page: what waits, most urgent first; counts; their leases; "Take next claim"."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ..services.desk_queue import DeskQueue, load_desk_queue
from ..services.errors import Forbidden, ServiceError
from ..services.queue import QueueFilter, lease_next_claim
from .blueprint import blp
from .security import current_actor, queue_counter, sessions, settings

CLAIM_TYPES = ("date", "money", "quantity", "role", "quote", "attribution", "fact")
REFRESH_SECONDS = 2


def queue_filter(values: dict[str, str]) -> QueueFilter:
    """The page's filter from a query string or form; unknown types and empty fields mean "any"."""
    desk = (values.get("desk") or "").strip()[:100] or None
    kind = values.get("type") or None
    return QueueFilter(desk=desk, type=kind if kind in CLAIM_TYPES else None)


def _filter_args(filters: QueueFilter) -> dict[str, Any]:
    return {k: v for k, v in (("desk", filters.desk), ("type", filters.type)) if v}


@blp.get("/queue")
def queue() -> ResponseReturnValue:
    """The queue page; its list is a live region (`queue_live`) that follows other checkers' leases."""
    try:
        view = _load()
    except ServiceError as err:
        return render_template("error.html", title="Queue", message=err.message), err.status
    return render_template("queue.html", view=view, types=CLAIM_TYPES, args=_filter_args(view.filters),
                           refresh_seconds=REFRESH_SECONDS)


@blp.get("/queue/live")
def queue_live() -> ResponseReturnValue:
    """The queue page's live region alone, for desk.js to swap in."""
    try:
        view = _load()
    except ServiceError as err:
        return err.message, err.status
    return render_template("queue_live.html", view=view)


def _load() -> DeskQueue:
    return load_desk_queue(sessions(), current_actor(), queue_filter(request.args), counter=queue_counter())


@blp.post("/queue/next")
def take_next() -> ResponseReturnValue:
    """Lease the most urgent claim the checker may take (within the page's filter) and open it."""
    filters = queue_filter(request.form)
    conf = settings()
    try:
        leased = lease_next_claim(sessions(), current_actor(), lease_seconds=conf.lease_seconds,
                                  cap=conf.lease_cap, filters=filters)
    except Forbidden as err:
        return render_template("error.html", title="Queue", message=_sentence(err.message)), err.status
    except ServiceError as err:  # the lease cap: the queue page says so
        flash(_sentence(err.message), "error")
        return redirect(url_for("desk.queue", **_filter_args(filters)))
    if leased is None:
        flash("Nothing is left in the queue for you." if not _filter_args(filters)
              else "Nothing is left in the queue for you with this filter.", "info")
        return redirect(url_for("desk.queue", **_filter_args(filters)))
    return redirect(url_for("desk.claim", claim_id=leased.id))


def _sentence(message: str) -> str:
    """A service's message as a sentence on a page."""
    message = message.strip()
    return (message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")) if message else message
