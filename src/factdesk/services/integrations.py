"""CMS integrations: adding one, rotating its secret with two valid at once, setting its options, reading them.

The use cases (add, rotate, retire, find, list) each open and commit their own unit of work and return
`IntegrationView`s, never rows; `integration_view` and `integration_actor` are steps for other services.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..cms import ADAPTERS, DEFAULT_SCHEMES, SCHEMES
from ..cms.reverts import REVERTIBLE
from ..db import Sessions, unit_of_work
from ..domain.actors import SYSTEM, Actor
from ..domain.roles import Role
from ..models import Integration, User
from . import audit
from .errors import Conflict, Invalid, NotFound

MIN_SECRET_LENGTH = 16

# What an integration's options may hold, and what each is for. Only these keys are stored.
OPTIONS = {
    "on_unapproved": "report (default) or revert: ask the CMS to unpublish a text the gate did not clear",
    "api_url": "the CMS's base URL for reverting (Ghost site, Strapi or Directus server)",
    "api_key": "the credential for reverting (Ghost Admin API key id:secret, Strapi or Directus token)",
    "status_field": "Directus: the field that says an item is live (default status)",
    "published_value": "Directus: its value when the item is live (default published)",
    "draft_value": "Directus: the value a revert sets (default draft)",
    "collection": "Strapi: the documents' content-type uid (api::article.article), for reverting",
}
ON_UNAPPROVED = ("report", "revert")


@dataclass(frozen=True)
class IntegrationView:
    """What a request handler needs of an integration, detached from any session (safe to cache)."""

    id: int
    name: str
    format: str
    scheme: str
    secrets: tuple[str, ...]
    user_id: int | None
    callback_url: str | None
    options: Mapping[str, Any] = field(default_factory=dict)


def add_integration(
    sessions: Sessions, name: str, secret: str, *, fmt: str = "generic", scheme: str | None = None,
    callback_url: str | None = None, actor: Actor = SYSTEM,
) -> IntegrationView:
    """Register a CMS. Its drafts are authored by a user of role `integration` with the same name (created
    here, or reused). Raises Invalid (unknown format/scheme, short secret, bad URL), Conflict (name taken)."""
    name = name.strip()
    if not name or len(name) > 100 or "/" in name:
        raise Invalid("name must be 1-100 characters without '/'")
    if fmt not in ADAPTERS:
        raise Invalid(f"unknown format {fmt!r}; one of {', '.join(ADAPTERS)}")
    scheme = scheme or DEFAULT_SCHEMES[fmt]
    if scheme not in SCHEMES:
        raise Invalid(f"unknown scheme {scheme!r}; one of {', '.join(SCHEMES)}")
    _check_secret(secret)
    _check_url(callback_url)
    with unit_of_work(sessions) as session:
        if session.scalar(select(Integration.id).where(Integration.name == name)) is not None:
            raise Conflict(f"integration {name!r} exists already")
        user = session.scalar(select(User).where(User.name == name))
        if user is None:
            user = User(name=name, role=Role.INTEGRATION)
            session.add(user)
            session.flush()
        elif user.role != Role.INTEGRATION:
            raise Conflict(f"a {user.role} named {name!r} exists; pick another integration name")
        integration = Integration(name=name, format=fmt, scheme=scheme, secrets=[secret],
                                  callback_url=callback_url, user_id=user.id, options={})
        session.add(integration)
        session.flush()
        audit.record(session, actor, "integration.added",
                     after={"integration": name, "format": fmt, "scheme": scheme, "callback_url": callback_url})
        return integration_view(integration)


def rotate_secret(sessions: Sessions, name: str, new_secret: str, *, actor: Actor = SYSTEM) -> IntegrationView:
    """Make `new_secret` the current secret (it signs outbound events) while the previous one stays valid
    for inbound requests, so the CMS can be switched over without downtime. Older secrets are dropped.
    Raises NotFound, Invalid."""
    with unit_of_work(sessions) as session:
        integration = _get(session, name)
        _check_secret(new_secret)
        integration.secrets = [new_secret, *integration.secrets[:1]]
        audit.record(session, actor, "integration.secret_rotated", after={"integration": name, "valid_secrets": 2})
        return integration_view(integration)


def retire_old_secret(sessions: Sessions, name: str, *, actor: Actor = SYSTEM) -> IntegrationView:
    """Finish a rotation: only the current secret stays valid (safe to repeat). Raises NotFound."""
    with unit_of_work(sessions) as session:
        integration = _get(session, name)
        if len(integration.secrets) > 1:
            integration.secrets = integration.secrets[:1]
            audit.record(session, actor, "integration.secret_retired",
                         after={"integration": name, "valid_secrets": 1})
        return integration_view(integration)


def set_options(sessions: Sessions, name: str, changes: Mapping[str, str | None], *,
                actor: Actor = SYSTEM) -> IntegrationView:
    """Set (or, with None, clear) the integration's options (keys of OPTIONS). Reverting needs an API URL and
    credential. The audit event names the keys changed, never the credential. Raises NotFound, Invalid."""
    unknown = sorted(set(changes) - set(OPTIONS))
    if unknown:
        raise Invalid(f"unknown option(s) {', '.join(unknown)}; one of {', '.join(OPTIONS)}")
    with unit_of_work(sessions) as session:
        integration = _get(session, name)
        options = dict(integration.options or {})
        for key, value in changes.items():
            if value is None or value == "":
                options.pop(key, None)
            else:
                options[key] = value
        _check_options(options, integration.format)
        integration.options = options
        audit.record(session, actor, "integration.options_set",
                     after={"integration": name, "changed": sorted(changes),
                            "on_unapproved": options.get("on_unapproved", "report")})
        return integration_view(integration)


def _check_options(options: Mapping[str, Any], fmt: str) -> None:
    mode = options.get("on_unapproved", "report")
    if mode not in ON_UNAPPROVED:
        raise Invalid(f"on_unapproved must be one of {', '.join(ON_UNAPPROVED)}, got {mode!r}")
    _check_url(options.get("api_url"), "api_url")
    if mode != "revert":
        return
    if fmt not in REVERTIBLE:
        raise Invalid(f"a {fmt} CMS cannot be asked to unpublish; revert works with {', '.join(REVERTIBLE)}")
    if not (options.get("api_url") and options.get("api_key")):
        raise Invalid("on_unapproved revert needs api_url and api_key (the CMS credential to unpublish with)")
    if fmt == "strapi" and not options.get("collection"):
        raise Invalid("reverting in Strapi needs collection (the content-type uid, api::article.article)")


def find_integration(sessions: Sessions, name: str) -> IntegrationView | None:
    """The integration called `name`, as plain values, or None."""
    with unit_of_work(sessions) as session:
        row = session.scalar(select(Integration).where(Integration.name == name))
        return None if row is None else integration_view(row)


def list_integrations(sessions: Sessions) -> list[IntegrationView]:
    """Every integration, by name."""
    with unit_of_work(sessions) as session:
        return [integration_view(row) for row in session.scalars(select(Integration).order_by(Integration.name))]


def integration_view(row: Integration) -> IntegrationView:
    return IntegrationView(row.id, row.name, row.format, row.scheme, tuple(row.secrets or ()), row.user_id,
                           row.callback_url, dict(row.options or {}))


def integration_actor(integration: IntegrationView) -> Actor:
    """Who a CMS's saves are submitted as: the integration's own user."""
    return Actor(id=integration.user_id, name=integration.name, role=Role.INTEGRATION)


def _get(session: Session, name: str) -> Integration:
    integration = session.scalar(select(Integration).where(Integration.name == name))
    if integration is None:
        raise NotFound(f"no integration named {name!r}")
    return integration


def _check_secret(secret: str) -> None:
    if len(secret or "") < MIN_SECRET_LENGTH:
        raise Invalid(f"the secret must be at least {MIN_SECRET_LENGTH} characters")


def _check_url(url: str | None, what: str = "callback URL") -> None:
    if url is None:
        return
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise Invalid(f"{what} must be an http(s) URL, got {url!r}")
