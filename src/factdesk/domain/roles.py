"""Roles and what each may do."""

from __future__ import annotations

from collections.abc import Iterable, Set
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
    # The delivery log and the CMS inbox: callback URLs, gate traffic and unpublished text of every desk, for
    # the people who run the gate.
    READ_GATE_LOGS = "read_gate_logs"
    ADMINISTER = "administer"


_GRANTS: dict[Role, frozenset[Permission]] = {
    Role.REPORTER: frozenset({Permission.SUBMIT_DRAFT, Permission.READ}),
    Role.CHECKER: frozenset({Permission.READ, Permission.CHECK}),
    Role.EDITOR: frozenset(
        {Permission.SUBMIT_DRAFT, Permission.READ, Permission.CHECK, Permission.APPROVE, Permission.SUPERVISE,
         Permission.READ_GATE_LOGS}
    ),
    Role.ADMIN: frozenset(Permission),
    Role.INTEGRATION: frozenset({Permission.SUBMIT_DRAFT, Permission.READ}),
}


def can(role: str, permission: Permission) -> bool:
    try:
        return permission in _GRANTS[Role(role)]
    except ValueError:
        return False


def authors_of(author_id: int | None, submitter_ids: Iterable[int | None]) -> frozenset[int]:
    """A draft's authors: whoever created it and everyone who submitted a revision of it (by REST, or the
    integration's user for a CMS save). An editor who rewrites a reporter's text is one of its authors."""
    return frozenset(i for i in (author_id, *submitter_ids) if i is not None)


def is_author(actor_id: int | None, authors: Set[int]) -> bool:
    """Separation of duties: a draft's authors never record verdicts on its claims and never approve it."""
    return actor_id is not None and actor_id in authors
