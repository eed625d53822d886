"""The editors' and reporters' pages: the drafts list and a draft's page (text by claim state, gate, approval)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import Response, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ..domain.states import DraftStatus
from ..services.approvals import approve_draft
from ..services.desk_drafts import DraftDesk, TimelineEntry, get_draft_desk, get_live_draft, list_desk_drafts
from ..services.errors import NotFound, ServiceError
from .blueprint import blp
from .security import current_actor, sessions

PAGE_SIZE = 50
LAST_PAGE = (2**31 - 1) // PAGE_SIZE  # offsets stay within a 32-bit integer
OVERRIDE_FIELD = "override-"
GATE_REASONS = {
    "approved": "An editor approved this exact text and no claim blocks it.",
    "not_approved": "This text is not approved yet.",
    "blockers": "Claims block it since it was approved.",
    "not_current": "The draft has no current text yet.",
}


@blp.get("/drafts")
def drafts() -> ResponseReturnValue:
    """Drafts, most recently changed first, with status, desk, deadline and checking progress."""
    status = request.args.get("status") or None
    desk = request.args.get("desk") or None
    if status not in (None, *DraftStatus):
        status = None
    # A page past any there can be is the empty last page, not an offset the database cannot take.
    page = min(max(1, request.args.get("page", 1, type=int) or 1), LAST_PAGE)
    listing = list_desk_drafts(sessions(), status=status, desk=desk, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return render_template("drafts.html", title="Drafts", listing=listing, status=status, desk=desk, page=page,
                           statuses=list(DraftStatus))


@blp.get("/drafts/<int:draft_id>")
def draft(draft_id: int) -> ResponseReturnValue:
    """A draft's page: its text with every claim by state, the gate, the blockers, approval, history."""
    return _render_draft(_read(draft_id))


@blp.get("/drafts/<int:draft_id>/live")
def draft_live(draft_id: int) -> ResponseReturnValue:
    """The draft page's live parts (`part=text` or `status`) as HTML fragments, polled by desk.js; "304 Not
    Modified" (a query instead of the whole page's) while the draft's version tag is the one desk.js has."""
    part = request.args.get("part", "status")
    template = "draft_text.html" if part == "text" else "draft_status.html"
    try:
        live = get_live_draft(sessions(), current_actor(), draft_id, request.if_none_match)
    except NotFound:
        abort(404)
    if live.desk is None:
        return Response(status=304, headers={"ETag": f'"{live.tag}"'})
    response = make_response(render_template(template, d=live.desk, loaded_key=request.args.get("key", ""),
                                             **_helpers()))
    response.set_etag(live.tag)
    return response


@blp.post("/drafts/<int:draft_id>/approve")
def approve(draft_id: int) -> ResponseReturnValue:
    """Approve the text the editor read (its content hash), overriding blocking claims with written reasons."""
    overrides = _overrides(request.form)
    try:
        approved = approve_draft(sessions(), current_actor(), draft_id, overrides=overrides,
                                 content_hash=request.form.get("content_hash") or None)
    except NotFound:
        abort(404)
    except ServiceError as exc:
        # Show the page again with the refusal and what was typed, rather than losing it to a redirect.
        return _render_draft(_read(draft_id), error=_refusal_text(exc), typed=request.form), exc.status
    flash(f"Approved revision {approved.revision}. The gate is open for this text.", "success")
    return redirect(url_for("desk.draft", draft_id=draft_id), code=303)


def _read(draft_id: int) -> DraftDesk:
    try:
        return get_draft_desk(sessions(), current_actor(), draft_id)
    except NotFound:
        abort(404)


def _render_draft(d: DraftDesk, *, error: str | None = None, typed: Mapping[str, str] | None = None) -> str:
    return render_template("draft.html", title=d.title or f"Draft {d.id}", d=d, error=error, typed=typed or {},
                           loaded_key=d.approval_key, **_helpers())


def _overrides(form: Mapping[str, str]) -> dict[int, str]:
    """`override-<claim id>` fields with a reason typed in them."""
    out = {}
    for name, value in form.items():
        if name.startswith(OVERRIDE_FIELD) and name[len(OVERRIDE_FIELD):].isdigit() and value.strip():
            out[int(name[len(OVERRIDE_FIELD):])] = value.strip()
    return out


def _refusal_text(exc: ServiceError) -> str:
    reason = exc.details.get("reason")
    if reason == "stale_revision":
        return "The text changed since you opened this page: nothing was approved. Read the new text and try again."
    if reason == "blockers":
        return f"Not approved: {exc.message}. Give a reason for each blocking claim you override."
    return f"Not approved: {exc.message}."


def _helpers() -> dict[str, Any]:
    return {"claim_url": claim_urls(), "gate_reasons": GATE_REASONS, "describe": describe}


def claim_urls() -> Callable[[int], str | None]:
    """The claim pages' addresses (None when the desk has no claim pages), built once per page: a draft page
    links every claim, and url_for for each of 200 claims was a tenth of the page's time."""
    if "desk.claim" not in current_app.view_functions:
        return lambda claim_id: None
    prefix = url_for("desk.claim", claim_id=1).removesuffix("1")
    return lambda claim_id: f"{prefix}{claim_id}"


def describe(e: TimelineEntry) -> str:
    """One audit event in words."""
    after, before = e.after or {}, e.before or {}
    match e.action:
        case "draft.created":
            return "created the draft"
        case "revision.created":
            return f"saved revision {after.get('number', '')}".rstrip()
        case "revision.extracted":
            return (f"found {after.get('claims', 0)} claims ({after.get('carried', 0)} carried, "
                    f"{after.get('changed', 0)} reopened, {after.get('removed', 0)} retired)")
        case "revision.stale":
            return "kept an older CMS save as history"
        case "claim.leased":
            return "took the claim to check"
        case "claim.lease_renewed":
            return "renewed the lease"
        case "claim.released":
            return "released the claim"
        case "claim.lease_expired":
            return "lease ran out"
        case "claim.retired":
            return f"retired the claim ({after.get('reason', 'removed')})"
        case "verdict.recorded":
            return f"rated the claim {str(after.get('rating', '')).replace('_', ' ')}"
        case "verdict.carried_over":
            return f"carried the verdict ({after.get('rating', '')}) to the new revision"
        case "claim.override":
            return f"overrode the {before.get('rating', 'blocking')} verdict: “{after.get('reason', '')}”"
        case "draft.approved":
            return f"approved revision {after.get('revision', '')}".rstrip()
        case "draft.status_changed":
            return f"draft moved from {before.get('status', '?')} to {after.get('status', '?')}"
    return e.action.replace(".", " ").replace("_", " ")
