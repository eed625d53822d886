"""Users and API tokens: creating them, issuing and revoking tokens, authenticating a bearer token."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.actors import SYSTEM, Actor
from ..domain.roles import Role
from ..models import ApiToken, User, utcnow
from . import audit
from .errors import Conflict, Invalid, NotFound

TOKEN_PREFIX = "fd_"


def hash_token(token: str) -> str:
    # Tokens carry 256 random bits, so a plain SHA-256 is enough; a slow KDF would add nothing.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_user(session: Session, name: str, role: str, desk: str | None = None, actor: Actor = SYSTEM) -> User:
    """Create a user. Raises Invalid for an unknown role, Conflict when the name is taken."""
    name = name.strip()
    if not name:
        raise Invalid("name must not be empty")
    try:
        Role(role)
    except ValueError:
        raise Invalid(f"unknown role {role!r}; one of {', '.join(r.value for r in Role)}") from None
    if session.scalar(select(User.id).where(User.name == name)) is not None:
        raise Conflict(f"user {name!r} exists already")
    user = User(name=name, role=role, desk=desk or None)
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.created", after={"user": name, "role": role, "desk": desk})
    return user


def find_user(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise NotFound(f"no user named {name!r}")
    return user


def issue_token(
    session: Session, name: str, *, expires_at: datetime | None = None, label: str | None = None
) -> tuple[ApiToken, str]:
    """Create a token for the user `name`; returns the row and the token, which is shown only now."""
    user = find_user(session, name)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id, token_hash=hash_token(token), prefix=token[:10], label=label, expires_at=expires_at
    )
    session.add(row)
    session.flush()
    audit.record(session, SYSTEM, "token.issued", after={"user": name, "token_id": row.id})
    return row, token


def revoke_token(session: Session, token_id: int) -> None:
    """Revoke a token (safe to repeat)."""
    row = session.get(ApiToken, token_id)
    if row is None:
        raise NotFound(f"no token {token_id}")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        audit.record(session, SYSTEM, "token.revoked", after={"token_id": token_id})


def authenticate(session: Session, token: str) -> Actor | None:
    """The actor a bearer token belongs to, or None when it is unknown, revoked, expired or disabled."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None or row.revoked_at is not None:
        return None
    now = utcnow()
    if row.expires_at is not None and row.expires_at <= now:
        return None
    user = row.user
    if user.disabled_at is not None:
        return None
    return Actor(id=user.id, name=user.name, role=user.role, desk=user.desk)
