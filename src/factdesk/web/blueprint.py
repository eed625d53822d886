"""The desk pages' blueprint, shared by the modules that add its pages (its hooks are set once, here)."""

from __future__ import annotations

from flask import Blueprint

from . import security

blp = Blueprint("desk", __name__, url_prefix="/desk", template_folder="templates", static_folder="static",
                static_url_path="/static")
security.install(blp)
