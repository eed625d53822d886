"""SQLAlchemy models: the persistent shape of drafts, claims, verdicts, users, audit and the outbox."""

from .audit import AuditEvent
from .base import Base, utcnow
from .claims import Claim, Verdict
from .drafts import Draft, Integration, Revision
from .outbox import OutboxJob
from .users import ApiToken, User

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Base",
    "Claim",
    "Draft",
    "Integration",
    "OutboxJob",
    "Revision",
    "User",
    "Verdict",
    "utcnow",
]
