"""The desk pages' blueprint, shared by the modules that add its pages (its hooks are set once, here)."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from flask import Blueprint, request, url_for

from . import security

STATIC = Path(__file__).parent / "static"
A_YEAR = 365 * 24 * 3600


class DeskBlueprint(Blueprint):
    def get_send_file_max_age(self, filename: str | None) -> int | None:
        """Assets asked for by their versioned address (`asset`) never change: the browser keeps them without
        asking again on every page, which saves a checker two requests per claim."""
        return A_YEAR if request.args.get("v") else None


@cache
def _digest(filename: str) -> str:
    return hashlib.sha256((STATIC / filename).read_bytes()).hexdigest()[:12]


def asset(filename: str) -> str:
    """The address of a static file of the desk, versioned by its content."""
    return url_for("desk.static", filename=filename, v=_digest(filename))


blp = DeskBlueprint("desk", __name__, url_prefix="/desk", template_folder="templates", static_folder="static",
                    static_url_path="/static")
blp.add_app_template_global(asset)
security.install(blp)
