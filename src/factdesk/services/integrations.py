"""CMS integrations: adding one, rotating its secret with two valid at once, reading them."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlparse

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..cms import ADAPTERS, DEFAULT_SCHEMES, SCHEMES
from ..domain.actors import SYSTEM, Actor
from ..domain.roles import Role
from ..models import Integration, User
from . import audit
from .errors import Conflict, Invalid, NotFound

MIN_SECRET_LENGTH = 16


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


def add_integration(
    session: Session, name: str, secret: str, *, fmt: str = "generic", scheme: str | None = None,
    callback_url: str | None = None, actor: Actor = SYSTEM,
) -> Integration:
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
    if session.scalar(select(Integration.id).where(Integration.name == name)) is not None:
        raise Conflict(f"integration {name!r} exists already")
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        user = User(name=name, role=Role.INTEGRATION)
        session.add(user)
        session.flush()
    elif user.role != Role.INTEGRATION:
        raise Conflict(f"a {user.role} named {name!r} exists; pick another integration name")
    integration = Integration(name=name, format=fmt, scheme=scheme, secrets=[secret], callback_url=callback_url,
                              user_id=user.id)
    session.add(integration)
    session.flush()
    audit.record(session, actor, "integration.added",
                 after={"integration": name, "format": fmt, "scheme": scheme, "callback_url": callback_url})
    return integration


def rotate_secret(session: Session, name: str, new_secret: str, *, actor: Actor = SYSTEM) -> Integration:
    """Make `new_secret` the current secret (it signs outbound events) while the previous one stays valid
    for inbound requests, so the CMS can be switched over without downtime. Older secrets are dropped.
    Raises NotFound, Invalid."""
    integration = get_integration(session, name)
    _check_secret(new_secret)
    integration.secrets = [new_secret, *integration.secrets[:1]]
    audit.record(session, actor, "integration.secret_rotated", after={"integration": name, "valid_secrets": 2})
    return integration


def retire_old_secret(session: Session, name: str, *, actor: Actor = SYSTEM) -> Integration:
    """Finish a rotation: only the current secret stays valid (safe to repeat). Raises NotFound."""
    integration = get_integration(session, name)
    if len(integration.secrets) > 1:
        integration.secrets = integration.secrets[:1]
        audit.record(session, actor, "integration.secret_retired", after={"integration": name, "valid_secrets": 1})
    return integration


def get_integration(session: Session, name: str) -> Integration:
    integration = session.scalar(select(Integration).where(Integration.name == name))
    if integration is None:
        raise NotFound(f"no integration named {name!r}")
    return integration


def find_integration(session: Session, name: str) -> IntegrationView | None:
    """The integration called `name`, as plain values, or None."""
    row = session.scalar(select(Integration).where(Integration.name == name))
    return None if row is None else integration_view(row)


def integration_view(row: Integration) -> IntegrationView:
    return IntegrationView(row.id, row.name, row.format, row.scheme, tuple(row.secrets or ()), row.user_id,
                           row.callback_url)


def list_integrations(session: Session) -> list[Integration]:
    return list(session.scalars(select(Integration).order_by(Integration.name)))


def _check_secret(secret: str) -> None:
    if len(secret or "") < MIN_SECRET_LENGTH:
        raise Invalid(f"the secret must be at least {MIN_SECRET_LENGTH} characters")


def _check_url(url: str | None) -> None:
    if url is None:
        return
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise Invalid(f"callback URL must be an http(s) URL, got {url!r}")
