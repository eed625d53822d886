"""Who is acting: a person or integration with a role, or the system itself."""

from __future__ import annotations

from dataclasses import dataclass

from .roles import Permission, can


@dataclass(frozen=True)
class Actor:
    id: int | None
    name: str
    role: str
    desk: str | None = None

    @property
    def label(self) -> str:
        return f"{self.role}:{self.name}" if self.id is not None else self.name

    def can(self, permission: Permission) -> bool:
        return can(self.role, permission)


SYSTEM = Actor(id=None, name="system", role="admin")
