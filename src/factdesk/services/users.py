"""Users and API tokens: creating them, issuing and revoking tokens, authenticating a bearer token.

Each public function is one unit of work on the caller's session factory.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..db import Sessions, unit_of_work
from ..domain.actors import SYSTEM, Actor
from ..domain.roles import Role
from ..models import ApiToken, User, utcnow
from . import audit
from .errors import Conflict, Invalid, NotFound

TOKEN_PREFIX = "fd_"
# scrypt (werkzeug's default, memory-hard): n=2**15, r=8, p=1.
PASSWORD_METHOD = "scrypt"


def hash_token(token: str) -> str:
    # Tokens carry 256 random bits, so a plain SHA-256 is enough; a slow KDF would add nothing.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    id: int
    token: str  # shown only now: only its hash is stored


def add_user(sessions: Sessions, name: str, role: str, desk: str | None = None, actor: Actor = SYSTEM) -> Actor:
    """Create a user; returns them as an actor. Raises Invalid for an unknown role, Conflict when the name
    is taken."""
    with unit_of_work(sessions) as session:
        user = _add_user(session, name, role, desk, actor)
        return Actor(id=user.id, name=user.name, role=user.role, desk=user.desk)


def _add_user(session: Session, name: str, role: str, desk: str | None, actor: Actor) -> User:
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


def _find_user(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise NotFound(f"no user named {name!r}")
    return user


def issue_token(
    sessions: Sessions, name: str, *, expires_at: datetime | None = None, label: str | None = None
) -> IssuedToken:
    """Create a token for the user `name`. Raises NotFound."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with unit_of_work(sessions) as session:
        user = _find_user(session, name)
        row = ApiToken(
            user_id=user.id, token_hash=hash_token(token), prefix=token[:10], label=label, expires_at=expires_at
        )
        session.add(row)
        session.flush()
        audit.record(session, SYSTEM, "token.issued", after={"user": name, "token_id": row.id})
        return IssuedToken(row.id, token)


def revoke_token(sessions: Sessions, token_id: int) -> None:
    """Revoke a token (safe to repeat). Raises NotFound."""
    with unit_of_work(sessions) as session:
        row = session.get(ApiToken, token_id)
        if row is None:
            raise NotFound(f"no token {token_id}")
        if row.revoked_at is None:
            row.revoked_at = utcnow()
            audit.record(session, SYSTEM, "token.revoked", after={"token_id": token_id})


MIN_PASSWORD = 12
MAX_PASSWORD = 1024


@functools.cache
def _dummy_hash() -> str:
    """Checked against when the name is unknown, so that a wrong name costs what a wrong password does."""
    return generate_password_hash(secrets.token_urlsafe(16), method=PASSWORD_METHOD)


def check_password(password: str) -> None:
    """Raises Invalid unless `password` is one factdesk accepts (length only: a passphrase beats rules)."""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise Invalid(f"a password has {MIN_PASSWORD} to {MAX_PASSWORD} characters",
                      details={"password": ["too short" if len(password) < MIN_PASSWORD else "too long"]})


def set_password(sessions: Sessions, name: str, password: str, *, actor: Actor = SYSTEM) -> None:
    """Set the desk-page password of user `name` (stored as a memory-hard hash). Raises NotFound, Invalid."""
    check_password(password)
    hashed = generate_password_hash(password, method=PASSWORD_METHOD)
    with unit_of_work(sessions) as session:
        user = _find_user(session, name)
        user.password_hash = hashed
        audit.record(session, actor, "user.password_set", after={"user": name})


def sign_in(sessions: Sessions, name: str, password: str) -> Actor | None:
    """The actor whose name and password these are, or None (unknown, wrong, disabled, no password set)."""
    if len(password) > MAX_PASSWORD or len(name) > 100:
        return None
    with unit_of_work(sessions) as session:
        user = session.scalar(select(User).where(User.name == name.strip()))
    stored = user.password_hash if user is not None and user.disabled_at is None else None
    matches = check_password_hash(stored or _dummy_hash(), password)
    if user is None or stored is None or not matches:
        return None
    return Actor(id=user.id, name=user.name, role=user.role, desk=user.desk)


def find_actor(sessions: Sessions, user_id: int) -> Actor | None:
    """The enabled user with this id as an actor (a signed-in session's user), or None."""
    with unit_of_work(sessions) as session:
        user = session.get(User, user_id)
        if user is None or user.disabled_at is not None:
            return None
        return Actor(id=user.id, name=user.name, role=user.role, desk=user.desk)


def authenticate(sessions: Sessions, token: str) -> Actor | None:
    """The actor a bearer token belongs to, or None when it is unknown, revoked, expired or disabled."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    with unit_of_work(sessions) as session:
        found = session.execute(
            select(User.id, User.name, User.role, User.desk, User.disabled_at, ApiToken.revoked_at,
                   ApiToken.expires_at)
            .join(ApiToken, ApiToken.user_id == User.id)
            .where(ApiToken.token_hash == hash_token(token))
        ).first()
    if found is None or found.revoked_at is not None or found.disabled_at is not None:
        return None
    if found.expires_at is not None and found.expires_at <= utcnow():
        return None
    return Actor(id=found.id, name=found.name, role=found.role, desk=found.desk)
