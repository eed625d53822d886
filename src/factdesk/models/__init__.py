"""SQLAlchemy models: the persistent shape of drafts, claims, verdicts, users, audit and the outbox."""

from .approvals import Approval
from .audit import AuditEvent
from .base import Base, utcnow
from .claims import CheckedName, Claim, ClaimMatch, Verdict
from .drafts import Draft, Integration, Revision
from .outbox import OutboxJob
from .publications import Publication
from .users import ApiToken, User
from .webhooks import CmsInboxItem, CmsSave, EventDelivery

__all__ = [
    "ApiToken",
    "Approval",
    "AuditEvent",
    "Base",
    "CheckedName",
    "Claim",
    "ClaimMatch",
    "CmsInboxItem",
    "CmsSave",
    "Draft",
    "EventDelivery",
    "Integration",
    "OutboxJob",
    "Publication",
    "Revision",
    "User",
    "Verdict",
    "utcnow",
]
