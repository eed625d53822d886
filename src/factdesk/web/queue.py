"""The checker's queue page (placeholder until the queue page lands)."""

from __future__ import annotations

from flask import render_template

from .blueprint import blp


@blp.get("/queue")
def queue() -> str:
    return render_template("error.html", title="Queue", message="The queue page is being built.")
