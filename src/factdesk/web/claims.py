"""The claim page: a claim in its paragraph, its earlier verdicts, its lease, and the verdict form."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ..api.desk_schemas import VerdictInSchema
from ..domain.ratings import Rating
from ..services.desk_queue import ClaimDesk, load_claim_desk
from ..services.errors import Invalid, ServiceError
from ..services.queue import release_claim, renew_lease
from ..services.verdicts import VerdictInput, record_verdict
from .blueprint import blp
from .security import current_actor, sessions, settings

SOURCE_ROWS = 3  # source rows the form offers (more appear when more were typed)
RATINGS = [(r.value, r.value.replace("_", " ").capitalize()) for r in Rating]


@blp.get("/claims/<int:claim_id>")
def claim(claim_id: int) -> ResponseReturnValue:
    return _page(claim_id, _blank_form())


@blp.post("/claims/<int:claim_id>/verdict")
def claim_verdict(claim_id: int) -> ResponseReturnValue:
    """Record a verdict from the form, by the API's rules (its schema, then the service); on a refusal the
    page comes back with the message beside the field and everything typed kept."""
    form = _typed_form()
    try:
        data = VerdictInSchema().load(_payload(form))
    except ma.ValidationError as err:
        errors = _field_errors(err.messages)
        if not form["rating"]:
            errors["rating"] = "Choose a rating."
        return _page(claim_id, form, errors=errors, status=422)
    try:
        recorded = record_verdict(sessions(), current_actor(), claim_id, VerdictInput(
            rating=data["rating"], note=data["note"], correction=data["correction"],
            sources=[{"url": s["url"], "title": s.get("title"), "accessed_at": None} for s in data["sources"]],
        ))
    except Invalid as err:
        return _page(claim_id, form, errors=_field_errors(err.details), status=422)
    except ServiceError as err:
        return _page(claim_id, form, message=_sentence(err.message), status=err.status)
    # The page then says so and offers the next claim (no flash: it would say it twice).
    return redirect(url_for("desk.claim", claim_id=recorded.claim_id, recorded=1))


@blp.post("/claims/<int:claim_id>/reuse")
def claim_reuse(claim_id: int) -> ResponseReturnValue:
    """Reuse a match's verdict (the fact memory), by the API's rules; a refusal (stale, superseded, no lease)
    comes back on the page."""
    reuse_of = request.form.get("reuse_of", "")
    if not reuse_of.isdigit():
        return _page(claim_id, _blank_form(), message="Choose a verdict to reuse.", status=422)
    try:
        recorded = record_verdict(sessions(), current_actor(), claim_id, VerdictInput(rating=None,
                                  reuse_of=int(reuse_of)), shelf_life=settings().shelf_life_overrides)
    except ServiceError as err:
        return _page(claim_id, _blank_form(), message=_sentence(err.message), status=err.status)
    return redirect(url_for("desk.claim", claim_id=recorded.claim_id, recorded=1))


@blp.post("/claims/<int:claim_id>/renew")
def claim_renew(claim_id: int) -> ResponseReturnValue:
    try:
        renew_lease(sessions(), current_actor(), claim_id, lease_seconds=settings().lease_seconds)
    except ServiceError as err:
        flash(_sentence(err.message), "error")
    else:
        flash("Lease renewed.", "success")
    return redirect(url_for("desk.claim", claim_id=claim_id))


@blp.post("/claims/<int:claim_id>/release")
def claim_release(claim_id: int) -> ResponseReturnValue:
    try:
        release_claim(sessions(), current_actor(), claim_id)
    except ServiceError as err:
        flash(_sentence(err.message), "error")
        return redirect(url_for("desk.claim", claim_id=claim_id))
    flash("Claim released: it is back in the queue.", "success")
    return redirect(url_for("desk.queue"))


def _page(claim_id: int, form: dict[str, Any], *, errors: dict[str, str] | None = None,
          message: str | None = None, status: int = 200) -> ResponseReturnValue:
    try:
        view = load_claim_desk(sessions(), current_actor(), claim_id, shelf_life=settings().shelf_life_overrides)
    except ServiceError as err:
        return render_template("error.html", title="Claim", message=_sentence(err.message)), err.status
    return render_template(
        "claim.html", view=view, c=view.claim, values=_values(view), form=form, errors=errors or {},
        message=message, ratings=RATINGS, recorded=request.args.get("recorded") == "1",
    ), status


def _blank_form() -> dict[str, Any]:
    return {"rating": "", "note": "", "correction": "", "sources": [("", "")] * SOURCE_ROWS}


def _typed_form() -> dict[str, Any]:
    urls, titles = request.form.getlist("source_url"), request.form.getlist("source_title")
    rows = [(u.strip(), t.strip()) for u, t in zip(urls, titles, strict=False)][:50]
    rows += [("", "")] * max(0, SOURCE_ROWS - len(rows))
    return {"rating": request.form.get("rating", ""), "note": request.form.get("note", ""),
            "correction": request.form.get("correction", ""), "sources": rows}


def _payload(form: dict[str, Any]) -> dict[str, Any]:
    """The form as the API's verdict body: empty fields left out, empty source rows dropped."""
    return {
        "rating": form["rating"],
        "note": form["note"].strip() or None,
        "correction": form["correction"].strip() or None,
        "sources": [{"url": u, "title": t or None} for u, t in form["sources"] if u or t],
    }


def _field_errors(messages: Any) -> dict[str, str]:
    """Marshmallow's or a service's field errors as one sentence per form field; a source row's error is
    keyed `sources`, naming the row."""
    found: dict[str, str] = {}
    for field, value in (messages or {}).items():
        if isinstance(value, dict):  # sources: {row: {"url": [...]}}
            parts = [f"source {int(row) + 1}: {_flatten(errs)}" for row, errs in value.items()]
            found[field] = _sentence("; ".join(parts))
        else:
            found[field] = _sentence(_flatten(value))
    return found


def _flatten(value: Any) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{'URL' if k == 'url' else k} {_flatten(v).lower()}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return "; ".join(_flatten(v) for v in value)
    return str(value)


def value_text(value: Any) -> str:
    """A normalised value as a checker reads it: 14,000,000,000 rather than 14000000000.0, 12 rather than 12.0,
    yes and no rather than True and False."""
    if isinstance(value, dict):
        return ", ".join(f"{k.replace('_', ' ')}: {value_text(x)}" for k, x in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(value_text(x) for x in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int | float):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)  # a year stays 2025
    return "—" if value is None else str(value)


def _values(view: ClaimDesk) -> list[tuple[str, str]]:
    """The claim's normalised values as label and text."""
    return [(k.replace("_", " "), value_text(v)) for k, v in view.claim.normalized.items()]


def _sentence(message: str) -> str:
    message = message.strip()
    return (message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")) if message else message
