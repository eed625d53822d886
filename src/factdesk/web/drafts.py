"""The drafts pages (placeholder until the drafts pages land)."""

from __future__ import annotations

from flask import render_template

from .blueprint import blp


@blp.get("/drafts")
def drafts() -> str:
    return render_template("error.html", title="Drafts", message="The drafts pages are being built.")
