"""Roles and what each may do."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    REPORTER = "reporter"
    CHECKER = "checker"
    EDITOR = "editor"
    ADMIN = "admin"
    INTEGRATION = "integration"


class Permission(StrEnum):
    SUBMIT_DRAFT = "submit_draft"
    READ = "read"
    CHECK = "check"
    APPROVE = "approve"
    # Record a verdict without holding the lease, release someone else's lease: the desk's editors.
    SUPERVISE = "supervise"
    ADMINISTER = "administer"


_GRANTS: dict[Role, frozenset[Permission]] = {
    Role.REPORTER: frozenset({Permission.SUBMIT_DRAFT, Permission.READ}),
    Role.CHECKER: frozenset({Permission.READ, Permission.CHECK}),
    Role.EDITOR: frozenset(
        {Permission.SUBMIT_DRAFT, Permission.READ, Permission.CHECK, Permission.APPROVE, Permission.SUPERVISE}
    ),
    Role.ADMIN: frozenset(Permission),
    Role.INTEGRATION: frozenset({Permission.SUBMIT_DRAFT, Permission.READ}),
}


def can(role: str, permission: Permission) -> bool:
    try:
        return permission in _GRANTS[Role(role)]
    except ValueError:
        return False


def is_author(actor_id: int | None, author_id: int | None) -> bool:
    """Separation of duties: a draft's author never records verdicts on its claims and never approves it."""
    return actor_id is not None and actor_id == author_id
