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
    ADMINISTER = "administer"


_GRANTS: dict[Role, frozenset[Permission]] = {
    Role.REPORTER: frozenset({Permission.SUBMIT_DRAFT, Permission.READ}),
    Role.CHECKER: frozenset({Permission.READ, Permission.CHECK}),
    Role.EDITOR: frozenset({Permission.SUBMIT_DRAFT, Permission.READ, Permission.CHECK, Permission.APPROVE}),
    Role.ADMIN: frozenset(Permission),
    Role.INTEGRATION: frozenset({Permission.SUBMIT_DRAFT, Permission.READ}),
}


def can(role: str, permission: Permission) -> bool:
    try:
        return permission in _GRANTS[Role(role)]
    except ValueError:
        return False
