"""Payload adapters: each turns one CMS's webhook JSON into `Save`s. One small module per CMS."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from . import contentful, directus, generic, ghost, strapi, wordpress
from .common import PUBLISHED, UNPUBLISHED, PayloadError, Save

# (payload, lower-case headers, the integration's options) -> saves
Adapter = Callable[[Any, dict[str, str], Mapping[str, Any] | None], list[Save]]

ADAPTERS: dict[str, Adapter] = {
    "generic": generic.adapt,
    "ghost": ghost.adapt,
    "strapi": strapi.adapt,
    "directus": directus.adapt,
    "contentful": contentful.adapt,
    "wordpress": wordpress.adapt,
}

# The signature scheme each CMS can use, when `integration add` is given no --scheme.
DEFAULT_SCHEMES = {
    "generic": "factdesk",
    "ghost": "ghost",
    "strapi": "bearer",
    "directus": "bearer",
    "contentful": "contentful",
    "wordpress": "wpwebhooks",
}


def adapt(fmt: str, payload: Any, headers: dict[str, str], options: Mapping[str, Any] | None = None) -> list[Save]:
    """The saves in `payload` (an empty list for events that carry no draft text), read with the
    integration's `options` (see services.integrations.OPTIONS). Raises PayloadError."""
    saves = ADAPTERS[fmt](payload, headers, options)
    for save in saves:
        if not save.external_id or len(save.external_id) > 200:
            raise PayloadError("the document id is empty or longer than 200 characters", fmt)
    return saves


__all__ = ["ADAPTERS", "DEFAULT_SCHEMES", "PUBLISHED", "UNPUBLISHED", "PayloadError", "Save", "adapt"]
